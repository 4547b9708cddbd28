"""Keeping members' plans: which members to plan, and their kept rows replaced.

The rows (member_plans, member_exams) are derived data written by the one use-case that
re-plans (recommender.saved_teams.plans) through this module, and read by plan_queries.py;
what a plan is, is decided above the store.

Writers of a team's kept rows take turns: `lock_team` (a write to the team's row, which
PostgreSQL locks until the commit and SQLite takes its one writer's lock for) before any
delete and insert, as every change to a team does (store.teams.change raises the version
first).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, delete, func, insert, or_, select, update
from sqlalchemy.orm import selectinload

from ..extensions import db
from .db import chunks
from .models import Member, MemberExam, MemberPlan, Team
from .plan_queries import member_count


@dataclass(frozen=True)
class KeptPlan:
    """What to keep of one member's plan: member_plans' columns and member_exams' rows."""

    member_id: int
    columns: dict[str, Any]  # MemberPlan's columns but member_id and team_id
    exams: list[dict[str, Any]]  # MemberExam's columns but member_id, seq and team_id


def lock_team(team_id: int, version: int | None = None) -> bool:
    """Take the team's write turn until the commit (False: its version is no longer `version`)."""
    condition = Team.id == team_id
    if version is not None:
        condition = and_(condition, Team.version == version)
    done = db.session.execute(
        update(Team).where(condition).values(id=Team.id),
        execution_options={"synchronize_session": False},
    )
    return bool(done.rowcount)  # type: ignore[attr-defined]


def write_plans(team_id: int, plans: list[KeptPlan]) -> None:
    """Replace these members' kept rows, in the transaction under way (after lock_team)."""
    ids = [plan.member_id for plan in plans]
    for chunk in chunks(ids):
        db.session.execute(delete(MemberExam).where(MemberExam.member_id.in_(chunk)))
        db.session.execute(delete(MemberPlan).where(MemberPlan.member_id.in_(chunk)))
    if not plans:
        return
    db.session.execute(
        insert(MemberPlan),
        [{**plan.columns, "member_id": plan.member_id, "team_id": team_id} for plan in plans],
    )
    exams = [
        {**exam, "member_id": plan.member_id, "seq": seq, "team_id": team_id}
        for plan in plans
        for seq, exam in enumerate(plan.exams)
    ]
    if exams:
        db.session.execute(insert(MemberExam), exams)


def replace_plans(
    team_id: int, ids: list[int], plan: Callable[[list[Member]], list[KeptPlan]]
) -> None:
    """Re-plan these members in one transaction: the team's write turn first, then the members
    read afresh (progress loaded), `plan` of them, and their kept rows replaced."""
    try:
        lock_team(team_id)
        write_plans(team_id, plan(members_with_progress(ids)))
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def show_decided_routes(team_id: int) -> None:
    """Each member is shown the route the rules decide now (in the transaction under way)."""
    plan = select(MemberPlan).where(MemberPlan.member_id == Member.id)
    db.session.execute(
        update(Member)
        .where(Member.team_id == team_id, plan.exists())
        .values(
            shown_route=plan.with_only_columns(MemberPlan.decided_route).scalar_subquery(),
            shown_rule=plan.with_only_columns(MemberPlan.decided_rule).scalar_subquery(),
        )
        .execution_options(synchronize_session=False)
    )


# --- which members to plan --------------------------------------------------------------------


def stale_member_ids(
    team_id: int, rules_version: str, fresh_from: date, fresh_to: date
) -> list[int]:
    """Members with no kept plan, or one under other rules or planned outside [from, to)."""
    fresh = select(func.count()).where(
        MemberPlan.team_id == team_id,
        MemberPlan.rules_version == rules_version,
        MemberPlan.planned_on >= fresh_from,
        MemberPlan.planned_on < fresh_to,
    )
    if db.session.scalar(fresh) == member_count(team_id):  # two counts from indexes: the rule
        return []
    kept = MemberPlan.member_id == Member.id
    query = (
        select(Member.id)
        .outerjoin(MemberPlan, kept)
        .where(
            Member.team_id == team_id,
            or_(
                MemberPlan.member_id.is_(None),
                MemberPlan.rules_version != rules_version,
                MemberPlan.planned_on < fresh_from,
                MemberPlan.planned_on >= fresh_to,
            ),
        )
        .order_by(Member.position, Member.id)
    )
    return list(db.session.scalars(query))


def team_ids_with_members() -> list[int]:
    """Every team that has a member, oldest first."""
    return list(db.session.scalars(select(Team.id).where(Team.members.any()).order_by(Team.id)))


def members_with_progress(ids: list[int]) -> list[Member]:
    """These members as stored now (read afresh), their progress loaded, in team order."""
    found: list[Member] = []
    for chunk in chunks(ids):
        found.extend(
            db.session.scalars(
                select(Member)
                .where(Member.id.in_(chunk))
                .options(selectinload(Member.progress))
                .execution_options(populate_existing=True)
            )
        )
    return sorted(found, key=lambda m: (m.position, m.id))


def member_ids(team_id: int) -> list[int]:
    """The ids of the team's members, in team order."""
    query = select(Member.id).where(Member.team_id == team_id)
    return list(db.session.scalars(query.order_by(Member.position, Member.id)))
