"""`career-path team-plan ROSTER`: a team plan as a table, JSON, CSV, a workbook or a calendar."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from ..config import DEFAULTS, ENV_PREFIX
from ..errors import CliError
from ..ics import team_calendar
from ..recommendation import Recommender
from .exports import export_csv, export_xlsx
from .planning import plan_team
from .roster import parse_roster, read_limited
from .text import format_table

DESCRIPTION = (
    "Plan every person of a roster and sum up the team. The CSV has a header row: name (or "
    "id), role, lines, years_experience, and optionally designations, completed_courses, "
    "discounts (lists separated by ';'), goal, hours_per_week, start_date. Limits: "
    "$CAREER_PATH_TEAM_MAX_BYTES and $CAREER_PATH_TEAM_MAX_ROWS (default 5 MiB and 50,000 "
    "rows)."
)


def add_team_plan_parser(commands: Any) -> None:
    """Add the `team-plan` command to the command line's subcommands."""
    help_ = "plan training for a team from a roster (CSV or JSON)"
    team = commands.add_parser("team-plan", help=help_, description=DESCRIPTION)
    team.add_argument("roster", metavar="ROSTER", help="the roster file (- = stdin)")
    team.add_argument(
        "--format",
        choices=("table", "json", "csv", "xlsx", "ics"),
        default="table",
        help="table (default), the API's JSON, the per-person plan as CSV, an Excel workbook "
        "(sheets People, Schedule, Budget) or an iCalendar file of the cohorts; xlsx needs "
        "-o FILE or stdout redirected to a file",
    )
    team.add_argument(
        "--align",
        action="store_true",
        help="align cohorts: a person may sit a course one window later to join a larger cohort",
    )
    team.add_argument(
        "--fiscal-year-start",
        type=int,
        choices=range(1, 13),
        default=1,
        metavar="MONTH",
        help="the month (1-12) the fiscal year starts, for the budget (default 1)",
    )
    team.add_argument("-o", "--output", metavar="OUT", help="write to OUT instead of stdout")


def cmd_team_plan(args: argparse.Namespace, rules_dir: Path) -> int:
    """Plan the roster in ARGS.roster and write the plan in the format asked for."""
    max_bytes, max_rows = _team_limits()
    roster = parse_roster(
        read_roster_file(args.roster, max_bytes), max_bytes=max_bytes, max_rows=max_rows
    )
    plan = plan_team(
        Recommender.from_dir(rules_dir),
        roster,
        align_cohorts=args.align,
        fiscal_year_start=args.fiscal_year_start,
    )
    to_stdout = not args.output or args.output == "-"
    if args.format == "xlsx" and to_stdout and sys.stdout.isatty():
        raise CliError("an Excel workbook is binary: write it with -o FILE (or redirect stdout)")
    body = _team_plan_body(plan, args.format)
    if to_stdout:
        if isinstance(body, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(body)
        else:
            sys.stdout.write(body)
        return 0
    try:
        # newline="" keeps the CSV's CRLF row ends as they are.
        if isinstance(body, bytes):
            with open(args.output, "wb") as binary:
                binary.write(body)
        else:
            with open(args.output, "w", encoding="utf-8", newline="") as handle:
                handle.write(body)
    except OSError as exc:
        raise CliError(f"cannot write {args.output}: {exc.strerror}") from exc
    return 0


def _team_plan_body(plan: dict[str, Any], format_: str) -> str | bytes:
    """The team plan in the format asked for."""
    if format_ == "json":
        return json.dumps(plan, indent=2) + "\n"
    if format_ == "csv":
        return export_csv(plan)
    if format_ == "xlsx":
        return export_xlsx(plan)
    if format_ == "ics":
        return team_calendar(plan)
    return format_table(plan) + "\n"


def _team_limits() -> tuple[int, int]:
    """The roster limits, as the service has them: CAREER_PATH_TEAM_MAX_BYTES and _ROWS."""
    limits = []
    for name in ("TEAM_MAX_BYTES", "TEAM_MAX_ROWS"):
        raw = os.environ.get(f"{ENV_PREFIX}_{name}")
        try:
            limits.append(int(raw) if raw else int(DEFAULTS[name]))
        except ValueError:
            raise CliError(f"{ENV_PREFIX}_{name} must be a whole number, not {raw!r}") from None
    return limits[0], limits[1]


def read_roster_file(name: str, max_bytes: int = DEFAULTS["TEAM_MAX_BYTES"]) -> bytes:
    """Read a roster file's bytes, or stdin's for '-', within the upload size limit."""
    try:
        if name == "-":
            return read_limited(sys.stdin.buffer, max_bytes)
        with open(name, "rb") as handle:
            return read_limited(handle, max_bytes)
    except OSError as exc:
        raise CliError(f"cannot read {name}: {exc.strerror}") from exc
