"""Plan requests' rows: an employee's plan sent to a manager, its steps (policy:
recommender/requests/)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from .models import PlanRequest


def pending_for(manager_email: str) -> list[PlanRequest]:
    """The requests waiting for this manager, oldest first."""
    query = (
        select(PlanRequest)
        .where(PlanRequest.manager_email == manager_email, PlanRequest.status == "pending")
        .order_by(PlanRequest.created_at, PlanRequest.id)
    )
    return list(db.session.scalars(query))


def undecided_before(before: datetime) -> list[PlanRequest]:
    """Pending requests made before `before`, oldest first."""
    query = (
        select(PlanRequest)
        .where(PlanRequest.status == "pending", PlanRequest.created_at < before)
        .order_by(PlanRequest.created_at, PlanRequest.id)
    )
    return list(db.session.scalars(query))
