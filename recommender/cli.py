"""The `career-path` command line: recommend, team-plan, rules check and diff, serve."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from .answer_text import format_recommendation
from .check import check_rules, format_report
from .config import rules_dir_from_env
from .diff import diff_rules, format_diff, merged_grid
from .errors import CliError, EngineError, ProfileError, RosterError, RulesError
from .http.serve import add_serve_parser, cmd_serve
from .recommendation import Recommender
from .scenarios import load_scenarios
from .team import parse_roster
from .team.cli import add_team_plan_parser, cmd_team_plan, read_roster_file
from .vocabulary import GOALS, LINES, ROLES

STORE_COMMANDS = ("db", "users", "tokens", "teams", "mail", "reminders")

EXIT_INVALID = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="career-path",
        description="Recommend the API, the CPCU or the combined route, with a course plan.",
        epilog="Saved teams and accounts: career-path db|users|tokens|teams|mail --help.",
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
    add_team_plan_parser(commands)
    add_serve_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in STORE_COMMANDS:  # saved teams: click commands on the app
        from .app_cli import main as store_main

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


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
