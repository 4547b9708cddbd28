"""The team page for managers: upload a roster, see the team plan, download it as CSV."""

# The CSV download re-plans the roster rather than keeping the plan on the server: the result
# page holds the roster's text in a hidden field of a form that posts to /team/plan.csv. It
# needs no JavaScript, no session and no storage shared between workers, passes the
# Content-Security-Policy (form-action 'self'), and the plan is the same because planning is
# deterministic.

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, current_app, render_template

from ..errors import RosterError, RosterTooLarge
from ..extensions import current_recommender
from ..team import (
    LIST_SEPARATOR,
    NO_ROUTE,
    ROSTER_COLUMNS,
    ROW_FIELD,
    Roster,
    parse_roster,
    plan_team,
    roster_template,
)
from ..team_http import (
    allow_roster_body,
    csv_download,
    plan_csv_download,
    read_text_field,
    read_upload,
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

team = Blueprint("team", __name__, url_prefix="/team", template_folder="templates")

UPLOAD_FIELD = "file"  # the file input, named as in the API's multipart upload
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


@team.get("")
def page() -> str:
    """Show the roster upload form."""
    return _upload_page({})


@team.post("")
def upload() -> tuple[str, int] | str:
    """Plan the uploaded roster and show the team plan; the form with the error if unreadable."""
    try:
        roster, text = _posted_roster(read_upload, UPLOAD_FIELD)
    except RosterError as exc:
        return _upload_page({UPLOAD_FIELD: [exc.message]}), _status(exc)
    plan = plan_team(current_recommender(), roster)
    return render_template(
        "web/team.html",
        plan=plan,
        members=plan["members"][:TABLE_LIMIT],
        roster_text=text,
        chart=demand_chart_svg(
            plan["summary"]["course_demand"], "People who need each course, most shared first"
        ),
        **_page_context({}),
    )


@team.post("/plan.csv")
def plan_csv() -> Response | tuple[str, int]:
    """Plan the roster posted back by the result page and answer it as team-plan.csv."""
    try:
        roster, _ = _posted_roster(read_text_field, ROSTER_FIELD)
    except RosterError as exc:
        return _upload_page({UPLOAD_FIELD: [exc.message]}), _status(exc)
    return plan_csv_download(plan_team(current_recommender(), roster))


@team.get("/template.csv")
def template() -> Response:
    """Download the roster template: the header row and two example people."""
    return csv_download(roster_template(), TEMPLATE_FILENAME)


def _posted_roster(
    read: Callable[[str, int], bytes | str | None], field: str
) -> tuple[Roster, str]:
    """The roster posted in form field `field`, and its text; RosterError if none or unreadable."""
    max_bytes, max_rows = allow_roster_body()
    data = read(field, max_bytes)
    if data is None:
        raise RosterError("Choose a roster file to upload.", field=field, kind="no_file")
    roster = parse_roster(data, max_bytes=max_bytes, max_rows=max_rows)
    # Parsed, so it is UTF-8: the page keeps its text for the CSV download.
    return roster, data if isinstance(data, str) else data.decode("utf-8-sig")


def _status(error: RosterError) -> int:
    return 413 if isinstance(error, RosterTooLarge) else 422


def _upload_page(errors: dict[str, list[str]]) -> str:
    return render_template("web/team.html", plan=None, **_page_context(errors))


def _page_context(errors: dict[str, list[str]]) -> dict[str, Any]:
    config = current_app.config
    return {
        "errors": errors,
        "max_size": _size(config["TEAM_MAX_BYTES"]),
        "max_rows": config["TEAM_MAX_ROWS"],
        "table_limit": TABLE_LIMIT,
        "ROUTE_LABELS": ROUTE_LABELS,
        "ERROR_LABELS": ERROR_LABELS,
        "NO_ROUTE": NO_ROUTE,
        # Every column the roster reads, those without help text too (optional, as in the API).
        "columns": [
            (column, COLUMN_HELP.get(column, "Optional: as in the API's profile."))
            for column in ROSTER_COLUMNS
        ],
    }


def _size(limit: int) -> str:
    mib = 1024 * 1024
    return f"{limit // mib} MiB" if limit % mib == 0 else f"{limit:,} bytes"
