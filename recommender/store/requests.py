"""Plan requests' rows: an employee's plan sent to a manager, its steps (policy:
recommender/requests/)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from .models import PlanRequest, RequestEvent, User


def pending_for(manager_email: str) -> list[PlanRequest]:
    """The requests waiting for this manager, oldest first."""
    query = (
        select(PlanRequest)
        .where(PlanRequest.manager_email == manager_email, PlanRequest.status == "pending")
        .order_by(PlanRequest.created_at, PlanRequest.id)
    )
    return list(db.session.scalars(query))


def pending_without_account() -> list[PlanRequest]:
    """Pending requests sent to an address that has no account (nor an invitation), oldest
    first: an admin may invite their manager."""
    has_account = select(User.id).where(User.email == PlanRequest.manager_email).exists()
    query = (
        select(PlanRequest)
        .where(PlanRequest.status == "pending", ~has_account)
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


def add_request(request: PlanRequest) -> PlanRequest:
    """Add a request to the session (committed with its first step and mails)."""
    db.session.add(request)
    db.session.flush()
    return request


def request_by_token_hash(token_hash: str) -> PlanRequest | None:
    """The request whose employee link has this hash, or None."""
    return db.session.scalar(select(PlanRequest).where(PlanRequest.token_hash == token_hash))


def request_by_id(request_id: int) -> PlanRequest | None:
    """The request with this id, or None."""
    return db.session.get(PlanRequest, request_id)


def step(request: PlanRequest, actor: str, action: str, text: str, now: datetime) -> None:
    """Add a step to the request's history (in the caller's transaction)."""
    request.history.append(RequestEvent(actor=actor, action=action, text=text[:2000], at=now))


def discard() -> None:
    """Forget the session's changes not yet committed."""
    db.session.rollback()


def save() -> None:
    """Commit the change (rolled back if the commit fails)."""
    try:
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def mark_reminded(request_id: int, now: datetime) -> None:
    """Note that the request's manager was reminded (in the caller's transaction)."""
    found = db.session.get(PlanRequest, request_id)
    if found is not None:
        found.reminded_at = now


def reminded_undecided() -> list[PlanRequest]:
    """Requests still undecided after their manager was reminded: for the admins, oldest first."""
    query = (
        select(PlanRequest)
        .where(PlanRequest.status == "pending", PlanRequest.reminded_at.is_not(None))
        .order_by(PlanRequest.created_at, PlanRequest.id)
    )
    return list(db.session.scalars(query))
