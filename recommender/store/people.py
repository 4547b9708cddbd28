"""Users as an admin manages them: listed, counted, their tokens dropped."""

from __future__ import annotations

from sqlalchemy import delete, func, select

from ..extensions import db
from .models import ApiToken, User


def all_users() -> list[User]:
    """Every user, by email address."""
    return list(db.session.scalars(select(User).order_by(User.email)))


def active_admins() -> int:
    """How many active admins there are."""
    query = select(func.count()).select_from(User).where(User.role == "admin", User.active)
    return int(db.session.scalar(query) or 0)


def drop_tokens(user: User) -> int:
    """Delete every API token of `user`, in the session; how many there were."""
    result = db.session.execute(delete(ApiToken).where(ApiToken.user_id == user.id))
    db.session.expire(user, ["tokens"])
    return int(result.rowcount)  # type: ignore[attr-defined]
