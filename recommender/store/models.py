"""The stored data: users and their API tokens, teams, members, progress and history; and each
member's kept plan (member_plans, member_exams): derived data, rebuilt from the rest."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String, true
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.types import Text

from ..extensions import db
from .db import utcnow

ROLES = ("manager", "adviser", "admin")
STATUSES = ("passed", "failed", "scheduled")


def _owned(parent: str, order_by: str) -> Any:
    """A parent's rows in order, deleted with it (by the database's ON DELETE CASCADE too)."""
    return relationship(
        back_populates=parent,
        cascade="all, delete-orphan",
        order_by=order_by,
        passive_deletes=True,
    )


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


class Team(db.Model):  # type: ignore[name-defined]
    __tablename__ = "teams"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    # Raised by every change to the team or its members (store.teams.change), sent as the ETag.
    # SQLAlchemy's version counter makes each UPDATE match the version read: a stale one
    # matches no row and fails. Raised by the code (no generator), so an import keeps it.
    version: Mapped[int] = mapped_column(default=1)
    rules_version: Mapped[str | None] = mapped_column(String(100))  # last shown under
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    owner: Mapped[User] = relationship(back_populates="teams")
    members: Mapped[list[Member]] = _owned("team", "Member.position, Member.id")
    history: Mapped[list[Event]] = _owned("team", "Event.id")
    # How the team is planned, as /team's form: {"align": bool, "fiscal_year_start": 1..12}.
    settings: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}


class Member(db.Model):  # type: ignore[name-defined]
    __tablename__ = "members"
    # A page of a team's members, in team order, without sorting them all.
    __table_args__ = (Index("ix_members_team_id_position", "team_id", "position", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)  # roster order
    name: Mapped[str] = mapped_column(String(200))
    profile: Mapped[dict[str, Any]] = mapped_column(JSON)  # the roster's profile fields
    # The route and deciding rule last shown, under Team.rules_version: what a rules change
    # is compared with.
    shown_route: Mapped[str | None] = mapped_column(String(32))
    shown_rule: Mapped[str | None] = mapped_column(String(100))
    link_hash: Mapped[str | None] = mapped_column(String(64), unique=True)  # private link
    # The roster's columns not used for planning (team, manager, ...): shown and exported.
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    email: Mapped[str | None] = mapped_column(String(254))  # reminders go here (requests)

    team: Mapped[Team] = relationship(back_populates="members")
    progress: Mapped[list[Progress]] = _owned("member", "Progress.date, Progress.id")


class Progress(db.Model):  # type: ignore[name-defined]
    """One attempt at a course: passed, failed or scheduled, on a date (every attempt kept)."""

    __tablename__ = "progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"), index=True)
    course: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    date: Mapped[date]
    recorded_by: Mapped[str] = mapped_column(String(300))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)

    member: Mapped[Member] = relationship(back_populates="progress")


class MemberPlan(db.Model):  # type: ignore[name-defined]
    """A member's plan as last worked out: derived data, never the source of truth.

    Written only by recommender.saved_teams.plans (the one use-case that re-plans) from the
    member, their progress and the rules, under `rules_version` on `planned_on`; a team's
    summary is summed from these rows, its schedule and budget from member_exams. Deleting
    every row loses nothing: each is planned again when next needed.
    """

    __tablename__ = "member_plans"
    # Covering indexes: a team's totals, who is behind, and which plans are fresh are counted
    # from these alone, never from the rows with their entries.
    __table_args__ = (
        Index(
            "ix_member_plans_totals",
            "team_id",
            "state",
            "route",
            "study_low",
            "study_high",
            "cost_verified",
            "has_warnings",
        ),
        Index("ix_member_plans_behind", "team_id", "state", "due_on"),
        Index("ix_member_plans_fresh", "team_id", "rules_version", "planned_on"),
    )

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    rules_version: Mapped[str] = mapped_column(String(100))
    planned_on: Mapped[date]
    state: Mapped[str] = mapped_column(String(16))  # "active", "completed" or "error"
    route: Mapped[str | None] = mapped_column(String(32))  # the planned route (None: none)
    # What the rules decide now (route and deciding rule): a rules change compares it with
    # the member's shown route.
    decided_route: Mapped[str | None] = mapped_column(String(32))
    decided_rule: Mapped[str | None] = mapped_column(String(100))
    due_on: Mapped[date | None]  # behind once a day after this: a first-plan window closed
    has_warnings: Mapped[bool]
    study_low: Mapped[int]
    study_high: Mapped[int]
    cost_verified: Mapped[bool]
    entry: Mapped[dict[str, Any]] = mapped_column(JSON)  # the planned member, as answered


class MemberExam(db.Model):  # type: ignore[name-defined]
    """One planned exam of a member's kept plan, for summing cohorts and budgets in SQL."""

    __tablename__ = "member_exams"
    # Covering: a team's cohorts are summed from the index alone.
    __table_args__ = (
        Index(
            "ix_member_exams_cohorts",
            "team_id",
            "window_start",
            "code",
            "window_end",
            "study_starts",
            "cents",
        ),
    )

    member_id: Mapped[int] = mapped_column(
        ForeignKey("members.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    code: Mapped[str] = mapped_column(String(32))
    window_start: Mapped[date]
    window_end: Mapped[date]
    ready: Mapped[date]
    access_ends: Mapped[date]
    study_starts: Mapped[date]
    cents: Mapped[int]  # the member's fee for it, discounts applied
    retake: Mapped[bool]


class Event(db.Model):  # type: ignore[name-defined]
    """One change to a team: who did what, when (kept until the team is deleted)."""

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_team_id_id", "team_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"))
    member_id: Mapped[int | None]  # no foreign key: the event outlives a removed member
    actor: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(String(1000))
    at: Mapped[datetime] = mapped_column(default=utcnow)

    team: Mapped[Team] = relationship(back_populates="history")


class LoginFailure(db.Model):  # type: ignore[name-defined]
    """Failed logins in a row, per account and per address: in the database, so that every
    app server counts the same ones."""

    __tablename__ = "login_failures"

    key: Mapped[str] = mapped_column(String(300), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)


# --- organization: mail, one-time links, the audit log, rate limits -------------------------

MAIL_STATUSES = ("queued", "sending", "sent", "failed")
LINK_PURPOSES = ("invitation", "password_reset")


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


class TeamShare(db.Model):  # type: ignore[name-defined]
    """A colleague's share of a team: "editor" (changes members and progress) or "viewer"
    (reads). The owner is the team's owner_id, never a share (store.shares)."""

    __tablename__ = "team_shares"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    user: Mapped[User] = relationship()


# --- requests and reminders: plans sent to a manager, reminders sent once, budgets ----------

REQUEST_STATUSES = ("pending", "approved", "declined", "changes", "withdrawn")


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


class PlanRequest(db.Model):  # type: ignore[name-defined]
    """An employee's plan sent to their manager from /result, as it was shown to them."""

    __tablename__ = "plan_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)  # the employee's link
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254), index=True)
    manager_email: Mapped[str] = mapped_column(String(254), index=True)
    profile: Mapped[dict[str, Any]] = mapped_column(JSON)
    plan: Mapped[dict[str, Any]] = mapped_column(JSON)  # the recommendation as shown
    status: Mapped[str] = mapped_column(String(16), default="pending")
    note: Mapped[str] = mapped_column(String(2000), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by: Mapped[str | None] = mapped_column(String(300))
    team_id: Mapped[int | None]  # approved into (no foreign key: the team may go)
    member_id: Mapped[int | None]
    over_budget_confirmed: Mapped[bool] = mapped_column(default=False)
    reminded_at: Mapped[datetime | None]  # the manager reminded once, after 14 days

    history: Mapped[list[RequestEvent]] = _owned("request", "RequestEvent.id")


class RequestEvent(db.Model):  # type: ignore[name-defined]
    """One step of a request: sent, approved, declined, a change asked, withdrawn, reminded."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(
        ForeignKey("plan_requests.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(String(2000), default="")

    request: Mapped[PlanRequest] = relationship(back_populates="history")


class TeamBudget(db.Model):  # type: ignore[name-defined]
    """A team's exam budget for one fiscal year ("FY2027"), in cents."""

    __tablename__ = "team_budgets"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    fiscal_year: Mapped[str] = mapped_column(String(8), primary_key=True)
    cents: Mapped[int]
