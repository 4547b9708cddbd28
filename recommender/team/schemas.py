"""The team plan's shape for the OpenAPI document and the tests (marshmallow schemas)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from ..bands import BandSchema
from ..schemas import ExamSchema, MonthsSchema
from ..vocabulary import ROUTES
from .planning import ROUTE_KEYS


def _day(description: str) -> fields.String:
    return fields.String(required=True, metadata={"format": "date", "description": description})


class HoursBandSchema(MonthsSchema):
    """Study hours in whole hours: a band of whole numbers, as the recommendation's months."""


class CostBandSchema(BandSchema):
    """Exam fees as a low-high band; `verified` is false while a fee is to confirm."""

    currency = fields.String(required=True)
    verified = fields.Boolean(required=True)


class MemberCostSchema(CostBandSchema):
    """A member's exam fees after their discounts (each exam's fee is in its cohort's)."""

    discounts = fields.List(fields.String(), required=True)


class TeamMemberSchema(Schema):
    """One roster row planned: its route, courses, exams and fees, or `errors`."""

    row = fields.Integer(required=True)
    line = fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The spreadsheet row of a CSV roster (the header is line 1)."},
    )
    name = fields.String(required=True)
    recommended_route = fields.String(
        required=True, allow_none=True, validate=validate.OneOf(ROUTES)
    )
    remaining_courses = fields.List(fields.String(), required=True)
    estimated_months = fields.Nested(MonthsSchema, required=True, allow_none=True)
    study_hours = fields.Nested(HoursBandSchema, required=True, allow_none=True)
    estimated_cost = fields.Nested(MemberCostSchema, required=True, allow_none=True)
    exam_schedule = fields.List(fields.Nested(ExamSchema), required=True)
    warnings = fields.List(
        fields.String(),
        required=True,
        metadata={"description": "Things planned around, e.g. an unknown course code left out."},
    )
    extra = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(allow_none=True),
        required=True,
        metadata={"description": "The roster's other columns, passed through (e.g. `team`)."},
    )
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()), required=True)


class CourseDemandSchema(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    members = fields.Integer(required=True, metadata={"description": "Who still needs it."})


class TeamSummarySchema(Schema):
    people = fields.Integer(required=True)
    planned = fields.Integer(required=True, metadata={"description": "People given a plan."})
    with_errors = fields.Integer(
        required=True, metadata={"description": "Rows not planned: see each one's `errors`."}
    )
    routes = fields.Dict(
        keys=fields.String(validate=validate.OneOf(ROUTE_KEYS)),
        values=fields.Integer(),
        required=True,
    )
    course_demand = fields.List(fields.Nested(CourseDemandSchema), required=True)
    total_study_hours = fields.Nested(HoursBandSchema, required=True)
    total_cost = fields.Nested(CostBandSchema, required=True)


class TeamCohortSchema(Schema):
    """One course in one testing window, with the members who sit it."""

    code = fields.String(required=True)
    title = fields.String(required=True)
    members = fields.List(fields.String(), required=True)
    rows = fields.List(fields.Integer(), required=True, metadata={"description": "Their rows."})
    group_session = fields.Boolean(
        required=True,
        metadata={"description": "At least two people and not the self-paced online ethics."},
    )
    study_starts = _day("When the cohort's earliest member starts studying the course.")
    fees = fields.Float(required=True)


class TeamWindowSchema(Schema):
    window_start = _day("The first day of the testing window.")
    window_end = _day("The last day of the testing window.")
    cohorts = fields.List(fields.Nested(TeamCohortSchema), required=True)
    fees = fields.Float(required=True)


class TeamGroupSessionSchema(Schema):
    code = fields.String(required=True)
    title = fields.String(required=True)
    window_start = _day("The testing window the cohort sits.")
    window_end = _day("Its last day.")
    members = fields.Integer(required=True)
    study_starts = _day("When its earliest member starts studying.")


class TeamMovedSchema(Schema):
    name = fields.String(required=True)
    row = fields.Integer(required=True)
    code = fields.String(required=True)
    from_window = _day("The window the member had on their own.")
    to_window = _day("The window of the larger cohort joined (the next one).")
    earned_later = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "The designations this move makes earned one window later (its "
            "exam is their last); empty when it changes no designation's date."
        },
    )


class TeamAlignmentSchema(Schema):
    cohorts_before = fields.Integer(
        required=True, metadata={"description": "Cohorts (a course in a window) before aligning."}
    )
    cohorts_after = fields.Integer(
        required=True, metadata={"description": "Cohorts after aligning."}
    )
    moved = fields.List(fields.Nested(TeamMovedSchema), required=True)


class TeamBudgetWindowSchema(Schema):
    window_start = _day("The testing window's first day.")
    buy_by = _day("Buy its exams by this day for the early-purchase discount.")
    fees = fields.Float(required=True)


class TeamBudgetQuarterSchema(Schema):
    quarter = fields.String(required=True, metadata={"example": "2027-Q2"})
    buy_by = _day("The buy-by day of the quarter's first window.")
    fees = fields.Float(required=True)


class TeamBudgetYearSchema(Schema):
    fiscal_year = fields.String(required=True, metadata={"example": "FY2027"})
    starts = _day("The fiscal year's first day.")
    buy_by = _day("The buy-by day of the year's first window.")
    fees = fields.Float(required=True)


class BudgetTotalSchema(Schema):
    """Exam fees in all, and the fiscal year they are counted in."""

    currency = fields.String(required=True)
    total = fields.Float(required=True)
    fiscal_year_start = fields.Integer(
        required=True, metadata={"description": "The fiscal year's first month (1 to 12)."}
    )


class TeamBudgetSchema(BudgetTotalSchema):
    """Exam fees by window, quarter and fiscal year: each list sums to `total`."""

    by_window = fields.List(fields.Nested(TeamBudgetWindowSchema), required=True)
    by_quarter = fields.List(fields.Nested(TeamBudgetQuarterSchema), required=True)
    by_fiscal_year = fields.List(fields.Nested(TeamBudgetYearSchema), required=True)


class TeamPlanSchema(Schema):
    """The team plan, the API's answer to a roster: members, summary, schedule, budget, notices."""

    rules_version = fields.String(required=True)
    members = fields.List(fields.Nested(TeamMemberSchema), required=True)
    summary = fields.Nested(TeamSummarySchema, required=True)
    schedule = fields.List(fields.Nested(TeamWindowSchema), required=True)
    group_sessions = fields.List(fields.Nested(TeamGroupSessionSchema), required=True)
    alignment = fields.Nested(
        TeamAlignmentSchema, metadata={"description": "Only with align=true."}
    )
    budget = fields.Nested(TeamBudgetSchema, required=True)
    notices = fields.List(fields.String(), required=True)
