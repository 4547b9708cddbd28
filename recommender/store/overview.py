"""The overview's sums over many teams, in SQL: members by state, and exam fees by window.

Read from the kept plans (member_plans, member_exams) of the teams asked for, grouped by team:
a few queries whatever the number of teams or members, each answered from an index.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, select

from ..extensions import db
from .db import chunks
from .models import ACTIVE, COMPLETED, ERROR, MemberExam, MemberPlan


@dataclass(frozen=True)
class StateCounts:
    """A team's members by where they stand on a day."""

    people: int
    on_track: int
    behind: int
    earned: int  # completed: every designation of their route earned
    not_planned: int


@dataclass(frozen=True)
class WindowFees:
    """A team's planned exams in one testing window."""

    window_start: date
    window_end: date
    exams: int
    cents: int


def state_counts(team_ids: list[int], on: date) -> dict[int, StateCounts]:
    """Each team's members on `on`: how many, on track, behind, earned, not planned."""
    behind = and_(MemberPlan.state == ACTIVE, MemberPlan.due_on < on)

    def total(condition: Any) -> Any:
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    found: dict[int, StateCounts] = {}
    for chunk in chunks(team_ids):
        rows = db.session.execute(
            select(
                MemberPlan.team_id,
                func.count(),
                total(behind),
                total(MemberPlan.state == COMPLETED),
                total(MemberPlan.state == ERROR),
            )
            .where(MemberPlan.team_id.in_(chunk))
            .group_by(MemberPlan.team_id)
        )
        for team_id, people, late, earned, bad in rows:
            people, late, earned, bad = int(people), int(late), int(earned), int(bad)
            found[team_id] = StateCounts(people, people - late - earned - bad, late, earned, bad)
    return {i: found.get(i, StateCounts(0, 0, 0, 0, 0)) for i in team_ids}


def fees_by_window(team_ids: list[int]) -> dict[int, list[WindowFees]]:
    """Each team's planned exams and their fees by testing window, in window order."""
    found: dict[int, list[WindowFees]] = {i: [] for i in team_ids}
    for chunk in chunks(team_ids):
        rows = db.session.execute(
            select(
                MemberExam.team_id,
                MemberExam.window_start,
                MemberExam.window_end,
                func.count(),
                func.sum(MemberExam.cents),
            )
            .where(MemberExam.team_id.in_(chunk))
            .group_by(MemberExam.team_id, MemberExam.window_start, MemberExam.window_end)
            .order_by(MemberExam.team_id, MemberExam.window_start)
        )
        for team_id, start, end, exams, cents in rows:
            found[team_id].append(WindowFees(start, end, int(exams), int(cents or 0)))
    return found
