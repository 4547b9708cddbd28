"""What a saved team shows, read from its members' kept plans (plans.py writes them).

A page of members, each as the API answers them; the team's summary, schedule and budget over
everyone, summed by the database from the kept rows with the same functions that shape an
anonymous team plan (team_summary, windows_of, budget_of), and kept in the process while they
cannot change (SumsKept); the whole plan, every member and every name, for the downloads; what
a change of the rules did to the members' routes. The stale plans among them are re-planned
first (plans.refresh).
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable, Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..diff import Outcome as RouteOutcome
from ..recommendation import Recommender
from ..store import plan_queries as kept
from ..store.kept_plans import replace_plans
from ..store.models import COMPLETED, ERROR, Member, MemberPlan, Progress, Team
from ..team import (
    NO_ROUTE,
    NOTICE_NUMBERS,
    CohortTotal,
    TeamTotals,
    budget_of,
    group_sessions,
    row_notices,
    team_summary,
    windows_of,
)
from ..team.schedule import Seat, align, cohorts_of, earned_later, moved_json
from .plans import Slot, fresh_between, kept_plans, refresh

PER_PAGE = 50  # members on a page, unless asked for another number
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class PageQuery:
    """Which members to show: page `page` of `per_page`, of those whose name holds `search`
    (any case), of those behind if `behind`."""

    page: int = 1
    per_page: int = PER_PAGE
    search: str | None = None
    behind: bool = False


@dataclass(frozen=True)
class RouteChange:
    """How the current rules change a member's route: the one shown, the one decided now."""

    old: RouteOutcome
    new: RouteOutcome


@dataclass(frozen=True)
class SavedPlan:
    """A saved team as shown: the team plan's dict (its members a page of them, or all), how
    many members the page is of, and what a change of the rules did."""

    plan: dict[str, Any]
    total: int
    query: PageQuery | None  # None: every member
    rules_change: dict[str, Any] | None  # None: shown under these rules already
    changed: list[tuple[int, RouteChange]] = field(default_factory=list)
    changed_count: int = 0

    @property
    def last_page(self) -> int:
        """The number of the last page (1 when there is nothing to show)."""
        per_page = self.query.per_page if self.query else max(1, self.total)
        return max(1, -(-self.total // per_page))


def team_page(
    recommender: Recommender,
    team: Team,
    query: PageQuery | None = None,
    today: date | None = None,
    slot: Slot = nullcontext,
    changed_limit: int | None = None,
) -> SavedPlan:
    """A page of the team's members, with the team's sums over everyone."""
    day = today or date.today()
    query = query or PageQuery()
    sums = SUMS.peek(_sums_key(recommender, team, day))
    if sums is None:  # not shown in this process since it changed: its plans may be stale
        refresh(recommender, team, day, slot)
        sums = sums_of(recommender, team, day)
    filtered = bool(query.search) or query.behind
    total, rows = kept.member_page(
        team.id,
        (query.page - 1) * query.per_page,
        query.per_page,
        query.search,
        day if query.behind else None,
        total=None if filtered else sums.people,
    )
    names = kept.cohort_members(team.id, [member.id for member, _ in rows])
    return _shown(recommender, team, sums, rows, total, names, day, query, changed_limit)


def whole_plan(
    recommender: Recommender,
    team: Team,
    today: date | None = None,
    slot: Slot = nullcontext,
    streamed: bool = False,
) -> SavedPlan:
    """Every member of the team and every name in its cohorts: what the downloads hold.

    `streamed`: the members are read from the database a thousand at a time on each pass over
    them (StreamedMembers), never all at once: a large team's download holds a thousand.
    """
    day = today or date.today()
    refresh(recommender, team, day, slot)
    sums = sums_of(recommender, team, day)
    names = kept.cohort_members(team.id)
    if streamed:
        shown = _shown(recommender, team, sums, [], sums.people, names, day, None)
        shown.plan["members"] = StreamedMembers(team.id, sums.people, day)
        return shown
    rows = [row for part in kept.all_members(team.id) for row in part]
    return _shown(recommender, team, sums, rows, len(rows), names, day, None)


class StreamedMembers:
    """A team's members as the API answers them, in team order, read anew on each pass."""

    def __init__(self, team_id: int, total: int, day: date) -> None:
        self.team_id, self.total, self.day = team_id, total, day

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for part in kept.all_members(self.team_id):
            progress = kept.progress_of([member.id for member, _ in part])
            for member, plan in part:
                yield member_entry(member, plan, progress[member.id], self.day)


def _shown(
    recommender: Recommender,
    team: Team,
    sums: Sums,
    rows: list[tuple[Member, MemberPlan]],
    total: int,
    names: dict[tuple[date, str], list[tuple[str, int]]],
    day: date,
    query: PageQuery | None,
    changed_limit: int | None = None,
) -> SavedPlan:
    progress = kept.progress_of([member.id for member, _ in rows])
    shaped = sums.shaped
    plan = {
        "rules_version": recommender.rulebook.version,
        "members": [member_entry(m, p, progress[m.id], day) for m, p in rows],
        "summary": shaped["summary"],
        "schedule": _with_names(sums.schedule, _moved(names, sums.moves)),
        "group_sessions": shaped["group_sessions"],
        "budget": shaped["budget"],
        "notices": shaped["notices"],
    }
    if "alignment" in shaped:
        plan["alignment"] = shaped["alignment"]
    change, changed, count = rules_change(recommender, team, changed_limit)
    return SavedPlan(plan, total, query, change, changed, count)


@dataclass(frozen=True)
class Sums:
    """A team's kept plans summed: how many members, its schedule (each cohort counted), and
    its summary, group sessions, budget and notices (shared by every page: read, never
    changed)."""

    people: int
    schedule: list[dict[str, Any]]  # its cohorts counted, none named
    shaped: dict[str, Any]  # summary, group_sessions, budget, notices (alignment, if aligned)
    # Aligned: each moved seat's window, by (member position, course, kept window).
    moves: dict[tuple[int, str, date], date] = field(default_factory=dict)


class SumsKept:
    """The sums of recently shown teams, in this process, by what they are sums of.

    A team's kept plans change only with its version (every change to a member raises it, in
    the same transaction), with the rules, or when a window's turn makes them stale; sums are
    made after the stale plans are re-planned, so a team's sums are the same for as long as
    its version, the rules and the window's turn are: showing a large team again costs its
    page, not its members.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self.found: OrderedDict[tuple[Any, ...], Sums] = OrderedDict()
        self.lock = threading.Lock()

    def peek(self, key: tuple[Any, ...]) -> Sums | None:
        with self.lock:
            return self.found.get(key)

    def get(self, key: tuple[Any, ...], work: Callable[[], Sums]) -> Sums:
        with self.lock:
            if key in self.found:
                self.found.move_to_end(key)
                return self.found[key]
        sums = work()
        with self.lock:
            self.found[key] = sums
            while len(self.found) > self.size:
                self.found.popitem(last=False)
        return sums


SUMS = SumsKept()


def _sums_key(recommender: Recommender, team: Team, today: date) -> tuple[Any, ...]:
    return (
        kept.database_key(),
        team.id,
        team.created_at,  # a deleted team's id may be given again (SQLite)
        team.version,
        recommender.rulebook.version,
        fresh_between(recommender.catalog, today)[0],
    )


def sums_of(recommender: Recommender, team: Team, today: date) -> Sums:
    """The team's kept plans summed (after plans.refresh): kept while they cannot change.

    Kept sums also say that the team's plans were all fresh for that key: a page shown with
    them needs no look for stale plans.
    """
    month, aligned = fiscal_year_start(team), aligns(team)
    return SUMS.get(
        _sums_key(recommender, team, today),
        lambda: summed(recommender, team.id, month, aligned),
    )


def aligns(team: Team) -> bool:
    """Whether the team's cohorts are aligned ("Align cohorts", kept in its settings)."""
    return bool((team.settings or {}).get("align"))


def fiscal_year_start(team: Team) -> int:
    """The month the team's fiscal year starts in (its settings; January by default)."""
    month = (team.settings or {}).get("fiscal_year_start", 1)
    return month if isinstance(month, int) and 1 <= month <= 12 else 1


def aligned_cohorts(
    recommender: Recommender, team_id: int
) -> tuple[list[kept.CohortRow], dict[str, Any], dict[tuple[int, str, date], date]]:
    """The team's cohorts aligned as /team's "Align cohorts" does (team.schedule.align, over
    every kept exam), what alignment did, and each moved seat's new window by (member
    position, course, kept window)."""
    seats, routes = [], {}
    for position, name, code, start, end, ready, access, study, cents, route in kept.team_seats(
        team_id
    ):
        seats.append(
            Seat(position, position + 1, name, code, start, end, ready, access, study, cents)
        )
        routes[position] = route
    before = len(cohorts_of(seats))
    moved = align(seats, recommender.catalog)
    later = earned_later(seats, recommender.catalog, routes)
    grouped = cohorts_of(seats)
    rows = [
        kept.CohortRow(
            start,
            found[0].window_end,
            code,
            len(found),
            min(s.study_starts for s in found),
            sum(s.cents for s in found),
        )
        for (start, code), found in grouped.items()
        if found
    ]
    alignment = {
        "cohorts_before": before,
        "cohorts_after": len(rows),
        "moved": moved_json(moved, later, {s.member: s.row for s in seats}),
    }
    moves = {(s.member, s.code, s.moved_from): s.window_start for s in moved if s.moved_from}
    return rows, alignment, moves


def summed(
    recommender: Recommender, team_id: int, fiscal_year_start: int = 1, aligned: bool = False
) -> Sums:
    """Sum the team's kept plans (the database does) and shape the sums."""
    catalog = recommender.catalog
    totals = kept.plan_totals(team_id)
    alignment: dict[str, Any] | None = None
    moves: dict[tuple[int, str, date], date] = {}
    if aligned:
        cohorts, alignment, moves = aligned_cohorts(recommender, team_id)
    else:
        cohorts = kept.cohorts(team_id)
    bad, warned = (kept.numbered(team_id, errors, NOTICE_NUMBERS) for errors in (True, False))
    # A member sits one exam of each course left to them (a failed one's is its retake), so
    # a course's demand is the people of its cohorts.
    demand: Counter[str] = Counter()
    windows: dict[date, int] = {}
    for cohort in cohorts:
        demand[cohort.code] += cohort.people
        windows[cohort.window_start] = windows.get(cohort.window_start, 0) + cohort.cents
    summary = team_summary(
        TeamTotals(
            totals.people,
            totals.planned,
            Counter({route or NO_ROUTE: n for route, n in totals.routes.items()}),
            demand,
            totals.hours_low,
            totals.hours_high,
            sum(windows.values()),
            totals.unverified == 0,
        ),
        catalog,
    )
    schedule = _schedule(recommender, cohorts)
    shaped = {
        "summary": summary,
        "group_sessions": group_sessions(schedule),
        "budget": budget_of(windows, catalog.currency, fiscal_year_start),
        "notices": row_notices(
            (bad[0], [p + 1 for p in bad[1]]), (warned[0], [p + 1 for p in warned[1]])
        ),
    }
    if alignment is not None:
        shaped["alignment"] = alignment
    return Sums(totals.people, schedule, shaped, moves)


def _schedule(recommender: Recommender, cohorts: list[kept.CohortRow]) -> list[dict[str, Any]]:
    """The schedule of these cohorts, each counting its people and naming none."""
    schedule = windows_of(
        (
            CohortTotal(
                c.window_start, c.window_end, c.code, [], [], c.people, c.study_starts, c.cents
            )
            for c in cohorts
        ),
        recommender.catalog,
    )
    people = {(c.window_start.isoformat(), c.code): c.people for c in cohorts}
    for window in schedule:
        for cohort in window["cohorts"]:
            cohort["people"] = people[(window["window_start"], cohort["code"])]
    return schedule


def _moved(
    names: dict[tuple[date, str], list[tuple[str, int]]],
    moves: dict[tuple[int, str, date], date],
) -> dict[tuple[date, str], list[tuple[str, int]]]:
    """Who sits each cohort once aligned: a moved seat's person named in their new window."""
    if not moves:
        return names
    out: dict[tuple[date, str], list[tuple[str, int]]] = {}
    for (start, code), found in names.items():
        for name, position in found:
            key = (moves.get((position, code, start), start), code)
            out.setdefault(key, []).append((name, position))
    for found in out.values():
        found.sort(key=lambda pair: pair[1])
    return out


def _with_names(
    schedule: list[dict[str, Any]], names: dict[tuple[date, str], list[tuple[str, int]]]
) -> list[dict[str, Any]]:
    """The schedule with its cohorts naming their people in `names` (name, position): a copy
    where they are named, the kept schedule's own cohorts elsewhere."""
    named = {(start.isoformat(), code): found for (start, code), found in names.items()}
    if not named:
        return schedule
    return [
        {
            **window,
            "cohorts": [
                _named(cohort, named.get((window["window_start"], cohort["code"])))
                for cohort in window["cohorts"]
            ],
        }
        for window in schedule
    ]


def _named(cohort: dict[str, Any], found: list[tuple[str, int]] | None) -> dict[str, Any]:
    if not found:
        return cohort
    return {
        **cohort,
        "members": [name for name, _ in found],
        "rows": [position + 1 for _, position in found],
    }


def member_entry(
    member: Member, plan: MemberPlan, progress: list[Progress], today: date
) -> dict[str, Any]:
    """A member as the API answers them (SavedMemberSchema), from their kept plan, on `today`."""
    entry = dict(plan.entry)
    first_ends = entry.pop("first_ends", [])
    errors = plan.state == ERROR
    overdue = [] if errors else [code for code, end in first_ends if end < today.isoformat()]
    if errors:
        status = None
    elif plan.state == COMPLETED:
        status = "completed"
    else:
        status = "behind" if overdue else "on_track"
    return {
        "row": member.position + 1,
        "line": None,
        "name": member.name,
        "recommended_route": entry["recommended_route"],
        "remaining_courses": entry["remaining_courses"],
        "estimated_months": entry["estimated_months"],
        "study_hours": entry["study_hours"],
        "estimated_cost": entry["estimated_cost"],
        "exam_schedule": entry["exam_schedule"],
        "warnings": entry["warnings"],
        "extra": member.extra or {},
        "errors": entry["errors"],
        "id": member.id,
        "profile": member.profile,
        "progress": [progress_entry(p) for p in progress],
        "status": status,
        "overdue_courses": overdue,
        "earned": entry.get("earned", []),
        # The planner's retakes (planner.plan_retake): each failed course's retake window, fee,
        # and what the failure adds in months and fees.
        "retakes": entry.get("retakes", []),
        "has_private_link": member.link_hash is not None,
        "email": member.email,
    }


def progress_entry(p: Progress) -> dict[str, Any]:
    """One attempt as the API answers it."""
    return {
        "id": p.id,
        "course": p.course,
        "status": p.status,
        "date": p.date.isoformat(),
        "recorded_by": p.recorded_by,
        "recorded_at": p.recorded_at.isoformat(timespec="seconds") + "Z",
    }


def member_plan(
    recommender: Recommender, member: Member, today: date | None = None
) -> dict[str, Any]:
    """One member's entry from their kept plan (re-planned alone if stale): never the team."""
    day = today or date.today()
    plan = kept.member_plan(member.id)
    fresh_from, fresh_to = fresh_between(recommender.catalog, day)
    if (
        plan is None
        or plan.rules_version != recommender.rulebook.version
        or not fresh_from <= plan.planned_on < fresh_to
    ):
        replace_plans(
            member.team_id, [member.id], lambda members: kept_plans(recommender, members, day)
        )
        plan = kept.member_plan(member.id)
        assert plan is not None  # just written
    return member_entry(member, plan, kept.progress_of([member.id])[member.id], day)


def rules_change(
    recommender: Recommender, team: Team, limit: int | None = None
) -> tuple[dict[str, Any] | None, list[tuple[int, RouteChange]], int]:
    """The rules change since the team was last shown, as the API and the page show it (None
    if none), how each member's route changes (the first `limit`), and how many change.

    The `rules diff` report: the members are its profiles, the route each was last shown is
    the old outcome (kept, as the old rules may be gone), the rules' decision now the new one.
    """
    current = recommender.rulebook.version
    if team.rules_version == current:
        return None, [], 0
    count, rows = kept.changed_routes(team.id, limit)
    changed = [
        (
            member_id,
            RouteChange(RouteOutcome(shown, shown_rule or "unknown"), RouteOutcome(route, rule)),
        )
        for member_id, _name, shown, shown_rule, route, rule in rows
    ]
    data = {
        "old_version": team.rules_version or "unknown",
        "new_version": current,
        "members": kept.member_count(team.id),
        "changed": [
            {
                "member_id": member_id,
                "name": name,
                "old_route": shown,
                "new_route": route,
                "rule": rule,
            }
            for member_id, name, shown, _shown_rule, route, rule in rows
        ],
    }
    return data, changed, count
