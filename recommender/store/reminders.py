"""Reminders' rows: each reminder once (a unique key), unsubscribed addresses, what a run
reads (members with an address, their kept exams and results) (policy: recommender/reminders/)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from .db import utcnow
from .models import (
    ACTIVE,
    Member,
    MemberExam,
    MemberPlan,
    OutboxMail,
    Progress,
    Reminder,
    Team,
    Unsubscribe,
)


def claim(key: str, kind: str, recipient: str, due_on: date, outbox_id: int | None) -> bool:
    """Store the reminder `key` in the caller's transaction, unless it is stored already (on
    PostgreSQL, a run at the same time waits for the other's commit): whether it was new."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    statement = (
        insert(Reminder)
        .values(
            key=key,
            kind=kind,
            recipient=recipient,
            due_on=due_on,
            outbox_id=outbox_id,
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(Reminder.id)
    )
    return db.session.execute(statement).scalar() is not None


def known_keys(keys: Iterable[str]) -> set[str]:
    """Which of these keys are stored."""
    wanted = list(keys)
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(db.session.scalars(select(Reminder.key).where(Reminder.key.in_(chunk))))
    return found


def waiting_mail_ids() -> list[int]:
    """The outbox mails of reminders not sent yet (new ones and retries)."""
    query = (
        select(OutboxMail.id)
        .join(Reminder, Reminder.outbox_id == OutboxMail.id)
        .where(OutboxMail.status.in_(("queued", "sending")))
        .order_by(OutboxMail.id)
    )
    return list(db.session.scalars(query))


def unsubscribed(emails: Iterable[str]) -> set[str]:
    """Which of these addresses unsubscribed."""
    wanted = sorted(set(emails))
    found: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        found.update(
            db.session.scalars(select(Unsubscribe.email).where(Unsubscribe.email.in_(chunk)))
        )
    return found


def unsubscribe(email: str) -> None:
    """Add the address to the unsubscribed ones (once), committed."""
    if db.session.get(Unsubscribe, email) is None:
        db.session.add(Unsubscribe(email=email, at=utcnow()))
    db.session.commit()


def teams_with_addresses() -> list[Team]:
    """Teams that have a member with an e-mail, in id order."""
    with_address = select(Member.team_id).where(Member.email.is_not(None)).distinct()
    return list(db.session.scalars(select(Team).where(Team.id.in_(with_address)).order_by(Team.id)))


def all_teams() -> list[Team]:
    """Every team, in id order."""
    return list(db.session.scalars(select(Team).order_by(Team.id)))


def members_with_addresses(team_id: int) -> list[Member]:
    """The team's members that have an e-mail, in team order."""
    query = (
        select(Member)
        .where(Member.team_id == team_id, Member.email.is_not(None))
        .order_by(Member.position, Member.id)
    )
    return list(db.session.scalars(query))


def exams_of(team_id: int) -> list[MemberExam]:
    """Every kept planned exam of the team's members."""
    query = select(MemberExam).where(MemberExam.team_id == team_id)
    return list(db.session.scalars(query.order_by(MemberExam.member_id, MemberExam.seq)))


def results_of(team_id: int) -> list[Progress]:
    """Every passed or failed attempt of the team's members."""
    query = (
        select(Progress)
        .join(Member, Member.id == Progress.member_id)
        .where(Member.team_id == team_id, Progress.status.in_(("passed", "failed")))
    )
    return list(db.session.scalars(query))


def behind_names(team_id: int, on: date, limit: int = 50) -> list[str]:
    """The names of the team's members behind on `on` (past a first-plan exam date)."""
    query = (
        select(Member.name)
        .join(MemberPlan, MemberPlan.member_id == Member.id)
        .where(
            MemberPlan.team_id == team_id,
            MemberPlan.state == ACTIVE,
            MemberPlan.due_on < on,
        )
        .order_by(Member.position, Member.id)
        .limit(limit)
    )
    return list(db.session.scalars(query))
