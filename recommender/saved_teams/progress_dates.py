"""Progress dates: within the catalog's planning horizon, and a pass or a failure not after today.

A record is checked as it is recorded (check_progress_date, a 422 naming `date`). One stored
before that check existed, or imported, may still be outside: the planner plans no retake of a
failure dated there (year 9999's next window is in no calendar), and the member shows a
warning naming it instead (unplannable), so that one record never takes the team's plan down.
"""

from __future__ import annotations

from datetime import date

from ..catalog import Catalog
from ..store.errors import Invalid
from ..store.models import Member, Progress

DONE = ("passed", "failed")  # what has happened: never after today


def date_problem(catalog: Catalog, status: str, on: date, today: date) -> str | None:
    """What is wrong with a progress record's date, in words; None if nothing."""
    horizon = catalog.planning_horizon
    earliest, latest = horizon.earliest(today), horizon.latest(today)
    if status in DONE and on > today:
        return (
            f"A course {status} cannot be dated after today ({today.isoformat()}): give the day "
            "of the exam, or record it as scheduled."
        )
    if not earliest <= on <= latest:
        return (
            f"Give a date from {earliest.isoformat()} to {latest.isoformat()} (the planning "
            f"horizon: {horizon.years_back} years back, {horizon.years_ahead} ahead)."
        )
    return None


def check_progress_date(catalog: Catalog, status: str, on: date, today: date | None = None) -> None:
    """Invalid, naming `date`, unless a record of `status` may be dated `on`."""
    problem = date_problem(catalog, status, on, today or date.today())
    if problem:
        raise Invalid(f"The date is not valid: {problem}", {"date": [problem]})


def unplannable(catalog: Catalog, member: Member, today: date) -> list[Progress]:
    """The member's stored failures the planner cannot plan: dated outside the horizon."""
    return [
        p
        for p in member.progress
        if p.status == "failed" and date_problem(catalog, p.status, p.date, today)
    ]


def unplanned_warning(record: Progress) -> str:
    """The warning a member shows for a stored record that is not planned."""
    return (
        f"{record.course} {record.status} on {record.date.isoformat()}: that date is outside the "
        "planning horizon, so no retake is planned for it; correct the record's date."
    )
