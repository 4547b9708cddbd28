"""A saved team's sums, read from its members' kept plans: how many members, the schedule (each
cohort counted), summary, group sessions, budget and notices over everyone.

The database sums the kept rows; they are shaped with the same functions that shape an
anonymous team plan (team_summary, windows_of, budget_of). A team whose settings align its
cohorts has them aligned as /team's "Align cohorts" does (aligned_cohorts). Sums are kept in
the process while they cannot change (SumsKept). A page names the people of its schedule's
cohorts with named_schedule.
"""

from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..recommendation import Recommender
from ..store import plan_queries as kept
from ..store.models import Team
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
from .plans import fresh_between


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


def kept_sums(recommender: Recommender, team: Team, today: date) -> Sums | None:
    """The team's sums if this process keeps them (its plans were then all fresh), else None:
    not shown here since it changed, its plans may be stale."""
    return SUMS.peek(_sums_key(recommender, team, today))


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


def named_schedule(
    sums: Sums, names: dict[tuple[date, str], list[tuple[str, int]]]
) -> list[dict[str, Any]]:
    """The team's schedule with its cohorts naming the people in `names` (by kept window and
    course: name, member position), each moved seat's person in their aligned window."""
    return _with_names(sums.schedule, _moved(names, sums.moves))


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
