"""The `career-path` command line: recommend, team-plan, rules check and diff, serve."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from .answer_text import format_recommendation
from .check import check_rules, format_report
from .config import DEFAULTS, ENV_PREFIX, rules_dir_from_env
from .diff import diff_rules, format_diff, merged_grid
from .errors import EngineError, ProfileError, RosterError, RulesError
from .recommendation import Recommender
from .scenarios import load_scenarios
from .serve import add_serve_parser, cmd_serve
from .team import (
    export_csv,
    export_ics,
    export_xlsx,
    format_table,
    parse_roster,
    plan_team,
    read_limited,
)
from .vocabulary import GOALS, LINES, ROLES

STORE_COMMANDS = ("db", "users", "tokens", "teams")

EXIT_INVALID = 2


class CliError(Exception):
    """A mistake in what the user gave: printed as one line, exit status 2."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="career-path",
        description="Recommend the API, the CPCU or the combined route, with a course plan.",
        epilog="Saved teams: career-path db|users|tokens|teams --help.",
    )
    parser.add_argument(
        "--rules-dir",
        type=Path,
        default=None,
        help="the rules directory (default: $CAREER_PATH_RULES_DIR or the shipped rules/)",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    rec = commands.add_parser("recommend", help="recommend a route for one person")
    # Words and numbers are checked by the profile schema, as for the API and CSV rosters:
    # the same spellings ('Customer Service'), the same digits, suggestions for near misses.
    rec.add_argument("--role", metavar="{" + ",".join(ROLES) + "}")
    rec.add_argument(
        "--lines", metavar="{" + ",".join(LINES) + "}", help="lines of business worked in"
    )
    rec.add_argument("--years", help="years of insurance experience (0 to 60)")
    rec.add_argument(
        "--goal", metavar="{" + ",".join(GOALS) + "}", help="career goal (default: undecided)"
    )
    rec.add_argument(
        "--designation",
        action="append",
        default=None,
        metavar="CODE",
        help="a designation held, e.g. AINS (repeatable)",
    )
    rec.add_argument(
        "--course",
        action="append",
        default=None,
        metavar="CODE",
        help="a course passed, e.g. 'CPCU 500' (repeatable)",
    )
    rec.add_argument("--hours", help="study hours per week (1 to 40, default 4)")
    rec.add_argument(
        "--start-date", metavar="YYYY-MM-DD", help="when study starts (default: today)"
    )
    rec.add_argument(
        "--discount",
        action="append",
        default=None,
        metavar="ID",
        help="an exam discount that applies: early_purchase, student_teacher_regulator "
        "(repeatable)",
    )
    rec.add_argument(
        "--api-path",
        metavar="{path-2,path-1,not_sure}",
        help="if you hold the API: the path you earned it by (default: not asked, Path 2 "
        "assumed and marked to confirm)",
    )
    rec.add_argument(
        "--cpcu-concentration",
        metavar="{personal,commercial,not_sure}",
        help="if you hold the CPCU: its concentration (default: from your lines, to confirm)",
    )
    rec.add_argument(
        "--cpcu-elective",
        metavar="CODE",
        help="if you hold the CPCU: its elective course, e.g. 'CPCU 556', or not_sure",
    )
    rec.add_argument(
        "--profile", metavar="FILE", help="read the profile from a JSON file (- = stdin)"
    )
    rec.add_argument("--json", action="store_true", help="print the JSON recommendation object")

    rules = commands.add_parser("rules", help="work with the rule files")
    rules_commands = rules.add_subparsers(dest="rules_command", required=True, metavar="COMMAND")
    check = rules_commands.add_parser(
        "check", help="validate rules/ and evaluate every profile of an exhaustive grid"
    )
    check.add_argument(
        "--fail-fast",
        action="store_true",
        help="stop at the first profile that breaks the policy (no rule is then reported "
        "unreachable)",
    )
    diff = rules_commands.add_parser(
        "diff",
        help="show whose recommendation changes between two rule directories",
        description="Evaluate the same profiles under OLD_DIR and NEW_DIR and report every "
        "profile whose recommended route changes. Exit status 0 when none does, 1 when some do.",
    )
    diff.add_argument("old_dir", metavar="OLD_DIR", type=Path)
    diff.add_argument("new_dir", metavar="NEW_DIR", type=Path)
    diff.add_argument(
        "--profiles",
        metavar="FILE",
        help="profiles to compare: a roster (CSV or JSON, - = stdin); default: the grid of "
        "'rules check'",
    )
    _add_team_plan_parser(commands)
    add_serve_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in STORE_COMMANDS:  # saved teams: click commands on the app
        from .store.cli import main as store_main

        return store_main(argv)
    parser = build_parser()
    args = parser.parse_args(argv)
    rules_dir = args.rules_dir or rules_dir_from_env()
    try:
        if args.command == "recommend":
            return cmd_recommend(args, rules_dir)
        if args.command == "team-plan":
            return cmd_team_plan(args, rules_dir)
        if args.command == "serve":
            return cmd_serve(args, rules_dir)
        if args.rules_command == "diff":
            return cmd_rules_diff(args)
        return cmd_rules_check(rules_dir, args.fail_fast)
    except CliError as exc:
        print(f"career-path: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except ProfileError as exc:
        print(f"career-path: invalid profile: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except RosterError as exc:
        print(f"career-path: invalid roster: {exc}", file=sys.stderr)
        return EXIT_INVALID
    except RulesError as exc:
        print(f"career-path: rules error: {exc}", file=sys.stderr)
        return 1
    except EngineError as exc:
        print(f"career-path: engine error: {exc}", file=sys.stderr)
        return 1


def read_profile_file(name: str) -> dict[str, Any]:
    """Read a profile JSON object from a file, or stdin for '-'."""
    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except OSError as exc:
        raise CliError(f"--profile: cannot read {name}: {exc.strerror}") from exc
    except UnicodeDecodeError as exc:
        raise CliError(f"--profile: {name} is not UTF-8 text") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CliError(f"--profile: not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise CliError("--profile: the JSON must be an object of profile fields")
    return data


def profile_from_args(args: argparse.Namespace) -> dict[str, Any]:
    """Merge --profile FILE with the flags; flags win."""
    data = read_profile_file(args.profile) if args.profile else {}
    flags = {
        "role": args.role,
        "lines": args.lines,
        "years_experience": args.years,
        "goal": args.goal,
        "designations": args.designation,
        "completed_courses": args.course,
        "hours_per_week": args.hours,
        "start_date": args.start_date,
        "discounts": args.discount,
        "api_path": args.api_path,
        "cpcu_concentration": args.cpcu_concentration,
        "cpcu_elective": args.cpcu_elective,
    }
    data.update({k: v for k, v in flags.items() if v is not None})
    return data


def cmd_recommend(args: argparse.Namespace, rules_dir: Path) -> int:
    recommender = Recommender.from_dir(rules_dir)
    profile = recommender.load_profile(profile_from_args(args))
    result = recommender.recommend(profile)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        names = {d.id: d.name for d in recommender.catalog.discounts.values()}
        print(format_recommendation(result, names, date.today()))
    return 0


def cmd_rules_check(rules_dir: Path, fail_fast: bool = False) -> int:
    recommender = Recommender.from_dir(rules_dir)
    print(f"Rules in {rules_dir.name}/ are valid: {len(recommender.rulebook.rules)} rules.")
    report = check_rules(recommender, load_scenarios(rules_dir), fail_fast)
    print(format_report(report, recommender.rulebook))
    return 0 if report.ok else 1


def cmd_rules_diff(args: argparse.Namespace) -> int:
    old, new = Recommender.from_dir(args.old_dir), Recommender.from_dir(args.new_dir)
    if args.profiles:
        roster = parse_roster(read_roster_file(args.profiles))
        profiles, skipped = [], []
        for row in roster.rows:
            try:
                if row.errors or row.data is None:
                    raise ProfileError(row.errors or {"_row": ["unreadable"]})
                profiles.append(new.load_profile(row.data))
            except ProfileError:
                skipped.append(row.row)
        if skipped:
            rows = ", ".join(map(str, skipped[:20])) + (" ..." if len(skipped) > 20 else "")
            print(f"Skipped {len(skipped)} invalid rows: {rows}", file=sys.stderr)
    else:
        profiles = merged_grid(old, new)
    report = diff_rules(old, new, profiles)
    print(format_diff(report))
    return 1 if report.changes else 0


def _add_team_plan_parser(commands: Any) -> None:
    team = commands.add_parser(
        "team-plan",
        help="plan training for a team from a roster (CSV or JSON)",
        description="Plan every person of a roster and sum up the team. The CSV has a header "
        "row: name (or id), role, lines, years_experience, and optionally designations, "
        "completed_courses, discounts (lists separated by ';'), goal, hours_per_week, "
        "start_date. Limits: $CAREER_PATH_TEAM_MAX_BYTES and $CAREER_PATH_TEAM_MAX_ROWS "
        "(default 5 MiB and 50,000 rows).",
    )
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
        return export_ics(plan)
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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
