"""The recommendation going out (docs/api.md, "A recommendation"), for dumps and the
OpenAPI document."""

from __future__ import annotations

from typing import Any

from marshmallow import EXCLUDE, Schema, fields, validate

from ..planner import REQUIREMENTS
from ..vocabulary import FITS, ROUTES


def _described(kind: type[fields.Field], description: str, *args: Any, **kwargs: Any) -> Any:
    """A `kind` field that the OpenAPI document describes."""
    metadata = {**kwargs.pop("metadata", {}), "description": description}
    return kind(*args, metadata=metadata, **kwargs)


def _or_null(kind: type[fields.Field], description: str, *args: Any, **kwargs: Any) -> Any:
    """A described `kind` field that is always there and may be null."""
    return _described(kind, description, *args, required=True, allow_none=True, **kwargs)


def _strings(**kwargs: Any) -> fields.List:
    return fields.List(fields.String(), required=True, **kwargs)


def _iso_date(description: str, **kwargs: Any) -> fields.String:
    # The planner hands out ISO strings already; document them as dates.
    return _described(fields.String, description, metadata={"format": "date"}, **kwargs)


class ReasonSchema(Schema):
    rule = fields.String(required=True)
    text = fields.String(required=True)
    verified = _described(
        fields.Boolean,
        "False: a fact it states, or a credit it names, is to confirm with The Institutes.",
    )


class WarningSchema(Schema):
    rule = _or_null(fields.String, "The rule that warns, or null for a warning of the planner.")
    text = fields.String(required=True)
    verified = _described(
        fields.Boolean,
        "False: the fact it states is to confirm with The Institutes.",
        required=True,
    )


class MonthsSchema(Schema):
    """Whole months from the start date, by the dated plan (windows, the per-window limit,
    course access): `low` when the last exam can first be sat, `high` when its window closes."""

    low = fields.Integer(required=True)
    high = fields.Integer(required=True)


class AmountRangeSchema(Schema):
    low = fields.Float(required=True)
    high = fields.Float(required=True)


class CourseItemSchema(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    requirement = fields.String(required=True, validate=validate.OneOf(REQUIREMENTS))
    counts_toward = _strings()
    verified = fields.Boolean(required=True)


class ExamSchema(Schema):
    code = fields.String(required=True)
    window_start = _iso_date("The first day of the testing window.", required=True)
    window_end = _iso_date("The last day of the testing window.", required=True)
    ready = _iso_date("When studying the course is done, at the chosen pace.", required=True)
    access_ends = _iso_date("When course access (bought when study starts) ends.", required=True)
    access_ok = _described(
        fields.Boolean, "Whether the exam can be sat before access ends.", required=True
    )


class CostItemSchema(Schema):
    code = fields.String(required=True)
    fee = fields.Float(required=True)
    amount = _described(fields.Float, "The fee after discounts.", required=True)
    discount = _or_null(
        fields.String,
        "The one discount applied (the best that applies; ids joined with '+' where the "
        "catalog says they combine), or null for none.",
    )
    verified = fields.Boolean(required=True)
    fee_range = _described(
        fields.Nested,
        "The fee the sources give, where they disagree (fee is the planning figure within it).",
        AmountRangeSchema,
    )
    note = _described(
        fields.String,
        "Why a chosen discount does not apply (e.g. early purchase for an exam whose window "
        "is already open on the start date), or null.",
        allow_none=True,
    )


class OtherCostSchema(Schema):
    id = fields.String(required=True)
    name = fields.String(required=True)
    amount = _or_null(
        fields.Float, "Its price where the catalog has a figure; null: not known, not included."
    )
    per = _described(fields.String, "What for.", required=True, allow_none=True)
    included = _described(fields.Boolean, "Whether low and high include it.", required=True)
    description = fields.String(required=True)
    verified = fields.Boolean(required=True)


class CostSchema(Schema):
    low = _described(
        fields.Float, "The exam fees at the planning figure (what sums use).", required=True
    )
    high = _described(fields.Float, "Equal to low.", required=True)
    currency = fields.String(required=True)
    verified = fields.Boolean(required=True)
    discounts = _strings()
    items = fields.List(fields.Nested(CostItemSchema), required=True)
    range = _described(
        fields.Nested, "The exam fees over the fee range the sources give.", AmountRangeSchema
    )
    other_costs = _described(
        fields.List,
        "Costs besides the exam fees, each its own line (course materials, exam transfers): "
        "not in low and high.",
        fields.Nested(OtherCostSchema),
    )


class ChangeSchema(Schema):
    field = fields.String(required=True)
    value = fields.Raw(required=True)
    recommended_route = fields.String(required=True, allow_none=True)
    change = fields.String(required=True)


class MilestoneSchema(Schema):
    designation = fields.String(required=True)
    name = fields.String(required=True)
    after_course = _or_null(fields.String, "The course whose exam earns it; null if none is left.")
    window_start = _iso_date("Its window.", required=True, allow_none=True)
    window_end = fields.String(required=True, allow_none=True, metadata={"format": "date"})
    verified = _described(
        fields.Boolean,
        "False: its requirements are to confirm with The Institutes.",
        required=True,
    )
    experience_months = _or_null(
        fields.Integer, "Months of insurance work also needed for conferment."
    )
    note = fields.String(required=True, allow_none=True)
    months = _described(
        fields.Nested,
        "In how many months from the start it is earned, by the dated plan: low when its last "
        "exam can first be sat, high when that window closes.",
        MonthsSchema,
        allow_none=True,
    )


class CreditSchema(Schema):
    code = fields.String(required=True)
    requirement = fields.String(required=True, validate=validate.OneOf(REQUIREMENTS))
    counts_toward = _strings()
    by = _described(
        fields.List,
        "What credits it: held designations, 'passed' (a course passed) or 'held' (a route "
        "whose designations are all held).",
        fields.String(),
        required=True,
    )
    verified = _described(
        fields.Boolean,
        "False: to confirm (the person did not say how they earned the designation, or the "
        "catalog does not confirm what it credits).",
        required=True,
    )
    assumed = _described(
        fields.Boolean, "The plan assumes an answer the person did not give.", required=True
    )


class CreditAlternativeSchema(Schema):
    field = _described(fields.String, "The profile field of the open question.", required=True)
    value = _described(fields.String, "The other answer.", required=True)
    holder = fields.String(required=True)
    assumption = fields.String(required=True)
    remaining_courses = _strings()
    credited_by_holder = _strings()
    estimated_months = fields.Nested(MonthsSchema, required=True)
    text = fields.String(required=True)


class RouteSchema(Schema):
    route = fields.String(required=True, validate=validate.OneOf(ROUTES))
    name = fields.String(required=True)
    fit = fields.String(required=True, validate=validate.OneOf(FITS))
    folded_into = _or_null(
        fields.String,
        "The person is on this route already; what is left of it is this route (e.g. an API "
        "holder's combined route is the CPCU).",
        validate=validate.OneOf(ROUTES),
    )
    reasons = fields.List(fields.Nested(ReasonSchema), required=True)
    api_path = fields.String(allow_none=True, required=True)
    concentration = fields.String(allow_none=True, required=True)
    credited_courses = _strings()
    remaining_courses = fields.List(fields.Nested(CourseItemSchema), required=True)
    estimated_months = fields.Nested(MonthsSchema, required=True)
    warnings = fields.List(fields.Nested(WarningSchema), required=True)
    to_confirm = _strings()
    exam_schedule = fields.List(fields.Nested(ExamSchema), required=True)
    estimated_cost = fields.Nested(CostSchema, required=True)
    milestones = _described(
        fields.List,
        "Each designation of the route not yet held, in the order earned.",
        fields.Nested(MilestoneSchema),
        required=True,
    )
    credits = _described(
        fields.List,
        "The credited courses (credited_courses), each with what credits it and whether that "
        "is confirmed.",
        fields.Nested(CreditSchema),
    )
    credit_alternatives = _described(
        fields.List,
        "For each question on how a held designation was earned that the person left open: "
        "what the other answer leaves of this route.",
        fields.Nested(CreditAlternativeSchema),
    )
    status = _described(
        fields.String,
        "What the route's badge says: its fit, or held (every designation of it held), or "
        "in_progress (some held, the rest suitable).",
        validate=validate.OneOf((*FITS, "held", "in_progress")),
    )
    status_note = _described(
        fields.String,
        "The sentence under the badge where the bare fit would mislead (empty when none).",
    )


class AlsoConsiderSchema(Schema):
    designation = fields.String(required=True, metadata={"example": "AINS"})
    name = fields.String(required=True)
    reason = _described(fields.String, "Why it may suit the person.", required=True)
    rule = _described(fields.String, "The rule that suggests it.", required=True)
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
    api_path = fields.String(allow_none=True)
    cpcu_concentration = fields.String(allow_none=True)
    cpcu_elective = fields.String(allow_none=True)


class FactToConfirmSchema(Schema):
    id = _described(fields.String, "The fact's id in the catalog (rules/).", required=True)
    text = fields.String(required=True)
    source = _described(
        fields.String, "Where the catalog has it from: a key of its `sources`.", required=True
    )


class RecommendationSchema(Schema):
    """The recommendation object (docs/api.md, "A recommendation")."""

    class Meta:
        unknown = EXCLUDE

    recommended_route = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(ROUTES)
    )
    summary = fields.String(required=True)
    routes = fields.List(fields.Nested(RouteSchema), required=True)
    also_consider = fields.List(fields.Nested(AlsoConsiderSchema), required=True)
    facts_to_confirm = _described(
        fields.List,
        "The catalog's facts that no official source confirms.",
        fields.Nested(FactToConfirmSchema),
    )
    fired_rules = _strings()
    what_would_change = fields.List(fields.Nested(ChangeSchema), required=True)
    rules_version = fields.String(required=True)
    profile = fields.Nested(ProfileEchoSchema, required=True)
