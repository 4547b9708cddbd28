"""Plan requests: an employee's plan sent to their manager, and each step of it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ...extensions import db
from ..db import utcnow
from .teams import owned

REQUEST_STATUSES = ("pending", "approved", "declined", "changes", "withdrawn")


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

    history: Mapped[list[RequestEvent]] = owned("request", "RequestEvent.id")


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
