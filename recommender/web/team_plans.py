"""The team page for managers, /team: upload a roster, see the team plan, download it."""

# The downloads (CSV, Excel, calendar) plan the roster again rather than keep the plan on the
# server: the result page holds the roster's text (and the options) in hidden fields of forms
# that post to /team/plan.<format>. They need no JavaScript, no session and no storage shared
# between workers, pass the Content-Security-Policy (form-action 'self'), and the plan is the
# same because planning is deterministic.

from __future__ import annotations

import calendar
from typing import Any

from flask import Blueprint, Response, current_app, render_template, request

from ..errors import RosterError, readable_size
from ..extensions import current_recommender
from ..http.downloads import CSV_TYPE, download, plan_download
from ..http.planning import RETRY_AFTER, PlanningBusy, planning_slot
from ..http.rosters import UPLOAD_FIELD, allow_roster_body, roster_from_form, roster_status
from ..team import (
    LIST_SEPARATOR,
    NO_ROUTE,
    ROSTER_COLUMNS,
    ROW_FIELD,
    Roster,
    plan_team,
    roster_template,
)
from ..vocabulary import (
    DEFAULT_GOAL,
    DEFAULT_HOURS_PER_WEEK,
    GOALS,
    HOURS_RANGE,
    LINES,
    ROLES,
    YEARS_RANGE,
)
from . import forms
from .charts import demand_chart_svg
from .team_timeline import cohort_timeline_svg

bp = Blueprint("team", __name__, url_prefix="/team", template_folder="templates")
# A global, so that any page including team/_cohorts.html (a saved team's) can draw it.
bp.add_app_template_global(cohort_timeline_svg, "cohort_timeline_svg")

FORM_FIELDS = (UPLOAD_FIELD, "fiscal_year_start")
ROSTER_FIELD = "roster"  # the roster text the result page posts back for the CSV
TEMPLATE_FILENAME = "team-roster-template.csv"
TABLE_LIMIT = 1000  # people shown in the page's table; the CSV download has everyone

ROUTE_LABELS = {
    "API": "API",
    "CPCU": "CPCU",
    "API_THEN_CPCU": "API, then CPCU",
    NO_ROUTE: "No new route",
}
ERROR_LABELS = {**forms.FIELD_LABELS, "name": "Name", ROW_FIELD: "Row"}
DOWNLOAD_LABELS = {
    "csv": "Download as CSV",
    "xlsx": "Download as Excel (.xlsx)",
    "ics": "Add the exam windows to a calendar (.ics)",
}
MONTHS = [(number, calendar.month_name[number]) for number in range(1, 13)]
_LISTED = f"several separated by “{LIST_SEPARATOR}”"
COLUMN_HELP = {
    "name": "Required: how you know the person (or an id column instead).",
    "role": f"Required: one of {', '.join(ROLES)}.",
    "lines": f"Required: one of {', '.join(LINES)}.",
    "years_experience": f"Required: years in insurance, {YEARS_RANGE[0]} to {YEARS_RANGE[1]}.",
    "designations": f"Designations held, {_LISTED} (e.g. AINS;API).",
    "completed_courses": (
        f"Courses passed outside a designation held, {_LISTED} (e.g. CPCU 500;CPCU 520)."
    ),
    "goal": f"One of {', '.join(GOALS)}; {DEFAULT_GOAL} if blank.",
    "hours_per_week": (
        f"Study hours a week, {HOURS_RANGE[0]} to {HOURS_RANGE[1]}; "
        f"{DEFAULT_HOURS_PER_WEEK} if blank."
    ),
}


@bp.get("")
def page() -> str:
    """Show the roster upload form."""
    return _upload_page({})


@bp.post("")
def upload() -> tuple[str, int] | str | tuple[str, int, dict[str, str]]:
    """Plan the uploaded roster and show the team plan; the form with the error if unreadable."""
    try:
        options = _options()
        with planning_slot():  # the page is rendered inside it too: for a large plan, as long
            roster, text = _posted_roster(UPLOAD_FIELD)
            return _plan_page(
                plan_team(current_recommender(), roster, **_planning(options)), text, options
            )
    except RosterError as exc:
        field = exc.field if exc.field in FORM_FIELDS else UPLOAD_FIELD
        return _upload_page({field: [exc.message]}), roster_status(exc)
    except PlanningBusy as exc:
        return _upload_page({UPLOAD_FIELD: [exc.message]}), 503, {"Retry-After": RETRY_AFTER}


def _plan_page(plan: dict[str, Any], text: str, options: dict[str, Any]) -> str:
    return render_template(
        "team/team.html",
        plan=plan,
        members=plan["members"][:TABLE_LIMIT],
        roster_text=text,
        options=options,
        chart=demand_chart_svg(
            plan["summary"]["course_demand"], "People who need each course, most shared first"
        ),
        **_page_context({}),
    )


@bp.post("/plan.<any(csv, xlsx, ics):format_>", endpoint="plan_download")
def plan_download_view(
    format_: str,
) -> Response | tuple[str, int] | tuple[str, int, dict[str, str]]:
    """Plan the roster posted back by the result page and answer it as a file download."""
    try:
        options = _options()
        with planning_slot():
            roster, _ = _posted_roster(ROSTER_FIELD, text=True)
            plan = plan_team(current_recommender(), roster, **_planning(options))
            return plan_download(plan, format_)
    except RosterError as exc:
        return _upload_page({UPLOAD_FIELD: [exc.message]}), roster_status(exc)
    except PlanningBusy as exc:
        return _upload_page({UPLOAD_FIELD: [exc.message]}), 503, {"Retry-After": RETRY_AFTER}


def _options() -> dict[str, Any]:
    """The form's planning options: align (a checkbox) and the fiscal year's first month."""
    allow_roster_body()  # before the form is read: it holds the roster
    raw = request.form.get("fiscal_year_start", "1").strip() or "1"
    # ASCII digits only: str.isdigit() takes '²' too, which int() refuses.
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 2 and 1 <= int(raw) <= 12):
        raise RosterError(
            "Choose the month the fiscal year starts in (1 to 12).",
            field="fiscal_year_start",
            kind="invalid",
        )
    align = request.form.get("align", "").lower() in ("true", "on", "1", "yes")
    return {"align": align, "fiscal_year_start": int(raw)}


def _planning(options: dict[str, Any]) -> dict[str, Any]:
    return {"align_cohorts": options["align"], "fiscal_year_start": options["fiscal_year_start"]}


@bp.get("/template.csv")
def template() -> Response:
    """Download the roster template: the header row and two example people."""
    return download(roster_template(), CSV_TYPE, TEMPLATE_FILENAME)


def _posted_roster(field: str, *, text: bool = False) -> tuple[Roster, str]:
    """The roster posted in form field `field`, and its text; RosterError if none or unreadable."""
    roster, data = roster_from_form(field, "Choose a roster file to upload.", text=text)
    # Parsed, so it is UTF-8: the page keeps its text for the CSV download.
    return roster, data if isinstance(data, str) else data.decode("utf-8-sig")


def _upload_page(errors: dict[str, list[str]]) -> str:
    return render_template("team/team.html", plan=None, **_page_context(errors))


def _page_context(errors: dict[str, list[str]]) -> dict[str, Any]:
    config = current_app.config
    return {
        "errors": errors,
        "max_size": readable_size(config["TEAM_MAX_BYTES"]),
        "max_rows": config["TEAM_MAX_ROWS"],
        "table_limit": TABLE_LIMIT,
        "ROUTE_LABELS": ROUTE_LABELS,
        "ERROR_LABELS": ERROR_LABELS,
        "NO_ROUTE": NO_ROUTE,
        "DOWNLOAD_LABELS": DOWNLOAD_LABELS,
        "MONTHS": MONTHS,
        # Every column the roster reads, those without help text too (optional, as in the API).
        "columns": [
            (column, COLUMN_HELP.get(column, "Optional: as in the API's profile."))
            for column in ROSTER_COLUMNS
        ],
    }
