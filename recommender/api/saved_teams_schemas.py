"""Marshmallow schemas of the saved-teams API: its answers (a team, a member, a progress entry,
the team list, events) and its bodies (a new team, a member, a change, progress, a rename).

The catalog, rules and health schemas are in recommender.api.schemas; the team plan's, which a
saved team extends, in recommender.team.schemas.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, validate

from ..http.downloads import DOWNLOADS
from ..saved_teams import MAX_PER_PAGE, PER_PAGE
from ..schemas import ProfileSchema
from ..store.models import STATUSES
from ..store.teams import NAME_LENGTH
from ..team import TeamMemberSchema, TeamPlanSchema
from ..team.schemas import TeamCohortSchema, TeamWindowSchema
from ..vocabulary import ROUTES
from .team_plans import RosterSchema


class ProgressSchema(Schema):
    """One attempt at a course (every attempt is kept)."""

    id = fields.Integer(
        required=True,
        metadata={"description": "The entry's id (`DELETE .../progress/{progress_id}`)."},
    )
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
    progress = fields.List(
        fields.Nested(ProgressSchema),
        required=True,
        metadata={"description": "Every attempt recorded, in date order."},
    )
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
    email = fields.String(
        allow_none=True,
        metadata={"description": "Where reminders go (a roster's `email` column), or null."},
    )


class RouteChangeSchema(Schema):
    member_id = fields.Integer(required=True)
    name = fields.String(required=True, metadata={"description": "The member's name."})
    old_route = fields.String(required=True, allow_none=True, validate=validate.OneOf(ROUTES))
    new_route = fields.String(required=True, allow_none=True, validate=validate.OneOf(ROUTES))
    rule = fields.String(required=True)


class RulesChangeSchema(Schema):
    """The rules changed since the team was last shown: whose route they change."""

    old_version = fields.String(
        required=True, metadata={"description": "The rules the team was last shown with."}
    )
    new_version = fields.String(required=True, metadata={"description": "The rules in use now."})
    members = fields.Integer(required=True, metadata={"description": "The team's members."})
    changed = fields.List(fields.Nested(RouteChangeSchema), required=True)


class SavedCohortSchema(TeamCohortSchema):
    """A cohort of a saved team: how many sit it (everyone), and who of this page's members."""

    members = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "The names of this page's members who sit it (every name: the "
            "downloads, `?format=csv|xlsx|ics`)."
        },
    )
    rows = fields.List(fields.Integer(), required=True, metadata={"description": "Their rows."})
    people = fields.Integer(required=True, metadata={"description": "How many sit it, in all."})


class SavedWindowSchema(TeamWindowSchema):
    cohorts = fields.List(fields.Nested(SavedCohortSchema), required=True)


class SavedTeamSchema(TeamPlanSchema):
    """A saved team: a page of its members, and its plan over everyone (summary, schedule,
    budget), summed from each member's kept plan."""

    id = fields.Integer(required=True)
    name = fields.String(required=True)
    version = fields.Integer(required=True, metadata={"description": "Also the `ETag`."})
    created_at = fields.String(required=True)
    updated_at = fields.String(required=True)
    members = fields.List(
        fields.Nested(SavedMemberSchema),
        required=True,
        metadata={
            "description": "This page of the members (`page`, `per_page`, `search`, `behind`)."
        },
    )
    total = fields.Integer(
        required=True, metadata={"description": "How many members match (`search`, `behind`)."}
    )
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    schedule = fields.List(fields.Nested(SavedWindowSchema), required=True)
    rules_change = fields.Nested(RulesChangeSchema, required=True, allow_none=True)


class TeamPageQuerySchema(Schema):
    """Which members a team's answer lists, or the whole plan as a file."""

    page = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1),
        metadata={"description": "The page of members (a page past the last lists none)."},
    )
    per_page = fields.Integer(
        load_default=PER_PAGE,
        validate=validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": f"Members per page (default {PER_PAGE}, at most {MAX_PER_PAGE})."},
    )
    search = fields.String(
        validate=validate.Length(max=NAME_LENGTH),
        metadata={"description": "Only members whose name contains this (any case)."},
    )
    behind = fields.Boolean(
        load_default=False,
        metadata={"description": "`true`: only members behind the exam dates of their first plan."},
    )
    format = fields.String(
        validate=validate.OneOf(("json", *DOWNLOADS)),
        metadata={
            "description": "`csv`, `xlsx` or `ics`: the whole saved plan (every member) as the "
            "team plan's downloads are (or `Accept`); JSON by default."
        },
    )


class TeamListItemSchema(Schema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    members = fields.Integer(required=True, metadata={"description": "How many."})
    version = fields.Integer(required=True, metadata={"description": "Also the team's `ETag`."})
    updated_at = fields.String(required=True, metadata={"description": "UTC, ISO 8601."})
    role = fields.String(
        required=True,
        metadata={"description": "Your part in the team: owner, admin, editor or viewer."},
    )


class EventSchema(Schema):
    at = fields.String(required=True, metadata={"description": "UTC, ISO 8601."})
    actor = fields.String(required=True, metadata={"description": "Who did it."})
    action = fields.String(required=True)
    member_id = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The member it was done to, or null for the team."},
    )
    text = fields.String(required=True, metadata={"description": "What was done, in words."})


# A name: not blank, and no NUL (PostgreSQL's text refuses it), as the OpenAPI `pattern` too.
# Linear to match: the classes either side of the first character do not overlap. A lone
# surrogate, which a pattern cannot name on every platform, is refused by the store
# (recommender/stored_text.py), also a 422 naming the field.
NAME_PATTERN = r"^\s*[^\s\u0000][^\u0000]*$"


def _name_field(**kwargs: Any) -> fields.String:
    bounds = [
        validate.Length(min=1, max=NAME_LENGTH),
        validate.Regexp(NAME_PATTERN, error="Must not be blank, nor hold a NUL character."),
    ]
    return fields.String(validate=bounds, **kwargs)


class TeamNameQuerySchema(Schema):
    name = _name_field(metadata={"description": "The team's name, for a CSV body or an upload."})


class RenameSchema(Schema):
    name = _name_field(required=True)


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
    email = fields.Email(
        allow_none=True,
        validate=validate.Length(max=254),
        metadata={"description": "Where reminders go.", "example": "ana@example.com"},
    )


class MemberChangeSchema(MemberBodySchema):
    """A member added or replaced: as a roster's, but the name is required to be there."""

    # Spaces around the name are dropped: a blank name is no name (a 422).
    name = _name_field(required=True, metadata={"example": "Ana Example"})


class NewTeamSchema(RosterSchema):
    """A team from a JSON roster: its name, and the roster's members as a team plan takes them.

    Every member is saved, one that is not a valid profile too (its `errors` say what to
    fix), so the document promises no 422 for a member; other keys are ignored.
    """

    # Not required here: the name may be given as `?name=` instead (one of them is a must).
    name = _name_field(metadata={"description": "The team's name (or `?name=`)."})
