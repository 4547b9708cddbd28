"""The dated plan: testing windows, exam dates, milestones, and the one clock's months."""

from __future__ import annotations

import calendar
import functools
import math
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from ..catalog import Catalog
from ..vocabulary import ROUTE_DESIGNATIONS
from .profile import RoutePlan

WEEKS_PER_MONTH = 4.33


def estimate_months(codes: list[str], catalog: Catalog, hours_per_week: float) -> dict[str, int]:
    """Months to study `codes` at `hours_per_week`, as a low-high band of whole months."""
    low = sum(catalog.courses[c].study_hours.low for c in codes)
    high = sum(catalog.courses[c].study_hours.high for c in codes)
    per_month = hours_per_week * WEEKS_PER_MONTH
    return {"low": math.floor(low / per_month), "high": math.ceil(high / per_month)}


DAYS_PER_MONTH = 365.25 / 12


def months_between(start: date, day: date) -> float:
    """The months from `start` to `day`, in average months of 30.44 days."""
    return (day - start).days / DAYS_PER_MONTH


def earliest_sitting(exam: dict[str, Any]) -> date:
    """The first day an exam of the dated plan can be sat: its window's, or study's end."""
    return max(date.fromisoformat(exam["ready"]), date.fromisoformat(exam["window_start"]))


def plan_months(exams: list[dict[str, Any]], start: date) -> dict[str, int]:
    """How long the dated plan takes, in whole months from `start`: the one clock.

    `low`: until the last exam can first be sat (its window opens, or study is done if
    later); `high`: until the last window closes. So the band holds every day on which the
    plan can be finished, whatever the pace, the windows and the per-window limit made of it;
    a plan with an exam left takes at least "under a month" (high 1).
    """
    if not exams:
        return {"low": 0, "high": 0}
    # A retake's window may be open already (a failure recorded late): not before `start`.
    earliest = max(start, *(earliest_sitting(exam) for exam in exams))
    latest = max(date.fromisoformat(exam["window_end"]) for exam in exams)
    low = math.floor(months_between(start, earliest))
    high = max(1, math.ceil(months_between(start, latest)))
    return {"low": low, "high": high}


def course_schedule(
    codes: list[str], catalog: Catalog, hours_per_week: float
) -> list[tuple[str, float, float]]:
    """Lay courses end to end at `hours_per_week`: (code, start month, end month) each.

    Uses the middle of each course's study-hours band: a picture of the plan, not a promise.
    """
    per_month = hours_per_week * WEEKS_PER_MONTH
    schedule, month = [], 0.0
    for code in codes:
        hours = catalog.courses[code].study_hours
        length = (hours.low + hours.high) / 2 / per_month
        schedule.append((code, month, month + length))
        month += length
    return schedule


_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # by month number


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    # Not calendar.monthrange: it also works out a weekday, 40% of this function's time.
    last = _DAYS_IN_MONTH[month] + (month == 2 and calendar.isleap(year))
    return date(year, month, min(day.day, last))


def next_business_day(day: date) -> date:
    """`day`, or the Monday after it when it is a Saturday or a Sunday."""
    weekday = day.weekday()
    return day + timedelta(days=7 - weekday) if weekday >= 5 else day


@functools.lru_cache(maxsize=64)
def _windows_of_year(
    windows: tuple[tuple[tuple[int, int], tuple[int, int]], ...], year: int, weekend_moves: bool
) -> tuple[tuple[date, date], ...]:
    # Every exam of every answer looks here, nearly always in the same two or three years:
    # making the dates once per year took a sixth off exam_schedule.
    out = []
    for (sm, sd), (em, ed) in windows:
        end = date(year, em, ed)
        out.append((date(year, sm, sd), next_business_day(end) if weekend_moves else end))
    return tuple(out)


def exam_windows(catalog: Catalog, after: date) -> Iterator[tuple[date, date]]:
    """Every testing window that ends on or after `after`, in order, without end.

    A window's last day on a weekend runs to the next business day where the catalog says so
    (`last_day_on_weekend`).
    """
    exams = catalog.exams
    year = after.year
    while True:
        for start, end in _windows_of_year(exams.windows, year, exams.weekend_end_moves):
            if end >= after:
                yield start, end
        year += 1


def exam_schedule(
    codes: list[str], catalog: Catalog, hours_per_week: float, start: date
) -> list[dict[str, Any]]:
    """Place each course's exam in the first testing window after it is studied.

    Courses are studied one after another from `start` at `hours_per_week` (the middle of
    each course's study-hours band); a window takes at most `max_per_window` exams; course
    access starts with the course's study and lasts `access_months`.
    """
    rules = catalog.exams
    taken: dict[date, int] = {}
    schedule = []
    studying = start
    for code in codes:
        hours = catalog.courses[code].study_hours
        ready = studying + timedelta(weeks=(hours.low + hours.high) / 2 / hours_per_week)
        window_start, window_end = next(
            (ws, we)
            for ws, we in exam_windows(catalog, ready)
            if taken.get(ws, 0) < rules.max_per_window
        )
        taken[window_start] = taken.get(window_start, 0) + 1
        access_ends = add_months(studying, rules.access_months)
        schedule.append(
            {
                "code": code,
                "window_start": window_start.isoformat(),
                "window_end": window_end.isoformat(),
                "ready": ready.isoformat(),
                "access_ends": access_ends.isoformat(),
                "access_ok": max(ready, window_start) <= access_ends,
            }
        )
        studying = ready
    return schedule


def milestones(
    plan: RoutePlan,
    schedule: list[dict[str, Any]],
    catalog: Catalog,
    held: tuple[str, ...],
    start: date | None = None,
) -> list[dict[str, Any]]:
    """When each designation of a route not yet held is earned, in the order earned.

    A designation is earned with the exam of the last remaining course that counts toward
    it (`after_course`, in that exam's window); with none left, `after_course` and the window
    are None. The CPCU's milestone carries its experience rule (docs/policy.md, "Milestones").
    Given the plan's `start`, each also says in how many months it is earned (`months`, as
    plan_months: the one clock), else `months` is None.
    """
    windows = {exam["code"]: exam for exam in schedule}
    order = {exam["code"]: index for index, exam in enumerate(schedule)}
    out = []
    for designation in ROUTE_DESIGNATIONS[plan.route]:
        if designation in held:
            continue
        needed = [
            s.code
            for s in plan.remaining
            if designation in catalog.courses[s.code].counts_toward and s.code in windows
        ]
        last = max(needed, key=lambda c: (windows[c]["window_start"], order[c]), default=None)
        exam = windows.get(last) if last else None
        out.append(
            {
                "designation": designation,
                "name": catalog.designations[designation].name,
                "after_course": last,
                "window_start": exam["window_start"] if exam else None,
                "window_end": exam["window_end"] if exam else None,
                **_requirements_of(designation, plan, catalog),
                "months": None
                if start is None
                else plan_months([e for e in schedule if e["code"] in needed], start),
            }
        )
    out.sort(
        key=lambda m: (
            m["window_start"] or "",
            ROUTE_DESIGNATIONS[plan.route].index(m["designation"]),
        )
    )
    return out


def _requirements_of(designation: str, plan: RoutePlan, catalog: Catalog) -> dict[str, Any]:
    """Whether a designation's requirements are confirmed, and what else it needs."""
    if designation == "CPCU":
        fact = next((f for f in catalog.facts if f.id == "cpcu-experience"), None)
        return {
            "verified": catalog.cpcu.verified and (fact is None or fact.verified),
            "experience_months": catalog.cpcu.experience_months,
            "note": fact.text if fact else None,
        }
    path = next((p for p in catalog.api_paths if p.id == plan.api_path), None)
    return {
        "verified": bool(path and path.verified),
        "experience_months": None,
        "note": None,
    }
