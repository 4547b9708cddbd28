"""Accounts: users and their API tokens, failed logins, one-time links (invitations, password
resets), the audit log and rate counts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ..db import utcnow

if TYPE_CHECKING:
    from .teams import Team

ROLES = ("manager", "adviser", "admin")
LINK_PURPOSES = ("invitation", "password_reset")


class User(db.Model):  # type: ignore[name-defined]
    """An account. Its last four members are what Flask-Login asks of a signed-in user, written
    out so that the store needs nothing of the sign-in layer (accounts.users loads a user)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str | None] = mapped_column(String(255))  # None: tokens only
    last_sign_in_at: Mapped[datetime | None]  # accounts.signins; shown to admins
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Every session carries the generation it was made in (get_id); raising it ends them all
    # (logout, a new password, deactivation: accounts.users.end_sessions).
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # A deactivated user can neither log in nor use a session or an API token made before.
    active: Mapped[bool] = mapped_column(default=True, server_default=true())

    teams: Mapped[list[Team]] = relationship(back_populates="owner", cascade="all, delete-orphan")
    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )

    is_authenticated = True
    is_anonymous = False

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        """What a session keeps of its user: the id and the session generation ("3:0")."""
        return f"{self.id}:{self.session_generation}"


class ApiToken(db.Model):  # type: ignore[name-defined]
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # SHA-256, hex
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    prefix: Mapped[str | None] = mapped_column(String(16))  # shown by `tokens list`; None: older

    user: Mapped[User] = relationship(back_populates="tokens")


class LoginFailure(db.Model):  # type: ignore[name-defined]
    """Failed logins in a row, per account and per address: in the database, so that every
    app server counts the same ones."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)


class OneTimeLink(db.Model):  # type: ignore[name-defined]
    """An invitation or a password reset: a secret link, stored as its SHA-256, used once."""

    __tablename__ = "one_time_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(20))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]  # or made void by a newer link, a deactivation

    user: Mapped[User] = relationship()


class AuditEntry(db.Model):  # type: ignore[name-defined]
    """One account event (or any event a feature records): who did what to whom, from where.

    People are kept as their addresses, not as foreign keys, so an entry outlives its users.
    """

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(300), index=True)
    action: Mapped[str] = mapped_column(String(40), index=True)
    subject: Mapped[str] = mapped_column(String(300), index=True)
    detail: Mapped[str] = mapped_column(String(1000), default="")
    address: Mapped[str | None] = mapped_column(String(64))  # the client's IP address


class RateCount(db.Model):  # type: ignore[name-defined]
    """Requests counted per key in a fixed window (accounts.limits): in the database, so that
    every app server counts the same ones."""

    __tablename__ = "rate_counts"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    window_start: Mapped[datetime] = mapped_column(default=utcnow)
    count: Mapped[int] = mapped_column(default=0)
