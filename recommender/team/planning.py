"""Plan every roster row as one person is planned, then the team: schedule, budget, summary."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..catalog import Catalog
from ..planner import Profile, plan_months
from ..vocabulary import ROUTES
from .budget import budget
from .outcomes import Outcome, Planner, TeamRecommender
from .rows import NOTICE_NUMBERS, ROW_FIELD, Roster, RosterRow, where_numbers
from .schedule import (
    EarnedLater,
    Seat,
    align,
    cohorts_of,
    earned_later,
    group_sessions,
    moved_json,
    schedule_windows,
)

NO_ROUTE = "none"
ROUTE_KEYS = (*ROUTES, NO_ROUTE)

# One exam of a planned row: code, window start and end, ready, access ends, study starts,
# fee in cents (Outcome.seats).
SeatParts = tuple[str, date, date, date, date, date, int]


@dataclass(frozen=True, slots=True)
class PlannedRow:
    """One roster row planned alone: its member (TeamMemberSchema's shape) and its exams."""

    member: dict[str, Any]
    seats: tuple[SeatParts, ...]  # none for a row not planned
    retaken: frozenset[str]  # the codes whose exam is a retake of a failed one
    profile: Profile | None  # the profile planned (None for a row not planned)


def plan_rows(
    recommender: TeamRecommender,
    rows: list[RosterRow],
    *,
    today: date | None = None,
    planner: Planner | None = None,
) -> list[PlannedRow]:
    """Plan each row as plan_team plans it, without the team: for plans kept per member.

    A team's summary, schedule and budget are sums over its rows' plans (TeamTotals,
    windows_of, budget_of): whoever keeps rows planned here can sum them up later. `planner`:
    one whose caches the caller shares (planning on `today`).
    """
    planner = planner or Planner(recommender, today or date.today())
    planned = []
    for row in rows:
        member, outcome, profile = _plan_row(planner, row)
        retaken = frozenset(retake["code"] for retake in member.get("retakes", []))
        planned.append(PlannedRow(member, outcome.seats if outcome else (), retaken, profile))
    return planned


def plan_team(
    recommender: TeamRecommender,
    roster: Roster,
    *,
    align_cohorts: bool = False,
    fiscal_year_start: int = 1,
    today: date | None = None,
) -> dict[str, Any]:
    """Plan every roster row and the team: the TeamPlanSchema shape."""
    planner = Planner(recommender, today or date.today())
    catalog = recommender.catalog
    members: list[dict[str, Any]] = []
    seats: list[Seat] = []
    starts: dict[int, date] = {}  # each planned member's start date, for the months of a move
    for row in roster.rows:
        member, outcome, profile = _plan_row(planner, row)
        if outcome is not None and profile is not None:
            starts[len(members)] = profile.start_date or planner.today
            seats.extend(_seats(len(members), member, outcome))
        members.append(member)
    cohorts = cohorts_of(seats)
    alignment = None
    if align_cohorts:
        before = len(cohorts)
        moved = align(seats, catalog)
        cohorts = cohorts_of(seats)
        later = earned_later(
            seats, catalog, {i: m["recommended_route"] for i, m in enumerate(members)}
        )
        _move_exams(members, moved, later, starts)
        alignment = {
            "cohorts_before": before,
            "cohorts_after": len(cohorts),
            "moved": moved_json(moved, later, {i: m["row"] for i, m in enumerate(members)}),
        }
    schedule = schedule_windows(cohorts, catalog)
    summary = summarise(members, catalog, sum(seat.cents for seat in seats))
    plan: dict[str, Any] = {
        "rules_version": recommender.rulebook.version,
        "members": members,
        "summary": summary,
        "schedule": schedule,
        "group_sessions": group_sessions(schedule),
        "budget": budget(cohorts, catalog.currency, fiscal_year_start),
        "notices": _notices(roster, members),
    }
    if alignment is not None:
        plan["alignment"] = alignment
    return plan


def _plan_row(
    planner: Planner, row: RosterRow
) -> tuple[dict[str, Any], Outcome | None, Profile | None]:
    errors = {field: list(messages) for field, messages in row.errors.items()}
    warnings: list[str] = []
    profile = None
    if row.data is not None:
        data, unknown = _without_unknown_courses(row.data, planner.catalog)
        warnings += [
            f"{row.where.capitalize()}: unknown course code {code!r} left out; planned "
            "without it (check the code with The Institutes' catalog)."
            for code in unknown
        ]
        result = planner.check(data)
        if isinstance(result, Profile):
            profile = result
        else:
            for field, messages in result.items():
                errors.setdefault(field, []).extend(messages)
    if errors or profile is None:
        if row.hint and ROW_FIELD not in errors:
            errors[ROW_FIELD] = [row.hint]
        return _member(row, None, errors, warnings), None, None
    outcome = planner.outcome(profile)
    retakes: list[dict[str, Any]] = []
    failures = [failure for failure in row.failures if failure.code in outcome.courses]
    if failures:
        outcome, retakes = planner.with_retakes(profile, outcome, failures)
    retaken = {retake["code"] for retake in retakes}
    late = [e["code"] for e in outcome.exams if not e["access_ok"] and e["code"] not in retaken]
    warnings += [
        f"{row.where.capitalize()}: course access to {retake['code']} ends before its retake "
        "window opens: renew access to retake it."
        for retake in retakes
        if not retake["access_ok"]
    ]
    if late:
        warnings.append(
            f"{row.where.capitalize()}: at {profile.hours_per_week:g} hours a week, course "
            f"access ends before the exam of {', '.join(late)}: study more each week or plan "
            "to renew access."
        )
    member = _member(row, outcome, {}, warnings)
    if row.failures:
        member["retakes"] = retakes  # only a saved team's rows have failures
    return member, outcome, profile


def _without_unknown_courses(
    data: dict[str, Any], catalog: Catalog
) -> tuple[dict[str, Any], list[str]]:
    """The row's data without completed courses the catalog does not know, and those codes."""
    courses = data.get("completed_courses")
    if not isinstance(courses, list):
        return data, []
    unknown = [c for c in courses if isinstance(c, str) and catalog.normalise_code(c) is None]
    if not unknown:
        return data, []
    return {**data, "completed_courses": [c for c in courses if c not in unknown]}, unknown


def _seats(index: int, member: dict[str, Any], outcome: Outcome) -> list[Seat]:
    return [Seat(index, member["row"], member["name"], *parts) for parts in outcome.seats]


def _move_exams(
    members: list[dict[str, Any]],
    moved: list[Seat],
    later: list[EarnedLater],
    starts: dict[int, date],
) -> None:
    """Put each moved seat's new window in its member's own exam_schedule (a copy), and their
    months from it (the one clock); a designation earned one window later is said in the
    member's warnings, which the page and the exports show."""
    for index in {seat.member for seat in moved}:
        members[index]["exam_schedule"] = [dict(e) for e in members[index]["exam_schedule"]]
    for seat in moved:
        member = members[seat.member]
        exam = next(e for e in member["exam_schedule"] if e["code"] == seat.code)
        exam["window_start"] = seat.window_start.isoformat()
        exam["window_end"] = seat.window_end.isoformat()
        exam["access_ok"] = max(seat.ready, seat.window_start) <= seat.access_ends
    for found in later:
        codes = " and ".join(found.codes)
        members[found.member]["warnings"].append(
            f"Aligned cohorts: {codes} {'moves' if len(found.codes) == 1 else 'move'} from the "
            f"window of {found.from_window} to that of {found.to_window} to join a larger "
            f"cohort, so the {found.designation} is earned one window later (by "
            f"{found.after} instead of {found.before})."
        )
    for index in {seat.member for seat in moved}:
        members[index]["estimated_months"] = plan_months(
            members[index]["exam_schedule"], starts[index]
        )


def _member(
    row: RosterRow, outcome: Outcome | None, errors: dict[str, list[str]], warnings: list[str]
) -> dict[str, Any]:
    member: dict[str, Any] = {
        "row": row.row,
        "line": row.line,
        "name": row.name,
        "recommended_route": None,
        "remaining_courses": [],
        "estimated_months": None,
        "study_hours": None,
        "estimated_cost": None,
        "exam_schedule": [],
        "warnings": warnings,
        "extra": row.extra,
        "errors": errors,
    }
    if outcome is not None:
        member.update(
            recommended_route=outcome.route,
            remaining_courses=list(outcome.courses),
            estimated_months=dict(outcome.months),
            study_hours={"low": outcome.hours[0], "high": outcome.hours[1]},
            # The band without the per-exam items: those are in the schedule's cohort fees,
            # and they would double a large roster's answer.
            estimated_cost=outcome.band,
            exam_schedule=outcome.exams,
        )
    return member


@dataclass(frozen=True)
class TeamTotals:
    """What a team summary sums: over the planned members (those without errors)."""

    people: int
    planned: int
    routes: Counter[str]  # planned members per route (NO_ROUTE for none)
    demand: Counter[str]  # planned members per remaining course
    hours_low: int
    hours_high: int
    cents: int  # the exam fees summed exam by exam, as the budget sums them
    verified: bool  # every planned member's fees verified


def summarise(
    members: list[dict[str, Any]], catalog: Catalog, total_cents: int | None = None
) -> dict[str, Any]:
    """The team summary: people per route, demand per course, total study hours and fees.

    `total_cents`: the exam fees summed exam by exam (as the budget sums them), else the
    members' totals are summed.
    """
    planned = [m for m in members if not m["errors"]]
    routes: Counter[str] = Counter()
    demand: Counter[str] = Counter()
    low = high = cents = 0
    cost_verified = True
    for member in planned:
        routes[member["recommended_route"] or NO_ROUTE] += 1
        demand.update(set(member["remaining_courses"]))
        low += member["study_hours"]["low"]
        high += member["study_hours"]["high"]
        cents += round(member["estimated_cost"]["low"] * 100)
        cost_verified = cost_verified and member["estimated_cost"]["verified"]
    totals = TeamTotals(
        len(members),
        len(planned),
        routes,
        demand,
        low,
        high,
        cents if total_cents is None else total_cents,
        cost_verified,
    )
    return team_summary(totals, catalog)


def team_summary(totals: TeamTotals, catalog: Catalog) -> dict[str, Any]:
    """The summary's shape (TeamSummarySchema) from a team's totals."""
    order = {code: index for index, code in enumerate(catalog.courses)}
    return {
        "people": totals.people,
        "planned": totals.planned,
        "with_errors": totals.people - totals.planned,
        "routes": {key: totals.routes.get(key, 0) for key in ROUTE_KEYS},
        # Most shared first, ties in catalog order (group sessions follow the schedule).
        "course_demand": [
            {"code": code, "title": catalog.courses[code].title, "members": count}
            for code, count in sorted(
                totals.demand.items(), key=lambda item: (-item[1], order[item[0]])
            )
        ],
        "total_study_hours": {"low": totals.hours_low, "high": totals.hours_high},
        "total_cost": {
            "low": totals.cents / 100,
            "high": totals.cents / 100,
            "currency": catalog.currency,
            "verified": totals.verified,
        },
    }


def row_notices(
    bad: tuple[int, list[int]], warned: tuple[int, list[int]], noun: str = "member"
) -> list[str]:
    """The notices on rows not planned and rows planned with warnings: (how many, numbers).

    The numbers need be no more than the first NOTICE_NUMBERS of them.
    """
    notices = []
    if bad[0]:
        notices.append(
            f"Not planned, see their errors: {bad[0]:,} ({where_numbers(noun, bad[1])})."
        )
    if warned[0]:
        notices.append(f"Planned with warnings: {warned[0]:,} ({where_numbers(noun, warned[1])}).")
    return notices


def _notices(roster: Roster, members: list[dict[str, Any]]) -> list[str]:
    pairs = list(zip(roster.rows, members, strict=True))
    bad = [row for row, member in pairs if member["errors"]]
    warned = [row for row, member in pairs if member["warnings"]]
    noun = "line" if roster.rows and roster.rows[0].line is not None else "member"
    return [*roster.notices, *row_notices(_numbered(bad), _numbered(warned), noun)]


def _numbered(rows: list[RosterRow]) -> tuple[int, list[int]]:
    shown = rows[:NOTICE_NUMBERS]
    return len(rows), [row.line if row.line is not None else row.row for row in shown]
