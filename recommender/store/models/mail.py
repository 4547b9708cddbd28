"""Mail: the outbox (each mail stored with the change that causes it), reminders sent once, and
the addresses that unsubscribed."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column
from sqlalchemy.types import Text

from ...extensions import db
from ..db import utcnow

MAIL_STATUSES = ("queued", "sending", "sent", "failed")


class OutboxMail(db.Model):  # type: ignore[name-defined]
    """A mail to send: stored with the change that causes it, sent after (recommender.mail).

    Its bodies hold one-time links: they are emptied once the mail is sent.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))  # invitation, password_reset, ...
    recipient: Mapped[str] = mapped_column(String(254))  # one recipient per mail
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(1000))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    # While "sending": the time after which another sender may take the mail over (a sender
    # that died); a mail whose link has expired by then is not sent.
    lease_until: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    sent_at: Mapped[datetime | None]
    # Where a recipient unsubscribes in one click (List-Unsubscribe): reminders and requests.
    unsubscribe_url: Mapped[str | None] = mapped_column(String(1000))


class Reminder(db.Model):  # type: ignore[name-defined]
    """A reminder sent (or to be sent): its key says who, what and which window, once only.

    Stored before its mail is queued, in one transaction with it: a second run, or a run on
    another server at once, meets the key and sends nothing (recommender.reminders).
    """

    __tablename__ = "reminders"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(300), unique=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient: Mapped[str] = mapped_column(String(254))
    due_on: Mapped[date]  # the day the run that made it acted on (--today)
    outbox_id: Mapped[int | None]  # its mail (no foreign key: the outbox may be pruned)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Unsubscribe(db.Model):  # type: ignore[name-defined]
    """An address that wants no more reminders or request mails (a one-click unsubscribe)."""

    __tablename__ = "unsubscribes"

    email: Mapped[str] = mapped_column(String(254), primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
