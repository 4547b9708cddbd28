"""The `career-path` command line: recommend, team-plan, rules check and diff, serve."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

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
from .wording import (
    REQUIREMENT_WORDS,
    duration,
    humanise,
    is_past,
    plural,
    profile_facts,
    route_status,
)

STORE_COMMANDS = ("db", "users", "tokens", "teams", "mail")

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
        "--profile", metavar="FILE", help="read the profile from a JSON file (- = stdin)"
    )
    rec.add_argument("--json", action="store_true", help="print the JSON recommendation object")

    rules = commands.add_parser("rules", help="work with the rule files")
    rules_commands = rules.add_subparsers(dest="rules_command", required=True, metavar="COMMAND")
    rules_commands.add_parser(
        "check", help="validate rules/ and evaluate every profile of an exhaustive grid"
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
        return cmd_rules_check(rules_dir)
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


def cmd_rules_check(rules_dir: Path) -> int:
    recommender = Recommender.from_dir(rules_dir)
    print(f"Rules in {rules_dir.name}/ are valid: {len(recommender.rulebook.rules)} rules.")
    report = check_rules(recommender, load_scenarios(rules_dir))
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


def format_recommendation(
    result: dict[str, Any],
    discount_names: dict[str, str] | None = None,
    today: date | None = None,
) -> str:
    """A plain-text answer for a person: the route, why, the plan, its dates and costs, the rest."""
    names = discount_names or {}
    profile = result["profile"]
    routes = {r["route"]: r for r in result["routes"]}
    chosen = routes.get(result["recommended_route"] or "")
    out = [
        f"Recommended: {chosen['name'] if chosen else 'no new route'}",
        humanise(result["summary"]),
        f"Prepared for: {', '.join(profile_facts(profile, names))}.",
    ]
    if today is not None and is_past(profile["start_date"], today):
        out.append(f"Note: the start date {profile['start_date']} has passed.")
    out.append("")
    if chosen:
        out += ["Why:", *(f"  - {humanise(r['text'])}" for r in chosen["reasons"]), ""]
        out += _plan_lines(chosen, profile["hours_per_week"])
        out += _milestone_lines(chosen.get("milestones") or [])
        out += _exam_lines(chosen["exam_schedule"])
        out += _cost_lines(chosen["estimated_cost"], names)
    if result.get("what_would_change"):
        out += ["What would change the advice:"]
        out += [f"  - {humanise(c['change'])}" for c in result["what_would_change"]]
        out.append("")
    out += _other_route_lines(result, chosen)
    # The chosen route's warnings only: the others' may not concern this person at all.
    warnings = chosen["warnings"] if chosen else []
    if warnings:
        out += ["", "Warnings:"]
        out += [f"  ! {humanise(w['text'])}{_confirm(w.get('verified', True))}" for w in warnings]
    if result["also_consider"]:
        out += ["", "Also consider:"]
        out += [
            f"  {a['designation']} - {a['name']}: {a['reason']}" for a in result["also_consider"]
        ]
    if chosen and chosen["to_confirm"]:
        out += ["", "To confirm with The Institutes:", *(f"  ? {t}" for t in chosen["to_confirm"])]
    out += [
        "",
        "This is guidance, not a hiring or promotion decision.",
        f"Details: rules version {result['rules_version']}; "
        f"rules that fired: {', '.join(result['fired_rules'])}.",
    ]
    return "\n".join(out)


def _confirm(verified: bool) -> str:
    return "" if verified else " [to confirm]"


def _plan_lines(route: dict[str, Any], hours_per_week: float) -> list[str]:
    months = route["estimated_months"]
    remaining = route["remaining_courses"]
    path = f", API {route['api_path'].replace('path-', 'Path ')}" if route["api_path"] else ""
    band = duration(months["low"], months["high"])
    out = [
        f"Course plan ({plural(len(remaining), 'course')} to go{path}, {band} at "
        f"{plural(hours_per_week, 'hour')} a week):"
    ]
    for number, course in enumerate(remaining, start=1):
        toward = ", ".join(course["counts_toward"])
        confirm = "" if course["verified"] else "  [to confirm with The Institutes]"
        out.append(
            f"  {number:>2}. {course['code']:<9} {course['title']} "
            f"({REQUIREMENT_WORDS.get(course['requirement'], course['requirement'])}; "
            f"counts toward {toward}){confirm}"
        )
    if route["credited_courses"]:
        out.append(f"  Already credited: {', '.join(route['credited_courses'])}")
    out.append("")
    return out


def _milestone_lines(milestones: list[dict[str, Any]]) -> list[str]:
    if not milestones:
        return []
    out = ["Milestones:"]
    for m in milestones:
        out.append(
            f"  {m['designation']}: earned after {m['after_course']}, testing window "
            f"{m['window_start']} to {m['window_end']}{_confirm(m.get('verified', True))}"
        )
        if m.get("note"):
            out.append(f"    {m['note']}")
    return [*out, ""]


def _exam_lines(exams: list[dict[str, Any]]) -> list[str]:
    if not exams:
        return []
    out = ["Exam dates:"]
    for e in exams:
        out.append(
            f"  {e['code']:<9} study done by {e['ready']}, testing window "
            f"{e['window_start']} to {e['window_end']}"
            + ("" if e.get("access_ok", True) else f" (course access ends {e['access_ends']})")
        )
    return [*out, ""]


def _cost_lines(cost: dict[str, Any], names: dict[str, str]) -> list[str]:
    if not cost["items"]:
        return []
    total = f"{cost['low']:,.0f}" + ("" if cost["high"] == cost["low"] else f"-{cost['high']:,.0f}")
    out = [f"Exam fees: about {total} {cost['currency']}{_confirm(cost['verified'])}"]
    for item in cost["items"]:
        line = f"  {item['code']:<9} {item['amount']:>7,.0f}"
        if item["amount"] != item["fee"]:
            line += f" (fee {item['fee']:,.0f}"
            discount = item.get("discount")
            line += f", {names.get(discount, discount)} discount)" if discount else ")"
        out.append(line)
    return [*out, ""]


def _other_route_lines(result: dict[str, Any], chosen: dict[str, Any] | None) -> list[str]:
    held = result["profile"]["designations"]
    out = ["Other routes:" if chosen else "Routes:"]
    for route in result["routes"]:
        if route is chosen:
            continue
        status, note = route_status(route, held, chosen["route"] if chosen else None)
        text = note if status == "in_progress" else humanise(route["reasons"][0]["text"])
        out.append(f"  {route['route']} ({status.replace('_', ' ')}): {text}")
    return out


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
