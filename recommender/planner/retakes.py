"""Retakes: the next possible window and price of a failed exam, counting every attempt."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..catalog import Catalog, Discount
from .costs import before_window_only, best_discount, discount_options
from .dates import exam_windows


def _window_of(catalog: Catalog, day: date) -> tuple[date, date]:
    """The testing window holding `day`, or else the last one that started before it."""
    found: tuple[date, date] | None = None
    for window in exam_windows(catalog, date(day.year - 1, 1, 1)):
        if window[0] > day:
            break
        found = window
    assert found is not None  # a window of the year before always started before `day`
    return found


def _months_between(first: date, later: date) -> int:
    return (later.year - first.year) * 12 + later.month - first.month


def plan_retake(
    code: str,
    failed_on: date,
    catalog: Catalog,
    discounts: tuple[str, ...] = (),
    *,
    retakes_in_window: int = 0,
    access_ends: date | None = None,
) -> dict[str, Any]:
    """Plan the retake of an exam failed on `failed_on` (docs/policy.md, "Discounts and
    retakes").

    The retake goes to the next possible window: the failed exam's own window when the
    failure is before its last day and fewer than the catalog's `per_window` retakes have
    been taken in it (`retakes_in_window`), else the next one. A same-window retake gets the
    catalog's retake discount; that and the person's own discounts are never stacked: the
    single best applies (discounts for exams bought before their window cannot apply to a
    window already open). A retake does not count toward the per-window exam limit. The
    answer says what the retake adds: `added_months` (from the failed window's end to the
    retake's) and `added_fees` (the retake's fee after its discount).
    """
    rules = catalog.exams.retakes
    course = catalog.courses[code]
    failed_start, failed_end = _window_of(catalog, failed_on)
    same = failed_start <= failed_on < failed_end and retakes_in_window < rules.per_window
    if same:
        window_start, window_end = failed_start, failed_end
    else:
        window_start, window_end = next(
            w for w in exam_windows(catalog, failed_on) if w[0] > failed_on
        )
    options = discount_options(catalog, discounts)
    if same:  # bought in a window already open: no discount for buying before it opens
        options = before_window_only(options)
    if same and rules.same_window_amount_off:
        retake = Discount(
            id="same_window_retake",
            name="Same-window retake",
            description="A retake in the same window as the failed exam.",
            source=rules.source,
            verified=rules.verified,
            amount_off=rules.same_window_amount_off,
        )
        options.append((retake,))
    amount, applied = best_discount(course.exam_fee, options)
    amount = round(amount, 2)
    return {
        "code": code,
        "failed_on": failed_on.isoformat(),
        "window_start": window_start.isoformat(),
        "window_end": window_end.isoformat(),
        "same_window": same,
        "fee": course.exam_fee,
        "amount": amount,
        "discount": applied,
        "added_fees": amount,
        "added_months": _months_between(failed_end, window_end),
        "counts_toward_limit": rules.count_toward_limit,
        "access_ok": access_ends is None or window_start <= access_ends,
        "verified": rules.verified and course.fee_verified,
    }


ATTEMPT_RESULTS = ("passed", "failed")


@dataclass(frozen=True)
class Attempt:
    """One sitting of a course's exam: the course, the day and the result."""

    course: str
    on: date
    result: str  # "passed" or "failed"; anything else (a scheduled exam) is no sitting


def retake_count(attempts: Iterable[Attempt], catalog: Catalog) -> tuple[date, int] | None:
    """One course's sittings counted for its next retake (docs/policy.md, "Retakes").

    None when its last sitting passed (or there is none); else the day of the last failure
    and how many retakes its window has had already: every sitting in that window but the
    course's very first one is a retake. With the catalog's one retake per window, a second
    failure in one window is retaken in the next window, at full price.
    """
    sittings = sorted((a for a in attempts if a.result in ATTEMPT_RESULTS), key=lambda a: a.on)
    if not sittings or sittings[-1].result != "failed":
        return None
    last = sittings[-1].on
    opens, closes = _window_of(catalog, last)
    retakes = sum(1 for a in sittings[1:] if opens <= a.on <= closes)
    return last, retakes


def plan_retakes(
    attempts: Iterable[Attempt],
    catalog: Catalog,
    discounts: tuple[str, ...] = (),
    access_ends: Mapping[str, date] | None = None,
) -> list[dict[str, Any]]:
    """The next retake of every course whose last sitting failed, counting every attempt.

    Each is plan_retake's answer for the course's last failure, with the retakes its window
    has had already, plus `attempts` (the course's sittings) and `failures`; in the order of
    the courses' first sittings.
    """
    by_course: dict[str, list[Attempt]] = {}
    for attempt in sorted(attempts, key=lambda a: a.on):
        by_course.setdefault(attempt.course, []).append(attempt)
    out = []
    for code, tried in by_course.items():
        counted = retake_count(tried, catalog)
        if counted is None:
            continue
        failed_on, retakes = counted
        retake = plan_retake(
            code,
            failed_on,
            catalog,
            discounts,
            retakes_in_window=retakes,
            access_ends=(access_ends or {}).get(code),
        )
        sittings = [a for a in tried if a.result in ATTEMPT_RESULTS]
        retake["attempts"] = len(sittings)
        retake["failures"] = sum(a.result == "failed" for a in sittings)
        out.append(retake)
    return out
