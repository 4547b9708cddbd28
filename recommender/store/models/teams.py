"""Teams: their members, progress and history, shares and budgets; and each member's kept plan
(member_plans, member_exams): derived data, rebuilt from the rest."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ..db import utcnow
from .accounts import User

STATUSES = ("passed", "failed", "scheduled")  # Progress.status
ERROR, COMPLETED, ACTIVE = "error", "completed", "active"  # MemberPlan.state


def owned(parent: str, order_by: str) -> Any:
    """A parent's rows in order, deleted with it (by the database's ON DELETE CASCADE too)."""
    return relationship(
        back_populates=parent,
        cascade="all, delete-orphan",
        order_by=order_by,
        passive_deletes=True,
    )


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
    members: Mapped[list[Member]] = owned("team", "Member.position, Member.id")
    history: Mapped[list[Event]] = owned("team", "Event.id")
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
    progress: Mapped[list[Progress]] = owned("member", "Progress.date, Progress.id")


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


class TeamBudget(db.Model):  # type: ignore[name-defined]
    """A team's exam budget for one fiscal year ("FY2027"), in cents."""

    __tablename__ = "team_budgets"

    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True
    )
    fiscal_year: Mapped[str] = mapped_column(String(8), primary_key=True)
    cents: Mapped[int]
