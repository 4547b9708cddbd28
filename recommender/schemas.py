"""Marshmallow schemas: the profile coming in and the recommendation going out."""

from __future__ import annotations

from datetime import date
from typing import Any

from marshmallow import (
    EXCLUDE,
    Schema,
    ValidationError,
    fields,
    post_load,
    pre_load,
    validate,
    validates_schema,
)

from .catalog import Catalog
from .errors import ProfileError
from .planner import REQUIREMENTS, Profile
from .vocabulary import (
    DEFAULT_GOAL,
    DEFAULT_HOURS_PER_WEEK,
    FITS,
    GOALS,
    HOURS_RANGE,
    LINES,
    ROLES,
    ROUTES,
    YEARS_RANGE,
)

# Profile fields that hold lists (a form repeats them; a CSV cell separates them with ';').
PROFILE_LIST_FIELDS = ("designations", "completed_courses", "discounts")
PROFILE_FIELDS = (
    "role",
    "lines",
    "years_experience",
    "designations",
    "completed_courses",
    "goal",
    "hours_per_week",
    "start_date",
    "discounts",
)


class _StrictFloat(fields.Float):
    """A number that refuses booleans (JSON true is not 1 year of experience)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


def _list_of_strings() -> fields.List:
    return fields.List(fields.String(validate=validate.Length(min=1, max=40)), load_default=list)


class ProfileSchema(Schema):
    """One person's profile (docs/policy.md, "Inputs"); course codes in catalog form."""

    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    lines = fields.String(required=True, validate=validate.OneOf(LINES))
    years_experience = _StrictFloat(
        required=True, validate=validate.Range(min=YEARS_RANGE[0], max=YEARS_RANGE[1])
    )
    designations = _list_of_strings()
    completed_courses = _list_of_strings()
    # allow_none documents (e.g. in the OpenAPI document) that null means "not given":
    # _drop_empty_optionals removes it before these fields see it.
    goal = fields.String(load_default=DEFAULT_GOAL, allow_none=True, validate=validate.OneOf(GOALS))
    start_date = fields.Date(
        load_default=None,
        allow_none=True,
        # A plan runs for years from here: keep its dates within what a calendar holds.
        validate=validate.Range(min=date(2000, 1, 1), max=date(2100, 12, 31)),
        metadata={"description": "When study starts (ISO date); default: today."},
    )
    discounts = fields.List(
        fields.String(),
        load_default=list,
        metadata={
            "description": "Exam discounts that apply: early_purchase, student_teacher_regulator "
            "(students, teachers, regulators, active-duty military). Never stacked: each exam "
            "gets the single best."
        },
    )
    hours_per_week = _StrictFloat(
        load_default=DEFAULT_HOURS_PER_WEEK,
        allow_none=True,
        validate=validate.Range(min=HOURS_RANGE[0], max=HOURS_RANGE[1]),
    )

    def __init__(self, catalog: Catalog | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.catalog = catalog

    @pre_load
    def _drop_empty_optionals(self, data: Any, **_: Any) -> Any:
        # A form or CSV sends "" for a field left blank: treat it as not given.
        if isinstance(data, dict):
            return {
                k: v
                for k, v in data.items()
                if not (v in ("", None) and k in ("goal", "hours_per_week"))
            }
        return data

    @validates_schema(skip_on_field_errors=False)
    def _check_codes(self, data: dict[str, Any], **_: Any) -> None:
        if self.catalog is None:
            return
        errors: dict[str, list[str]] = {}
        unknown_designations = [
            d for d in data.get("designations", []) if self.catalog.normalise_designation(d) is None
        ]
        if unknown_designations:
            known = ", ".join(self.catalog.designations)
            errors["designations"] = [
                f"Unknown designation {d!r}; known: {known}." for d in unknown_designations
            ]
        unknown_courses = [
            c for c in data.get("completed_courses", []) if self.catalog.normalise_code(c) is None
        ]
        if unknown_courses:
            errors["completed_courses"] = [f"Unknown course code {c!r}." for c in unknown_courses]
        known_discounts = self.catalog.discounts
        unknown_discounts = [d for d in data.get("discounts", []) if d not in known_discounts]
        if unknown_discounts:
            errors["discounts"] = [
                f"Unknown discount {d!r}; known: {', '.join(known_discounts)}."
                for d in unknown_discounts
            ]
        if errors:
            raise ValidationError(errors)

    @post_load
    def _make_profile(self, data: dict[str, Any], **_: Any) -> Profile:
        catalog = self.catalog
        designations = [d.strip().upper() for d in data["designations"]]
        courses = data["completed_courses"]
        if catalog is not None:
            # Aliases are shown as the catalog's current code ('Ethics 311' is 'ETH 311').
            designations = [catalog.normalise_designation(d) or d for d in designations]
            courses = [catalog.normalise_code(c) or c for c in courses]
        return Profile(
            role=data["role"],
            lines=data["lines"],
            years_experience=data["years_experience"],
            designations=_unique(designations),
            completed_courses=_unique(courses),
            goal=data["goal"],
            hours_per_week=data["hours_per_week"],
            start_date=data["start_date"],
            discounts=_unique(data["discounts"]),
        )


def _unique(values: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(values))


def load_profile(data: Any, schema: ProfileSchema) -> Profile:
    """Validate raw profile data with `schema`; raise ProfileError naming each bad field."""
    if not isinstance(data, dict):
        raise ProfileError({"_schema": ["A profile must be a JSON object."]})
    try:
        profile: Profile = schema.load(data)
    except ValidationError as exc:
        raise ProfileError(_flat_errors(exc.messages)) from exc
    return profile


def _flat_errors(messages: Any) -> dict[str, list[str]]:
    """Collapse marshmallow's per-index list errors into one list per field."""
    out: dict[str, list[str]] = {}
    for field_name, value in dict(messages).items():
        if isinstance(value, dict):
            out[field_name] = [
                m for sub in value.values() for m in (sub if isinstance(sub, list) else [sub])
            ]
        else:
            out[field_name] = list(value)
    return out


# --- output --------------------------------------------------------------------------------


class ReasonSchema(Schema):
    rule = fields.String(required=True)
    text = fields.String(required=True)


class WarningSchema(Schema):
    rule = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The rule that warns, or null for a warning of the planner."},
    )
    text = fields.String(required=True)
    verified = fields.Boolean(
        required=True,
        metadata={"description": "False: the fact it states is to confirm with The Institutes."},
    )


class MonthsSchema(Schema):
    low = fields.Integer(required=True)
    high = fields.Integer(required=True)


class CourseItemSchema(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    requirement = fields.String(
        required=True,
        validate=validate.OneOf(REQUIREMENTS),
    )
    counts_toward = fields.List(fields.String(), required=True)
    verified = fields.Boolean(required=True)


def _iso_date(description: str) -> fields.String:
    # The planner hands out ISO strings already; document them as dates.
    return fields.String(required=True, metadata={"format": "date", "description": description})


class ExamSchema(Schema):
    code = fields.String(required=True)
    window_start = _iso_date("The first day of the testing window.")
    window_end = _iso_date("The last day of the testing window.")
    ready = _iso_date("When studying the course is done, at the chosen pace.")
    access_ends = _iso_date("When course access (bought when study starts) ends.")
    access_ok = fields.Boolean(
        required=True, metadata={"description": "Whether the exam can be sat before access ends."}
    )


class CostItemSchema(Schema):
    code = fields.String(required=True)
    fee = fields.Float(required=True)
    amount = fields.Float(required=True, metadata={"description": "The fee after discounts."})
    discount = fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "The one discount applied (the best that applies; ids joined with "
            "'+' where the catalog says they combine), or null for none."
        },
    )
    verified = fields.Boolean(required=True)


class CostSchema(Schema):
    low = fields.Float(required=True)
    high = fields.Float(required=True)
    currency = fields.String(required=True)
    verified = fields.Boolean(required=True)
    discounts = fields.List(fields.String(), required=True)
    items = fields.List(fields.Nested(CostItemSchema), required=True)


class ChangeSchema(Schema):
    field = fields.String(required=True)
    value = fields.Raw(required=True)
    recommended_route = fields.String(required=True, allow_none=True)
    change = fields.String(required=True)


class MilestoneSchema(Schema):
    designation = fields.String(required=True)
    name = fields.String(required=True)
    after_course = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The course whose exam earns it; null if none is left."},
    )
    window_start = fields.String(
        required=True, allow_none=True, metadata={"format": "date", "description": "Its window."}
    )
    window_end = fields.String(required=True, allow_none=True, metadata={"format": "date"})
    verified = fields.Boolean(
        required=True,
        metadata={"description": "False: its requirements are to confirm with The Institutes."},
    )
    experience_months = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "Months of insurance work also needed for conferment."},
    )
    note = fields.String(required=True, allow_none=True)


class RouteSchema(Schema):
    route = fields.String(required=True, validate=validate.OneOf(ROUTES))
    name = fields.String(required=True)
    fit = fields.String(required=True, validate=validate.OneOf(FITS))
    folded_into = fields.String(
        required=True,
        allow_none=True,
        validate=validate.OneOf(ROUTES),
        metadata={
            "description": "The person is on this route already; what is left of it is this "
            "route (e.g. an API holder's combined route is the CPCU)."
        },
    )
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)
    api_path = fields.String(allow_none=True, required=True)
    concentration = fields.String(allow_none=True, required=True)
    credited_courses = fields.List(fields.String(), required=True)
    remaining_courses = fields.List(fields.Nested(CourseItemSchema), required=True)
    estimated_months = fields.Nested(MonthsSchema, required=True)
    warnings = fields.List(fields.Nested(WarningSchema), required=True)
    to_confirm = fields.List(fields.String(), required=True)
    exam_schedule = fields.List(fields.Nested(ExamSchema), required=True)
    estimated_cost = fields.Nested(CostSchema, required=True)
    milestones = fields.List(
        fields.Nested(MilestoneSchema),
        required=True,
        metadata={
            "description": "Each designation of the route not yet held, in the order earned."
        },
    )


class AlsoConsiderSchema(Schema):
    designation = fields.String(required=True)
    name = fields.String(required=True)
    reason = fields.String(required=True)
    rule = fields.String(required=True)
    verified = fields.Boolean(required=True)


class ProfileEchoSchema(Schema):
    role = fields.String()
    lines = fields.String()
    years_experience = fields.Float()
    designations = fields.List(fields.String())
    completed_courses = fields.List(fields.String())
    goal = fields.String()
    hours_per_week = fields.Float()
    start_date = fields.String(metadata={"format": "date"})
    discounts = fields.List(fields.String())


class RecommendationSchema(Schema):
    """The recommendation object of CONTRACT.md."""

    class Meta:
        unknown = EXCLUDE

    recommended_route = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(ROUTES)
    )
    summary = fields.String(required=True)
    routes = fields.List(fields.Nested(RouteSchema), required=True)
    also_consider = fields.List(fields.Nested(AlsoConsiderSchema), required=True)
    fired_rules = fields.List(fields.String(), required=True)
    what_would_change = fields.List(fields.Nested(ChangeSchema), required=True)
    rules_version = fields.String(required=True)
    profile = fields.Nested(ProfileEchoSchema, required=True)
