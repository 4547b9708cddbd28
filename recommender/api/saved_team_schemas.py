"""The saved-teams API's schemas: what a saved team, a member and their progress look like."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..schemas import ProfileSchema
from ..store.models import STATUSES
from ..store.teams import NAME_LENGTH
from ..team import TeamMemberSchema, TeamPlanSchema
from ..vocabulary import ROUTES
from .team_plans import RosterSchema


class ProgressSchema(Schema):
    course = fields.String(required=True, metadata={"example": "API 29"})
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    date = fields.String(required=True, metadata={"format": "date"})
    recorded_by = fields.String(required=True)
    recorded_at = fields.String(required=True, metadata={"description": "UTC, ISO 8601."})


class RetakeSchema(Schema):
    """A failed course's retake: its window and price, and what the failure adds."""

    code = fields.String(required=True, metadata={"example": "API 29"})
    failed_on = fields.String(required=True, metadata={"format": "date"})
    window_start = fields.String(required=True, metadata={"format": "date"})
    window_end = fields.String(required=True, metadata={"format": "date"})
    same_window = fields.Boolean(
        required=True, metadata={"description": "Retaken in the failed exam's own window."}
    )
    fee = fields.Float(required=True, metadata={"description": "The exam fee before discounts."})
    amount = fields.Float(required=True, metadata={"description": "The retake's price."})
    discount = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "The one discount applied (the same-window retake discount or the "
            "member's own, whichever is best), or null."
        },
    )
    added_fees = fields.Float(required=True, metadata={"description": "What the failure adds."})
    added_months = fields.Integer(
        required=True,
        metadata={"description": "Months from the failed window's end to the retake's."},
    )
    counts_toward_limit = fields.Boolean(
        required=True, metadata={"description": "Whether it counts toward the per-window limit."}
    )
    access_ok = fields.Boolean(
        required=True, metadata={"description": "Whether course access lasts to the retake."}
    )
    verified = fields.Boolean(required=True)


class SavedMemberSchema(TeamMemberSchema):
    """A member planned now, with their progress (the team plan's member, plus these)."""

    id = fields.Integer(required=True)
    profile = fields.Dict(required=True, metadata={"description": "The stored profile."})
    progress = fields.List(fields.Nested(ProgressSchema), required=True)
    status = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(("on_track", "behind", "completed")),
        metadata={"description": "Against the exam dates of the member's first plan."},
    )
    overdue_courses = fields.List(fields.String(), required=True)
    earned = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "Designations whose courses are all passed (pending any "
            "experience requirement)."
        },
    )
    retakes = fields.List(
        fields.Nested(RetakeSchema),
        required=True,
        metadata={"description": "Courses failed and not passed since, each planned as a retake."},
    )
    has_private_link = fields.Boolean(required=True)


class RouteChangeSchema(Schema):
    member_id = fields.Integer(required=True)
    name = fields.String(required=True)
    old_route = fields.String(required=True, allow_none=True, validate=validate.OneOf(ROUTES))
    new_route = fields.String(required=True, allow_none=True, validate=validate.OneOf(ROUTES))
    rule = fields.String(required=True)


class RulesChangeSchema(Schema):
    """The rules changed since the team was last shown: whose route they change."""

    old_version = fields.String(required=True)
    new_version = fields.String(required=True)
    members = fields.Integer(required=True)
    changed = fields.List(fields.Nested(RouteChangeSchema), required=True)


class SavedTeamSchema(TeamPlanSchema):
    """A saved team with its plan worked out now (the team plan, plus these)."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "Also the `ETag`."})
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)
    members = fields.List(fields.Nested(SavedMemberSchema), required=True)
    rules_change = fields.Nested(RulesChangeSchema, required=True, allow_none=True)


class TeamListItemSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    members = fields.Integer(required=True, metadata={"description": "How many."})
    version = fields.Integer(required=True)
    updated_at = fields.String(required=True)


class EventSchema(Schema):
    at = fields.String(required=True)
    actor = fields.String(required=True)
    action = fields.String(required=True)
    member_id = fields.Integer(required=True, allow_none=True)
    text = fields.String(required=True)


class TeamNameQuerySchema(Schema):
    name = fields.String(
        validate=validate.Length(min=1, max=NAME_LENGTH),
        metadata={"description": "The team's name, for a CSV body or an upload."},
    )


class RenameSchema(Schema):
    name = fields.String(required=True, validate=validate.Length(min=1, max=NAME_LENGTH))


class CourseCode(fields.String):
    """A course code; the OpenAPI document lists the catalog's (see api.docs)."""

    catalog_names = "courses"


class ProgressBodySchema(Schema):
    course = CourseCode(
        required=True,
        metadata={
            "example": "API 29",
            "description": "A catalog course code (other spellings of it, e.g. `api29`, are "
            "accepted too).",
        },
    )
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    date = fields.Date(required=True, metadata={"example": "2027-05-01"})


class MemberBodySchema(ProfileSchema):
    """A member: a name and the profile fields."""

    name = fields.String(required=True, metadata={"example": "Ana Example"})


class MemberChangeSchema(MemberBodySchema):
    """A member added or replaced: as a roster's, but the name is required to be there."""

    name = fields.String(
        required=True,
        validate=validate.Length(min=1, max=NAME_LENGTH),
        # Spaces around the name are dropped: a blank name is no name (a 422).
        metadata={"example": "Ana Example", "pattern": r"\S"},
    )


class NewTeamSchema(RosterSchema):
    """A team from a JSON roster: its name, and the roster's members as a team plan takes them.

    Every member is saved, one that is not a valid profile too (its `errors` say what to
    fix), so the document promises no 422 for a member; other keys are ignored.
    """

    # Not required here: the name may be given as `?name=` instead (one of them is a must).
    name = fields.String(
        validate=validate.Length(min=1, max=NAME_LENGTH),
        metadata={"description": "The team's name (or `?name=`)."},
    )
