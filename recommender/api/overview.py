"""The overview over the API, GET /api/v1/overview (token-authenticated): every team the caller
may see with its people on track, behind and earned and its next exams, and the exam budget by
fiscal year summed across them; `?format=csv|xlsx` (or `Accept`) answers it as a file."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from ..extensions import current_recommender
from ..http.downloads import CSV_TYPE, answer_format, download, overview_csv
from ..http.planning import planning_slot
from ..saved_teams.overview import as_json, overview, tables
from ..team import XLSX_TYPE
from ..team.exports import export_sheets
from ..team.schemas import BudgetTotalSchema, TeamBudgetYearSchema
from .auth import SECURITY, require_token, token_user

bp = Blueprint(
    "teams_overview",  # "overview" is the web page's blueprint
    __name__,
    url_prefix="/api/v1",
    description="Every team you may see, side by side, and their exam budget summed.",
)
bp.before_request(require_token)


class OverviewQuerySchema(Schema):
    fiscal_year_start = fields.Integer(
        load_default=1,
        validate=validate.Range(min=1, max=12),
        metadata={"description": "The fiscal year's first month (1-12, default 1)."},
    )
    format = fields.String(
        validate=validate.OneOf(("json", "csv", "xlsx")),
        metadata={"description": "`csv` or `xlsx`: the overview as a file (or `Accept`)."},
    )


class OverviewWindowSchema(Schema):
    window_start = fields.String(required=True)
    window_end = fields.String(required=True)
    buy_by = fields.String(required=True, metadata={"description": "Buy its exams by then."})
    exams = fields.Integer(required=True, metadata={"description": "Exams planned in it."})
    fees = fields.Float(required=True)


class OverviewCountsSchema(Schema):
    people = fields.Integer(required=True)
    on_track = fields.Integer(
        required=True, metadata={"description": "Members still studying, not behind."}
    )
    behind = fields.Integer(
        required=True,
        metadata={"description": "Members behind the exam dates of their first plan."},
    )
    earned = fields.Integer(
        required=True, metadata={"description": "Members with every designation earned."}
    )
    not_planned = fields.Integer(required=True, metadata={"description": "Members with errors."})


class OverviewTeamSchema(OverviewCountsSchema):
    id = fields.Integer(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, metadata={"description": "owner, admin, editor, viewer"})
    owner = fields.String(required=True)
    next_window = fields.Nested(OverviewWindowSchema, required=True, allow_none=True)


class OverviewFiscalYearSchema(TeamBudgetYearSchema):
    budget = fields.Float(
        required=True,
        allow_none=True,
        metadata={
            "description": "The teams' exam budgets for this fiscal year, summed (by its "
            "label, e.g. FY2027); null when no team has set one."
        },
    )


class OverviewBudgetSchema(BudgetTotalSchema):
    by_fiscal_year = fields.List(fields.Nested(OverviewFiscalYearSchema), required=True)


class OverviewSchema(Schema):
    today = fields.String(required=True)
    teams = fields.List(fields.Nested(OverviewTeamSchema), required=True)
    totals = fields.Nested(OverviewCountsSchema, required=True)
    next_window = fields.Nested(OverviewWindowSchema, required=True, allow_none=True)
    budget = fields.Nested(OverviewBudgetSchema, required=True)


FILES = {
    CSV_TYPE: {"schema": {"type": "string"}},
    XLSX_TYPE: {"schema": {"type": "string", "format": "binary"}},
}


@bp.route("/overview", methods=["GET"])
@bp.arguments(OverviewQuerySchema, location="query")
@bp.response(200, OverviewSchema)
@bp.doc(security=SECURITY, responses={200: {"content": FILES}})
@bp.alt_response(401, response="UNAUTHORIZED")
@bp.alt_response(422, response="UNPROCESSABLE_ENTITY")
def get_overview(query: dict[str, Any]) -> Any:
    """Every team you may see (owned, shared; an admin: all) with people on track, behind and
    earned, each team's next testing window (exams, buy-by date), and the exam budget by
    fiscal year summed across them."""
    found = overview(
        current_recommender(),
        token_user(),
        fiscal_year_start=query["fiscal_year_start"],
        slot=planning_slot,
    )
    format_ = answer_format(query.get("format"))
    if format_ == "xlsx":
        answer: Response = download(export_sheets(tables(found)), XLSX_TYPE, "overview.xlsx")
        return answer
    if format_ == "csv":
        return overview_csv(tables(found), "overview.csv")
    return as_json(found)
