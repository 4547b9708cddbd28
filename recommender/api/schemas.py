"""Marshmallow schemas of the API's own bodies and answers: catalog, rules, health, saved teams.

The profile and recommendation schemas are in recommender.schemas, the team plan's in
recommender.team.schemas; the error envelope's is in recommender.http.errorhandlers, which
every part of the app uses.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields, pre_dump, validate

from ..bands import BandSchema
from ..catalog import Catalog
from ..http.downloads import DOWNLOADS
from ..saved_teams import MAX_PER_PAGE, PER_PAGE
from ..schemas import ProfileSchema
from ..store.models import STATUSES
from ..store.teams import NAME_LENGTH
from ..team import TeamMemberSchema, TeamPlanSchema
from ..team.schemas import TeamCohortSchema, TeamWindowSchema
from ..vocabulary import ROUTES
from .team_plans import RosterSchema

_RULE_KINDS = ("decision", "suggest", "warn")


def _strings() -> fields.List:
    return fields.List(fields.String(), required=True)


class HealthSchema(Schema):
    """The service is up and its rules are loaded."""

    status = fields.String(required=True, validate=validate.OneOf(["ok"]))


class _SourcedSchema(Schema):
    source = fields.String(required=True, metadata={"description": "A key of `sources`."})
    verified = fields.Boolean(
        required=True,
        metadata={"description": "False: to confirm with The Institutes."},
    )
    as_of = fields.String(
        required=True, metadata={"description": "When it was last checked against its source."}
    )


class HoursSchema(BandSchema):
    """Study hours."""


class DesignationSchema(_SourcedSchema):
    code = fields.String(required=True)
    name = fields.String(required=True)
    body = fields.String(required=True)
    audience = fields.String(required=True)
    summary = fields.String(required=True)
    aliases = _strings()


class CatalogCourseSchema(_SourcedSchema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    former_title = fields.String(required=True, allow_none=True)
    aliases = _strings()
    legacy = fields.Boolean(required=True, metadata={"description": "An older code kept."})
    note = fields.String(required=True, allow_none=True)
    counts_toward = _strings()
    study_hours = fields.Nested(HoursSchema, required=True)
    exam_fee = fields.Float(required=True)
    fee_verified = fields.Boolean(required=True)


class ApiPathSchema(_SourcedSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    courses = _strings()


class ApiStructureSchema(Schema):
    ethics = fields.String(required=True)
    paths = fields.List(fields.Nested(ApiPathSchema), required=True)


class CpcuStructureSchema(_SourcedSchema):
    ethics = fields.String(required=True)
    foundation = _strings()
    concentrations = fields.Dict(
        keys=fields.String(), values=fields.List(fields.String()), required=True
    )
    electives = _strings()
    experience_months = fields.Integer(required=True)


class SourcedHoursSchema(HoursSchema, _SourcedSchema):
    pass


class FeeSchema(_SourcedSchema):
    amount = fields.Float(required=True, metadata={"description": "One course exam's fee."})
    currency = fields.String(required=True)


class DiscountSchema(_SourcedSchema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    description = fields.String(required=True)
    amount_off = fields.Float(required=True)
    percent_off = fields.Float(required=True)
    combines_with = _strings()
    only_before_window = fields.Boolean(required=True)


class WindowSchema(Schema):
    start = fields.String(required=True, metadata={"description": "Month-day, e.g. 01-15."})
    end = fields.String(required=True, metadata={"description": "Month-day, inclusive."})


class RetakeRulesSchema(_SourcedSchema):
    per_window = fields.Integer(required=True)
    same_window_amount_off = fields.Float(required=True)
    count_toward_limit = fields.Boolean(required=True)


class ExamRulesSchema(_SourcedSchema):
    windows = fields.List(fields.Nested(WindowSchema), required=True)
    max_per_window = fields.Integer(required=True)
    access_months = fields.Integer(required=True)
    retakes = fields.Nested(RetakeRulesSchema, required=True)


class FactSchema(_SourcedSchema):
    id = fields.String(required=True)
    text = fields.String(required=True)


class CatalogSchema(Schema):
    """What the recommender knows: designations, API paths, CPCU structure, courses, sources."""

    version = fields.String(required=True)
    sources = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
    designations = fields.List(fields.Nested(DesignationSchema), required=True)
    api = fields.Nested(ApiStructureSchema, required=True)
    cpcu = fields.Nested(CpcuStructureSchema, required=True)
    courses = fields.List(fields.Nested(CatalogCourseSchema), required=True)
    credits = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.String()),
        required=True,
        metadata={"description": "The courses credited by each designation held."},
    )
    facts = fields.List(fields.Nested(FactSchema), required=True)
    default_study_hours = fields.Nested(SourcedHoursSchema, required=True)
    exam_fee = fields.Nested(FeeSchema, required=True)
    discounts = fields.List(fields.Nested(DiscountSchema), required=True)
    exams = fields.Nested(ExamRulesSchema, required=True)

    @pre_dump
    def _from_catalog(self, catalog: Catalog, **_: Any) -> dict[str, Any]:
        # The catalog keys designations and courses by code; the API lists them in file order.
        return {
            "version": catalog.version,
            "sources": catalog.sources,
            "designations": list(catalog.designations.values()),
            "api": {"ethics": catalog.api_ethics, "paths": catalog.api_paths},
            "cpcu": catalog.cpcu,
            "courses": list(catalog.courses.values()),
            "credits": catalog.credits,
            "facts": catalog.facts,
            "default_study_hours": {
                "low": catalog.default_hours.low,
                "high": catalog.default_hours.high,
                "source": catalog.default_hours_source,
                "verified": catalog.default_hours_verified,
                "as_of": catalog.default_hours_as_of,
            },
            "exam_fee": catalog.default_fee,
            "discounts": list(catalog.discounts.values()),
            "exams": {
                "windows": [
                    {"start": f"{sm:02d}-{sd:02d}", "end": f"{em:02d}-{ed:02d}"}
                    for (sm, sd), (em, ed) in catalog.exams.windows
                ],
                "max_per_window": catalog.exams.max_per_window,
                "access_months": catalog.exams.access_months,
                "source": catalog.exams.source,
                "verified": catalog.exams.verified,
                "as_of": catalog.exams.as_of,
                "retakes": catalog.exams.retakes,
            },
        }


class RuleSummarySchema(Schema):
    id = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(_RULE_KINDS))
    description = fields.String(required=True)
    file = fields.String(required=True, metadata={"description": "The file in rules/."})


class RulesSchema(Schema):
    """Every rule, decision rules first, each in file order."""

    rules_version = fields.String(required=True, attribute="version")
    files = _strings()
    rules = fields.List(fields.Nested(RuleSummarySchema), required=True)


# --- saved teams ----------------------------------------------------------------------------


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
    version = fields.Integer(required=True)
    updated_at = fields.String(required=True)
    role = fields.String(
        required=True,
        metadata={"description": "Your part in the team: owner, admin, editor or viewer."},
    )


class EventSchema(Schema):
    at = fields.String(required=True)
    actor = fields.String(required=True)
    action = fields.String(required=True)
    member_id = fields.Integer(required=True, allow_none=True)
    text = fields.String(required=True)


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
