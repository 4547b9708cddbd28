"""What is due on a day: pure functions of a member's planned exams and results.

A member with an e-mail is reminded, for each planned exam (its code and testing window):

- `buy_by`: from 14 days before the last day to buy it for the early-purchase saving (the
  day before its window opens) to that day;
- `opens`: once its window has opened, until it closes;
- `closing`: from 14 days before its window closes, until it closes, when no result (passed
  or failed) is recorded for it in that window.

Each is due over a span of days, not on one day, so that a run missed (a server down on the
day) still sends it the next day; its key (who, what, which window) makes it go once.
A manager's digest is keyed by team and ISO week: at most one a week per team.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from ..team.budget import buy_by

AHEAD = timedelta(days=14)
KINDS = ("buy_by", "opens", "closing")


@dataclass(frozen=True)
class Exam:
    """A planned exam of a member, as the kept plan holds it."""

    member_id: int
    code: str
    window_start: date
    window_end: date
    cents: int


@dataclass(frozen=True)
class Due:
    """A reminder due: its kind, the member and the exam it is about."""

    kind: str
    exam: Exam

    @property
    def key(self) -> str:
        e = self.exam
        return f"{self.kind}:member {e.member_id}:{e.code}:{e.window_start.isoformat()}"


def due_on(
    today: date, exams: Iterable[Exam], results: Iterable[tuple[int, str, date]]
) -> list[Due]:
    """The reminders due on `today` for these exams; `results`: (member, course, date) of
    every pass or failure recorded."""
    recorded: dict[tuple[int, str], list[date]] = {}
    for member, code, day in results:
        recorded.setdefault((member, code), []).append(day)
    found: list[Due] = []
    for exam in exams:
        last_day = buy_by(exam.window_start)
        if last_day - AHEAD <= today <= last_day:
            found.append(Due("buy_by", exam))
        if exam.window_start <= today <= exam.window_end:
            found.append(Due("opens", exam))
            days = recorded.get((exam.member_id, exam.code), [])
            answered = any(exam.window_start <= d <= exam.window_end for d in days)
            if today >= exam.window_end - AHEAD and not answered:
                found.append(Due("closing", exam))
    return found


def week_of(day: date) -> str:
    """The ISO week a day is in: '2027-W03' (a digest's period)."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def digest_key(team_id: int, day: date) -> str:
    """The key of a team's digest in the week of `day`."""
    return f"digest:team {team_id}:{week_of(day)}"
