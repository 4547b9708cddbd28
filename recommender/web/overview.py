"""The overview on the web, /overview: every team the caller may see, their people on track,
behind and earned, each team's next exams and buy-by date, and the exam budget by fiscal year
summed across them (`?fiscal_year_start=1..12`); the same as /overview.csv and /overview.xlsx.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from ..extensions import current_recommender
from ..http.downloads import download, overview_csv
from ..http.planning import planning_slot
from ..saved_teams import access
from ..saved_teams.overview import Overview, overview, tables
from ..team import XLSX_TYPE
from ..team.exports import export_sheets
from .auth import protect

bp = Blueprint("overview", __name__, template_folder="templates")
protect(bp)

MONTHS = (
    "January February March April May June July August September October November December"
).split()


def fiscal_year_start(args: Any) -> int:
    """The fiscal year's first month from the query string (1 to 12; anything else: 1)."""
    raw = args.get("fiscal_year_start", "")
    return int(raw) if raw.isascii() and raw.isdigit() and 1 <= int(raw) <= 12 else 1


def _overview() -> Overview:
    user = current_user._get_current_object()
    return overview(
        current_recommender(),
        user,
        fiscal_year_start=fiscal_year_start(request.args),
        slot=planning_slot,
    )


@bp.route("/overview", methods=["GET"])
@login_required
def page() -> ResponseReturnValue:
    """Every team the caller may see, and their exam budget by fiscal year."""
    found = _overview()
    return render_template(
        "overview/overview.html",
        overview=found,
        start=found.budget["fiscal_year_start"],
        MONTHS=MONTHS,
        ROLE_LABELS=access.ROLE_LABELS,
    )


@bp.route("/overview.<any(csv, xlsx):format_>", methods=["GET"])
@login_required
def download_file(format_: str) -> Response:
    """The overview as a CSV file (the teams, then the budget) or an Excel workbook."""
    found = _overview()
    if format_ == "xlsx":
        return download(export_sheets(tables(found)), XLSX_TYPE, "overview.xlsx")
    return overview_csv(tables(found), "overview.csv")
