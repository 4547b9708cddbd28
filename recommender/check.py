"""`rules check`: evaluate an exhaustive grid of profiles; report policy breaches and coverage."""

from __future__ import annotations

import itertools
import re
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any

from .catalog import Catalog
from .errors import EngineError
from .grids import dated_grid, profile_grid, profile_label
from .invariants import advice_breaches
from .planner import ROUTE_DESIGNATIONS, Profile
from .recommendation import Recommender
from .rulebook import Rulebook, profile_fact
from .scenarios import Scenario, scenario_problems


def table_route(profile: Profile) -> str | None:
    """docs/policy.md's decision table read by hand, independently of the rule files: the
    route of the first matching row. `rules check` holds the rules to it over the grid."""
    held = set(profile.designations)
    years, goal, lines = profile.years_experience, profile.goal, profile.lines
    rows: list[tuple[bool, str | None]] = [
        ({"API", "CPCU"} <= held, None),  # 1
        ("CPCU" in held and lines in ("personal", "both"), "API"),  # 2
        ("CPCU" in held and lines == "commercial", None),  # 3
        ("API" in held, "CPCU"),  # 4
        (lines == "commercial", "CPCU"),  # 5
        (goal == "quick_credential", "API"),  # 6
        (goal == "master_personal_lines", "API"),  # 7
        (goal == "advance_to_leadership" and years < 10, "API_THEN_CPCU"),  # 8
        (goal == "advance_to_leadership" and years >= 10, "CPCU"),  # 9
        (goal == "undecided" and years < 3, "API"),  # 10
        (goal == "undecided" and 3 <= years < 10, "API_THEN_CPCU"),  # 11
        (goal == "undecided" and years >= 10, "CPCU"),  # 12
    ]
    return next(route for matches, route in rows if matches)


def quickest_credential(profile: Profile) -> str:
    """docs/policy.md, "A stated goal is never ignored": the quickest credential that fits."""
    if profile.role == "underwriter" and profile.lines in ("commercial", "both"):
        return "AU"
    if profile.role in ("agent", "broker"):
        return "AAI"
    return "AIC" if profile.role == "claims" else "AINS"


def goal_breaches(result: dict[str, Any], profile: Profile) -> list[str]:
    """A quick-credential goal set aside by an earlier row is said, and the quickest fitting
    credential named (unless it is held)."""
    if profile.goal != "quick_credential" or table_route(profile) == "API":
        return []
    problems = []
    summary = result["summary"]
    if "quick credential" not in summary:
        problems.append("the quick-credential goal is set aside without saying so")
    quickest = quickest_credential(profile)
    if quickest not in profile.designations:
        if quickest not in [a["designation"] for a in result["also_consider"]]:
            problems.append(f"the quickest fitting credential {quickest} is not suggested")
        if not re.search(rf"\b{quickest}\b", summary):
            problems.append(f"the summary does not name the quickest credential {quickest}")
    return problems


def _credits_toward(catalog: Catalog, designation: str) -> set[str]:
    """The route designations toward which holding `designation` credits a course."""
    return {
        target
        for code in catalog.credits.get(designation, ())
        for target in catalog.courses[code].counts_toward
    }


_CREDIT_WORDS = re.compile(r"credit|count(s)? toward", re.IGNORECASE)


def promise_breaches(result: dict[str, Any], catalog: Catalog) -> list[str]:
    """An also-consider reason that speaks of credit toward the API or the CPCU must be
    backed by the catalog's credits for that designation (docs/policy.md, "Also consider")."""
    problems = []
    for item in result["also_consider"]:
        given = _credits_toward(catalog, item["designation"])
        for clause in re.split(r"[.;]\s+", item["reason"]):
            if not _CREDIT_WORDS.search(clause):
                continue
            for target in ("API", "CPCU"):
                if re.search(rf"\b{target}\b", clause) and target not in given:
                    problems.append(
                        f"the {item['designation']} reason promises credit toward the {target}, "
                        "which the catalog does not give"
                    )
    return problems


def plan_breaches(result: dict[str, Any], profile: Profile, catalog: Catalog) -> list[str]:
    """Ethics first in every plan, and every route's milestones (docs/policy.md, "Course
    plans", "Milestones")."""
    problems = []
    held = set(profile.designations)
    for route in result["routes"]:
        name = route["route"]
        codes = [c["code"] for c in route["remaining_courses"]]
        if catalog.api_ethics in codes and codes[0] != catalog.api_ethics:
            problems.append(f"{name}: ethics is not first")
        expected = [d for d in ROUTE_DESIGNATIONS[name] if d not in held]
        got = [m["designation"] for m in route["milestones"]]
        if got != expected:
            problems.append(f"{name}: milestones {got}, expected {expected}")
            continue
        windows = {e["code"]: e for e in route["exam_schedule"]}
        for milestone in route["milestones"]:
            problems += _milestone_breaches(name, milestone, codes, windows, catalog)
    return problems


def _milestone_breaches(
    route: str,
    milestone: dict[str, Any],
    codes: list[str],
    windows: dict[str, dict[str, Any]],
    catalog: Catalog,
) -> list[str]:
    designation, course = milestone["designation"], milestone["after_course"]
    where = f"{route}: the {designation} milestone"
    toward = [c for c in codes if designation in catalog.courses[c].counts_toward]
    if course is None:
        return [f"{where} names no course, with {toward} left"] if toward else []
    problems = []
    if course not in toward:
        problems.append(f"{where} is after {course}, which does not count toward it")
    elif any(windows[c]["window_start"] > windows[course]["window_start"] for c in toward):
        problems.append(f"{where} is before the last exam that counts toward it")
    elif (milestone["window_start"], milestone["window_end"]) != (
        windows[course]["window_start"],
        windows[course]["window_end"],
    ):
        problems.append(f"{where} is not in the window of the exam of {course}")
    if designation == "CPCU" and not milestone["note"]:
        problems.append(f"{where} does not state the experience rule")
    return problems


def breaches(result: dict[str, Any], profile: Profile, catalog: Catalog) -> list[str]:
    """Everything in one recommendation that breaks docs/policy.md: the decision table read
    independently, and every invariant."""
    return [*answer_breaches(result, profile, catalog), *profile_breaches(result, profile)]


def answer_breaches(result: dict[str, Any], profile: Profile, catalog: Catalog) -> list[str]:
    """The breaches that read the answer and the profile's designations and lines only: the
    same for every profile that gets the same answer."""
    return [
        *policy_breaches(result, profile),
        *plan_breaches(result, profile, catalog),
        *promise_breaches(result, catalog),
        *advice_breaches(result, catalog),
    ]


def profile_breaches(result: dict[str, Any], profile: Profile) -> list[str]:
    """The breaches that read the profile's years too: the decision table read by hand, and a
    goal set aside by it."""
    problems = goal_breaches(result, profile)
    expected = table_route(profile)
    if result["recommended_route"] != expected:
        problems.append(
            f"recommends {result['recommended_route']}, the decision table says {expected}"
        )
    return problems


def policy_breaches(result: dict[str, Any], profile: Profile) -> list[str]:
    """What in one recommendation breaks docs/policy.md's invariants."""
    problems = []
    held = set(profile.designations)
    recommended = [r["route"] for r in result["routes"] if r["fit"] == "recommended"]
    # docs/policy.md: exactly one route is recommended, except rows 1 and 3: the CPCU is held
    # together with the API, or by someone in commercial lines.
    none_allowed = "CPCU" in held and ("API" in held or profile.lines == "commercial")
    allowed = 0 if none_allowed else 1
    if len(recommended) != allowed:
        problems.append(f"{len(recommended)} routes recommended, the policy allows {allowed}")
    if result["recommended_route"] != (recommended[0] if recommended else None):
        problems.append("recommended_route disagrees with the route marked recommended")
    if sorted(r["route"] for r in result["routes"]) != sorted(["API", "CPCU", "API_THEN_CPCU"]):
        problems.append("not every route is reported")
    repeated = sorted({r for r in result["fired_rules"] if result["fired_rules"].count(r) > 1})
    if repeated:
        problems.append(f"rules fired more than once: {', '.join(repeated)}")
    for route in result["routes"]:
        if not route["reasons"]:
            problems.append(f"route {route['route']} has no reason")
    targets = {"API": {"API"}, "CPCU": {"CPCU"}, "API_THEN_CPCU": {"API", "CPCU"}}
    for route in recommended:
        if targets[route] <= held:
            problems.append(f"recommends {route}, which the person already holds")
    return problems


@dataclass
class CheckReport:
    profiles: int = 0
    coverage: Counter[str] = field(default_factory=Counter)
    failures: list[tuple[Profile, str]] = field(default_factory=list)
    unreachable: list[str] = field(default_factory=list)
    scenarios: int = 0
    scenario_failures: list[tuple[Scenario, str]] = field(default_factory=list)
    stopped: bool = False  # at the first failure (fail_fast): the grid was not all evaluated
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not (self.failures or self.unreachable or self.scenario_failures)


# What `rules check` holds on every profile of its grids (docs/policy.md).
INVARIANTS = (
    "the decision table read by hand (check.table_route) gives the same route",
    "exactly one route recommended (none in rows 1 and 3), never one already held",
    "ethics first in every plan; each designation's milestone after its last course",
    "no reason promises more credit than the catalog gives",
    "a goal set aside is said, with the quickest credential that fits",
    "time figures agree with the dated plan (months, milestones, summary, reasons)",
    "no early-purchase price in a window already open on the start date",
    "no reason claims more credit than the plan gives",
    "no route described as completed by a route that is not suitable",
)


def check_rules(
    recommender: Recommender, scenarios: list[Scenario] | None = None, fail_fast: bool = False
) -> CheckReport:
    """Evaluate the dated grid, the whole grid and the golden scenarios; record coverage per
    rule, policy breaches, unreachable rules and scenarios whose answer differs.

    `fail_fast`: stop at the first profile that breaks the policy (then no rule is called
    unreachable: the grid was not all evaluated).
    """
    began = time.perf_counter()
    report = CheckReport()
    for scenario in scenarios or []:
        report.scenarios += 1
        report.scenario_failures += [
            (scenario, p) for p in scenario_problems(recommender, scenario)
        ]
    catalog = recommender.catalog
    fired_by_fact: dict[tuple[Any, ...], list[str]] = {}
    grid = itertools.chain(dated_grid(recommender.rulebook), profile_grid(recommender.rulebook))
    last: tuple[Any, dict[str, Any], list[str]] | None = None
    for profile in grid:
        report.profiles += 1
        # Passed courses do not reach the rules: evaluate each distinct fact once.
        key = tuple(profile_fact(profile, catalog).items())
        try:
            if key not in fired_by_fact:
                fired_by_fact[key] = recommender.fired_rules(profile)
            fired = fired_by_fact[key]
            # Nothing but the rules reads years: profiles that differ in years alone and fire
            # the same rules (the grid puts them one after another) get the same answer.
            same = (tuple(fired), replace(profile, years_experience=0))
            if last is None or last[0] != same:
                result = recommender.explain(profile, fired)
                last = (same, result, answer_breaches(result, profile, catalog))
        except EngineError as exc:
            problems = [f"engine error: {exc}"]
        else:
            _, result, problems = last
            report.coverage.update(result["fired_rules"])
            problems = [*problems, *profile_breaches(result, profile)]
        report.failures.extend((profile, p) for p in problems)
        if problems and fail_fast:
            report.stopped = True
            break
    if not report.stopped:
        rules = recommender.rulebook.rules
        report.unreachable = [r.id for r in rules if not report.coverage[r.id]]
    report.seconds = time.perf_counter() - began
    return report


def format_report(report: CheckReport, rulebook: Rulebook, max_failures: int = 20) -> str:
    """The human report: a coverage line per rule, then failures and unreachable rules."""
    stopped = " (stopped at the first failure)" if report.stopped else ""
    lines = [f"Evaluated {report.profiles:,} profiles in {report.seconds:.1f} s{stopped}."]
    for rule in rulebook.rules:
        count = report.coverage[rule.id]
        mark = "UNREACHABLE" if not count else "ok"
        lines.append(f"  {mark:<11} {count:>8,}  {rule.file}: {rule.id}")
    for profile, problem in report.failures[:max_failures]:
        lines.append(f"FAIL {problem}: {profile_label(profile)}")
    if len(report.failures) > max_failures:
        lines.append(f"... and {len(report.failures) - max_failures:,} more failures")
    for scenario, problem in report.scenario_failures:
        lines.append(f"FAIL scenario {scenario.file}: {scenario.name!r}: {problem}")
    if report.scenarios:
        failed = len({id(s) for s, _ in report.scenario_failures})
        lines.append(f"Scenarios: {report.scenarios - failed} of {report.scenarios} as expected.")
    for rule_id in report.unreachable:
        rule = rulebook.rule(rule_id)
        lines.append(f"FAIL unreachable rule: {rule.file}: rule {rule_id!r} never fires")
    lines.append(f"Invariants held on every profile ({len(INVARIANTS)}):")
    lines += [f"  - {invariant}" for invariant in INVARIANTS]
    verdict = "rules check passed" if report.ok else "rules check FAILED"
    lines.append(
        f"{verdict}: {len(report.failures):,} failures, {len(report.unreachable)} unreachable, "
        f"{len(report.scenario_failures)} scenario differences"
    )
    return "\n".join(lines)
