"""The outbox's rows: mails to send, claimed by one sender at a time (policy: recommender/mail/)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import ColumnElement, and_, func, or_, select, update

from ..extensions import db
from .models import OutboxMail


def add_mail(
    kind: str,
    recipient: str,
    subject: str,
    text: str,
    html: str,
    now: datetime,
    expires_at: datetime | None = None,
) -> OutboxMail:
    """Add a queued mail to the session (committed with the change that causes it)."""
    mail = OutboxMail(
        kind=kind,
        recipient=recipient,
        subject=subject,
        text_body=text,
        html_body=html,
        status="queued",
        attempts=0,
        created_at=now,
        next_attempt_at=now,
        expires_at=expires_at,
    )
    db.session.add(mail)
    db.session.flush()  # its id, for the sender after the response
    return mail


def _due(now: datetime, leased_at: datetime | None) -> ColumnElement[bool]:
    # A lease held by another sender ends by `leased_at`'s clock (default: `now`'s).
    return or_(
        and_(OutboxMail.status == "queued", OutboxMail.next_attempt_at <= now),
        and_(OutboxMail.status == "sending", OutboxMail.lease_until < (leased_at or now)),
    )


def due_ids(
    now: datetime,
    ids: Sequence[int] | None = None,
    limit: int = 1000,
    leased_at: datetime | None = None,
) -> list[int]:
    """The mails due to be sent now (of `ids`, if given), oldest first."""
    due = _due(now, leased_at)
    query = select(OutboxMail.id).where(due).order_by(OutboxMail.id).limit(limit)
    if ids is not None:
        query = query.where(OutboxMail.id.in_(ids))
    return list(db.session.scalars(query))


def claim(
    mail_id: int, now: datetime, lease_until: datetime, leased_at: datetime | None = None
) -> OutboxMail | None:
    """Take a due mail for sending, one attempt more, committed; None if another sender has
    it, it was sent, or it is not due."""
    taken = db.session.execute(
        update(OutboxMail)
        .where(OutboxMail.id == mail_id, _due(now, leased_at))
        .values(status="sending", lease_until=lease_until, attempts=OutboxMail.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    if taken.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return db.session.get(OutboxMail, mail_id, populate_existing=True)


def mark_sent(mail: OutboxMail, now: datetime) -> None:
    """The mail went: its bodies (one-time links) are emptied, committed."""
    mail.status = "sent"
    mail.sent_at = now
    mail.lease_until = None
    mail.last_error = None
    mail.text_body = ""
    mail.html_body = ""
    db.session.commit()


def mark_failed(mail: OutboxMail, error: str, retry_at: datetime | None) -> None:
    """The attempt failed: queued again for `retry_at`, or failed for good (None), committed."""
    mail.status = "queued" if retry_at is not None else "failed"
    mail.last_error = error[:1000]
    mail.lease_until = None
    if retry_at is not None:
        mail.next_attempt_at = retry_at
    db.session.commit()


def status_counts() -> dict[str, int]:
    """How many mails are in each status."""
    rows = db.session.execute(select(OutboxMail.status, func.count()).group_by(OutboxMail.status))
    return {status: count for status, count in rows}


def troubled_mails(limit: int = 50) -> list[OutboxMail]:
    """The latest mails that failed for good or whose last attempt failed, newest first."""
    query = (
        select(OutboxMail)
        .where(
            or_(
                OutboxMail.status == "failed",
                and_(OutboxMail.status == "queued", OutboxMail.last_error.is_not(None)),
            )
        )
        .order_by(OutboxMail.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def oldest_waiting() -> datetime | None:
    """When the oldest mail still waiting to be sent was queued, or None."""
    return db.session.scalar(
        select(func.min(OutboxMail.created_at)).where(OutboxMail.status.in_(("queued", "sending")))
    )


def mail_by_id(mail_id: int) -> OutboxMail | None:
    """The mail with this id, or None."""
    return db.session.get(OutboxMail, mail_id)
