"""Kept plans read: the team's members in order, a page of them with their plans, and the sums
a team's plan is made of.

The rows (member_plans, member_exams) are written by kept_plans.py and read here by named
queries. A team's totals, cohorts and budget are summed by the database (GROUP BY), so that
showing a team costs its number of cohorts, not of members.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select

from ..extensions import db
from .db import chunks
from .models import ACTIVE, ERROR, Member, MemberExam, MemberPlan, Progress


def database_key() -> str:
    """Which database this is (its URL without a password): for whoever keeps sums of it."""
    return db.engine.url.render_as_string(hide_password=True)


# --- members in team order --------------------------------------------------------------------


def next_position(team_id: int) -> int:
    """The position after the team's last member."""
    last = db.session.scalar(select(func.max(Member.position)).where(Member.team_id == team_id))
    return 0 if last is None else last + 1


def members_before(member: Member) -> int:
    """How many of the team's members come before `member` (its place, counted from 0)."""
    before = or_(
        Member.position < member.position,
        and_(Member.position == member.position, Member.id < member.id),
    )
    query = select(func.count()).where(Member.team_id == member.team_id, before)
    return int(db.session.scalar(query) or 0)


def member_count(team_id: int) -> int:
    """How many members the team has."""
    return int(db.session.scalar(select(func.count()).where(Member.team_id == team_id)) or 0)


# --- a page of members ------------------------------------------------------------------------


def _members_where(
    team_id: int, search: str | None, behind_on: date | None
) -> Select[Member, MemberPlan]:
    query = (
        select(Member, MemberPlan)
        .join(MemberPlan, MemberPlan.member_id == Member.id)
        .where(Member.team_id == team_id)
    )
    if search:
        escaped = search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        query = query.where(Member.name.ilike(f"%{escaped}%", escape="\\"))
    if behind_on is not None:
        query = query.where(MemberPlan.state == ACTIVE, MemberPlan.due_on < behind_on)
    return query


def member_page(
    team_id: int,
    offset: int,
    limit: int,
    search: str | None = None,
    behind_on: date | None = None,
    total: int | None = None,
) -> tuple[int, list[tuple[Member, MemberPlan]]]:
    """How many members match (`total` if known), and `limit` of them from `offset` in team
    order, with their plans.

    `search`: names containing it (any case); `behind_on`: only those behind on that day.
    """
    query = _members_where(team_id, search, behind_on)
    if total is None and (search or behind_on is not None):
        total = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    elif total is None:
        total = member_count(team_id)
    rows = db.session.execute(
        query.order_by(Member.position, Member.id).offset(offset).limit(limit)
    ).all()
    return int(total), [(member, plan) for member, plan in rows]


def member_plan(member_id: int) -> MemberPlan | None:
    """A member's kept plan, if any."""
    return db.session.get(MemberPlan, member_id, populate_existing=True)


def progress_of(member_ids: list[int]) -> dict[int, list[Progress]]:
    """The progress of these members, each's in date order."""
    found: dict[int, list[Progress]] = {i: [] for i in member_ids}
    for chunk in chunks(member_ids):
        query = (
            select(Progress)
            .where(Progress.member_id.in_(chunk))
            .order_by(Progress.date, Progress.id)
        )
        for entry in db.session.scalars(query):
            found[entry.member_id].append(entry)
    return found


def all_members(team_id: int, size: int = 1000) -> Iterator[list[tuple[Member, MemberPlan]]]:
    """Every member with their kept plan, in team order, `size` at a time (for downloads)."""
    query = (
        select(Member, MemberPlan)
        .join(MemberPlan, MemberPlan.member_id == Member.id)
        .where(Member.team_id == team_id)
        .order_by(Member.position, Member.id)
        .execution_options(yield_per=size)
    )
    for partition in db.session.execute(query).partitions():
        yield [(member, plan) for member, plan in partition]


# --- the team's sums --------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanTotals:
    """member_plans summed for a team."""

    people: int
    planned: int
    hours_low: int
    hours_high: int
    unverified: int  # planned members whose fees are not all verified
    routes: dict[str | None, int]  # planned members per planned route


def plan_totals(team_id: int) -> PlanTotals:
    """The team's member_plans summed: people, planned, study hours, verified fees, routes."""
    planned = MemberPlan.state != ERROR
    row = db.session.execute(
        select(
            func.count(),
            func.coalesce(func.sum(case((planned, 1), else_=0)), 0),
            func.coalesce(func.sum(case((planned, MemberPlan.study_low), else_=0)), 0),
            func.coalesce(func.sum(case((planned, MemberPlan.study_high), else_=0)), 0),
            func.coalesce(
                func.sum(case((and_(planned, MemberPlan.cost_verified.is_(False)), 1), else_=0)),
                0,
            ),
        ).where(MemberPlan.team_id == team_id)
    ).one()
    routes = db.session.execute(
        select(MemberPlan.route, func.count())
        .where(MemberPlan.team_id == team_id, planned)
        .group_by(MemberPlan.route)
    ).all()
    people, planned_count, low, high, unverified = (int(value) for value in row)
    return PlanTotals(
        people, planned_count, low, high, unverified, {route: int(n) for route, n in routes}
    )


@dataclass(frozen=True)
class CohortRow:
    """A cohort summed: a course in a window, how many sit it, when study starts, fees."""

    window_start: date
    window_end: date
    code: str
    people: int
    study_starts: date
    cents: int


def cohorts(team_id: int) -> list[CohortRow]:
    """The team's cohorts: its kept exams grouped by window and course."""
    rows = db.session.execute(
        select(
            MemberExam.window_start,
            MemberExam.window_end,
            MemberExam.code,
            func.count(),
            func.min(MemberExam.study_starts),
            func.sum(MemberExam.cents),
        )
        .where(MemberExam.team_id == team_id)
        .group_by(MemberExam.window_start, MemberExam.window_end, MemberExam.code)
    )
    return [
        CohortRow(ws, we, code, int(n), study, int(cents)) for ws, we, code, n, study, cents in rows
    ]


def cohort_members(
    team_id: int, member_ids: Iterable[int] | None = None
) -> dict[tuple[date, str], list[tuple[str, int]]]:
    """Who sits each cohort, (name, position) in team order: all, or these members only."""
    query = (
        select(MemberExam.window_start, MemberExam.code, Member.name, Member.position)
        .join(Member, Member.id == MemberExam.member_id)
        .order_by(Member.position, Member.id)
    )
    ids = None if member_ids is None else list(member_ids)
    found: dict[tuple[date, str], list[tuple[str, int]]] = {}
    # Some members: found by their ids alone (the team's id would lead to all its exams).
    wheres = (
        [MemberExam.team_id == team_id]
        if ids is None
        else [MemberExam.member_id.in_(chunk) for chunk in chunks(ids)]
    )
    for where in wheres:
        for window_start, code, name, position in db.session.execute(query.where(where)):
            found.setdefault((window_start, code), []).append((name, position))
    return found


def numbered(team_id: int, errors: bool, first: int) -> tuple[int, list[int]]:
    """How many members are not planned (errors) or planned with warnings, and the first
    `first` positions of them."""
    condition = MemberPlan.state == ERROR if errors else MemberPlan.has_warnings.is_(True)
    where = (MemberPlan.team_id == team_id, condition)
    count = db.session.scalar(select(func.count()).select_from(MemberPlan).where(*where)) or 0
    positions = db.session.scalars(
        select(Member.position)
        .join(MemberPlan, MemberPlan.member_id == Member.id)
        .where(*where)
        .order_by(Member.position, Member.id)
        .limit(first)
    )
    return int(count), list(positions)


def behind_count(team_id: int, on: date) -> int:
    """How many members are behind on `on`."""
    query = select(func.count()).where(
        MemberPlan.team_id == team_id, MemberPlan.state == ACTIVE, MemberPlan.due_on < on
    )
    return int(db.session.scalar(query) or 0)


# --- rules changes ----------------------------------------------------------------------------


def changed_routes(team_id: int, limit: int | None = None) -> tuple[int, list[Any]]:
    """Members whose route the rules now decide differs from the one they were shown: how many,
    and (member id, name, shown route, its rule, decided route, rule) for each (the first
    `limit`)."""
    where = (
        Member.team_id == team_id,
        MemberPlan.decided_rule.is_not(None),
        MemberPlan.decided_route.is_distinct_from(Member.shown_route),
    )
    joined = select(Member).join(MemberPlan, MemberPlan.member_id == Member.id).where(*where)
    count = db.session.scalar(select(func.count()).select_from(joined.subquery())) or 0
    query = (
        select(
            Member.id,
            Member.name,
            Member.shown_route,
            Member.shown_rule,
            MemberPlan.decided_route,
            MemberPlan.decided_rule,
        )
        .join(MemberPlan, MemberPlan.member_id == Member.id)
        .where(*where)
        .order_by(Member.position, Member.id)
        .limit(limit)
    )
    return int(count), list(db.session.execute(query).all())


def behind_members(team_id: int, on: date, limit: int) -> list[tuple[int, str]]:
    """The first `limit` members behind on `on` (id, name), the longest overdue first."""
    query = (
        select(Member.id, Member.name)
        .join(MemberPlan, MemberPlan.member_id == Member.id)
        .where(MemberPlan.team_id == team_id, MemberPlan.state == ACTIVE, MemberPlan.due_on < on)
        .order_by(MemberPlan.due_on, Member.position, Member.id)
        .limit(limit)
    )
    return [(row[0], row[1]) for row in db.session.execute(query)]


def team_seats(team_id: int) -> list[tuple[Any, ...]]:
    """Every kept exam of the team, as a cohort's seat: (member position, name, code, window
    start, window end, ready, access ends, study starts, cents, the member's route), in team
    order."""
    query = (
        select(
            Member.position,
            Member.name,
            MemberExam.code,
            MemberExam.window_start,
            MemberExam.window_end,
            MemberExam.ready,
            MemberExam.access_ends,
            MemberExam.study_starts,
            MemberExam.cents,
            MemberPlan.route,
        )
        .join(Member, Member.id == MemberExam.member_id)
        .join(MemberPlan, MemberPlan.member_id == MemberExam.member_id)
        .where(MemberExam.team_id == team_id)
        .order_by(Member.position, Member.id, MemberExam.seq)
    )
    return [tuple(row) for row in db.session.execute(query)]
