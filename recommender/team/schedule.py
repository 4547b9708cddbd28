"""The team's schedule: cohorts (a course in a testing window, with its members) and alignment."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from ..catalog import Catalog
from ..planner import exam_windows
from ..vocabulary import ROUTE_DESIGNATIONS


@dataclass(slots=True)
class Seat:
    """One member's exam of one course: the unit a cohort is made of."""

    member: int  # index into the plan's members
    row: int  # the member's roster row
    name: str
    code: str
    window_start: date
    window_end: date
    ready: date  # study done: never sit earlier
    access_ends: date  # the course's access period: never sit later
    study_starts: date
    cents: int  # this member's fee for this exam, discounts applied
    moved_from: date | None = None  # the window the member had on their own, once moved


Cohorts = dict[tuple[date, str], list[Seat]]


def cohorts_of(seats: list[Seat]) -> Cohorts:
    """Group seats by (window start, course): every seat in exactly one cohort."""
    cohorts: Cohorts = {}
    for seat in seats:
        cohorts.setdefault((seat.window_start, seat.code), []).append(seat)
    return cohorts


def next_window(catalog: Catalog, window_end: date) -> tuple[date, date]:
    """The testing window after the one ending on `window_end`."""
    return next(exam_windows(catalog, window_end + timedelta(days=1)))


def align(seats: list[Seat], catalog: Catalog) -> list[Seat]:
    """Move seats at most one window later to join larger cohorts; return the seats moved.

    The algorithm, greedy, from the last window back to the first (within a window, catalog
    course order): for the cohort A of course C in window W, look at the cohort B of C in the
    next testing window W+1. If B exists and has more members than A, each member of A who may
    move joins B. A member may move when:

    - the member sits fewer than the catalog's `max_per_window` exams in W+1;
    - W+1 opens on or before the course's access ends (never past the access period).

    Going backwards settles B before A is looked at: whoever was to leave B for W+2 has left,
    and nobody leaves B afterwards (windows before W only fill A). So a member who moves always
    ends in a cohort at least as large as the one they joined, never alone; and nobody moves
    twice, as a mover's new window has been dealt with already (no one ends more than one
    window later than their own plan). Nobody moves earlier, so nobody sits an exam before
    they are ready. A move only fills an existing cohort, so alignment never adds one: it
    empties A (one cohort fewer) or leaves it smaller. Studying is not delayed by a later exam
    (planner.exam_schedule studies one course after another), so moving one exam leaves the
    member's other exams where they were.
    """
    limit = catalog.exams.max_per_window
    order = {code: index for index, code in enumerate(catalog.courses)}
    cohorts = cohorts_of(seats)
    per_window = Counter((seat.member, seat.window_start) for seat in seats)
    moved: list[Seat] = []
    backwards = sorted(cohorts, key=lambda k: (k[0], -order.get(k[1], len(order))), reverse=True)
    for key in backwards:
        window_start, code = key
        here = cohorts[key]
        if not here:
            continue
        later_start, later_end = next_window(catalog, here[0].window_end)
        there = cohorts.get((later_start, code))
        if not there or len(there) <= len(here):
            continue
        staying = []
        for seat in here:
            if per_window[(seat.member, later_start)] < limit and later_start <= seat.access_ends:
                per_window[(seat.member, window_start)] -= 1
                per_window[(seat.member, later_start)] += 1
                seat.moved_from, seat.window_start, seat.window_end = (
                    window_start,
                    later_start,
                    later_end,
                )
                there.append(seat)
                moved.append(seat)
            else:
                staying.append(seat)
        cohorts[key] = staying
    return moved


@dataclass(frozen=True, slots=True)
class EarnedLater:
    """A designation a member earns one window later once cohorts are aligned: its last exams
    (`codes`) moved from the window opening `from_window` to the one opening `to_window`, so it
    is earned by `after` (that window's last day) instead of `before`."""

    member: int
    designation: str
    codes: tuple[str, ...]
    from_window: date
    to_window: date
    before: date
    after: date


def earned_later(
    seats: list[Seat], catalog: Catalog, routes: Mapping[int, str | None]
) -> list[EarnedLater]:
    """After align(seats): each designation of a member's route (`routes`, by member) whose
    last exam alignment moved, so that it is earned a window later; by member, in the order
    earned. A designation is earned with the last of its remaining exams (planner.milestones)."""
    mine: dict[int, list[Seat]] = {}
    for seat in seats:
        mine.setdefault(seat.member, []).append(seat)
    out = []
    for member, theirs in mine.items():
        if not any(seat.moved_from for seat in theirs):
            continue
        for designation in ROUTE_DESIGNATIONS.get(routes.get(member) or "", ()):
            counted = [
                seat
                for seat in theirs
                if seat.code in catalog.courses
                and designation in catalog.courses[seat.code].counts_toward
            ]
            if not counted:
                continue
            before = max(_end_before(seat, catalog) for seat in counted)
            after = max(seat.window_end for seat in counted)
            if after <= before:
                continue
            last = [seat for seat in counted if seat.window_end == after]  # each one moved
            out.append(
                EarnedLater(
                    member,
                    designation,
                    tuple(sorted(seat.code for seat in last)),
                    last[0].moved_from or last[0].window_start,
                    last[0].window_start,
                    before,
                    after,
                )
            )
    return sorted(out, key=lambda later: (later.member, later.to_window))


def _end_before(seat: Seat, catalog: Catalog) -> date:
    """The last day of the seat's window before alignment moved it (its own if not moved)."""
    if seat.moved_from is None:
        return seat.window_end
    return next(exam_windows(catalog, seat.moved_from))[1]


def moved_json(moved: list[Seat], later: list[EarnedLater], rows: Mapping[int, int]) -> list[Any]:
    """The seats moved as a plan's `alignment.moved` says them (`rows`: each member's row),
    each with the designations its move makes earned one window later."""
    delays: dict[tuple[int, str], list[str]] = {}
    for found in later:
        for code in found.codes:
            delays.setdefault((found.member, code), []).append(found.designation)
    return [
        {
            "name": seat.name,
            "row": rows[seat.member],
            "code": seat.code,
            "from_window": seat.moved_from.isoformat() if seat.moved_from else None,
            "to_window": seat.window_start.isoformat(),
            "earned_later": delays.get((seat.member, seat.code), []),
        }
        for seat in moved
    ]


@dataclass(frozen=True, slots=True)
class CohortTotal:
    """A cohort summed up: a course in a window, who sits it (by name and row), fees in cents.

    `names` and `rows` may be some of them only (a saved team names a page of its members),
    `people` is how many sit it in all.
    """

    window_start: date
    window_end: date
    code: str
    names: list[str]
    rows: list[int]
    people: int
    study_starts: date
    cents: int


def schedule_windows(cohorts: Cohorts, catalog: Catalog) -> list[dict[str, Any]]:
    """The schedule: windows in order, each with its cohorts and fees (the API's shape)."""
    return windows_of(
        (
            CohortTotal(
                window_start,
                seats[0].window_end,
                code,
                [seat.name for seat in seats],
                [seat.row for seat in seats],
                len(seats),
                min(seat.study_starts for seat in seats),
                sum(seat.cents for seat in seats),
            )
            for (window_start, code), seats in cohorts.items()
            if seats
        ),
        catalog,
    )


def windows_of(cohorts: Iterable[CohortTotal], catalog: Catalog) -> list[dict[str, Any]]:
    """The schedule of cohorts summed up: windows in order, cohorts in catalog order."""
    # Ethics is short and online (docs/policy.md, Course plans): never a group session.
    ethics = catalog.api_ethics
    order = {code: index for index, code in enumerate(catalog.courses)}
    windows: dict[date, dict[str, Any]] = {}
    totals: dict[date, int] = {}  # cents, summed exactly
    for cohort in sorted(
        cohorts, key=lambda c: (c.window_start, order.get(c.code, len(order)), c.code)
    ):
        window_start = cohort.window_start
        window = windows.setdefault(
            window_start,
            {
                "window_start": window_start.isoformat(),
                "window_end": cohort.window_end.isoformat(),
                "cohorts": [],
                "fees": 0.0,
            },
        )
        window["cohorts"].append(
            {
                "code": cohort.code,
                "title": catalog.courses[cohort.code].title,
                "members": cohort.names,
                "rows": cohort.rows,
                "group_session": cohort.people >= 2 and cohort.code != ethics,
                "study_starts": cohort.study_starts.isoformat(),
                "fees": cohort.cents / 100,
            }
        )
        totals[window_start] = totals.get(window_start, 0) + cohort.cents
    for window_start, window in windows.items():
        window["fees"] = totals[window_start] / 100
    return list(windows.values())


def group_sessions(schedule: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The group-session candidates in the schedule's order (by window, then course)."""
    return [
        {
            "code": cohort["code"],
            "title": cohort["title"],
            "window_start": window["window_start"],
            "window_end": window["window_end"],
            # A saved team's cohort names only some of its people: `people` counts them all.
            "members": cohort.get("people", len(cohort["members"])),
            "study_starts": cohort["study_starts"],
        }
        for window in schedule
        for cohort in window["cohorts"]
        if cohort["group_session"]
    ]
