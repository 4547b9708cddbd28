"""The team's exam budget: fees by testing window, calendar quarter and fiscal year."""

# Every sum is of whole cents, so each breakdown adds up to the total exactly; amounts are
# turned into currency units only on the way out.

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from .schedule import Cohorts


def buy_by(window_start: date) -> date:
    """The last day to buy an exam for the early-purchase discount: before its window opens."""
    return window_start - timedelta(days=1)


def quarter_of(day: date) -> str:
    """The calendar quarter of a day: '2027-Q2'."""
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def fiscal_year_of(day: date, start_month: int) -> tuple[str, date]:
    """The fiscal year a day falls in, named by the calendar year it ends in, and its start.

    With `start_month` 1 the fiscal year is the calendar year; with 7, FY2027 runs from
    July 2026 to June 2027.
    """
    begins = date(day.year if day.month >= start_month else day.year - 1, start_month, 1)
    ends_in = begins.year if start_month == 1 else begins.year + 1
    return f"FY{ends_in}", begins


def budget(cohorts: Cohorts, currency: str, fiscal_year_start: int = 1) -> dict[str, Any]:
    """The fees of every cohort summed by window, by quarter and by fiscal year."""
    windows: dict[date, int] = {}
    for (window_start, _code), seats in cohorts.items():
        windows[window_start] = windows.get(window_start, 0) + sum(s.cents for s in seats)
    return budget_of(windows, currency, fiscal_year_start)


def budget_of(
    windows: dict[date, int], currency: str, fiscal_year_start: int = 1
) -> dict[str, Any]:
    """The fees in cents per testing window (by its first day) summed by quarter and year too."""
    quarters: dict[str, list[Any]] = {}
    years: dict[str, list[Any]] = {}
    for window_start in sorted(windows):
        cents = windows[window_start]
        # A period's buy-by date is its first window's: buy by then to have every discount.
        quarter = quarters.setdefault(quarter_of(window_start), [0, buy_by(window_start)])
        quarter[0] += cents
        name, begins = fiscal_year_of(window_start, fiscal_year_start)
        year = years.setdefault(name, [0, buy_by(window_start), begins])
        year[0] += cents
    return {
        "currency": currency,
        "total": sum(windows.values()) / 100,
        "fiscal_year_start": fiscal_year_start,
        "by_window": [
            {
                "window_start": start.isoformat(),
                "buy_by": buy_by(start).isoformat(),
                "fees": windows[start] / 100,
            }
            for start in sorted(windows)
        ],
        "by_quarter": [
            {"quarter": name, "buy_by": first.isoformat(), "fees": cents / 100}
            for name, (cents, first) in quarters.items()
        ],
        "by_fiscal_year": [
            {
                "fiscal_year": name,
                "starts": begins.isoformat(),
                "buy_by": first.isoformat(),
                "fees": cents / 100,
            }
            for name, (cents, first, begins) in years.items()
        ],
    }
