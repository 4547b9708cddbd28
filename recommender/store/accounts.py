"""Accounts' rows: users, the hashes of their API tokens, failed logins (policy: accounts/)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from ..extensions import db
from .db import utcnow
from .errors import Invalid
from .models import ApiToken, LoginFailure, User


def normalise_email(email: str) -> str:
    """An email address as stored: trimmed, lower-case."""
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    """The user with this email address, or None."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def add_user(email: str, role: str, password_hash: str | None) -> User:
    """Store a user (Invalid if the email address is taken)."""
    user = stage_user(email, role, password_hash)
    db.session.commit()
    return user


def stage_user(email: str, role: str, password_hash: str | None = None) -> User:
    """Add a user to the session, committed with the caller's change (Invalid if taken)."""
    email = normalise_email(email)
    if user_by_email(email) is not None:
        raise Invalid(f"A user {email} exists already.", {"email": ["Already taken."]})
    user = User(email=email, role=role, password_hash=password_hash)
    db.session.add(user)
    db.session.flush()
    return user


def user_by_id(user_id: int) -> User | None:
    """The user with this id, or None."""
    return db.session.get(User, user_id)


def raise_session_generation(user: User) -> None:
    """Raise the user's session generation by one, in the database (parallel raises add up)."""
    db.session.execute(
        update(User)
        .where(User.id == user.id)
        .values(session_generation=User.session_generation + 1)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    db.session.refresh(user)


def set_password_hash(user: User, password_hash: str) -> None:
    """Store a user's new password hash."""
    user.password_hash = password_hash
    db.session.commit()


def add_token(user: User, token_hash: str) -> None:
    """Store an API token's hash for `user`."""
    db.session.add(ApiToken(user=user, token_hash=token_hash))
    db.session.commit()


def user_by_token_hash(token_hash: str) -> User | None:
    """The user whose API token has this hash, or None."""
    found = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))
    return found.user if found else None


def failed_logins(keys: list[str], since: datetime) -> list[int]:
    """The failed logins in a row of each key (account, address) whose last is after `since`."""
    rows = db.session.scalars(select(LoginFailure).where(LoginFailure.key.in_(keys)))
    return [r.count for r in rows if r.last_at >= since]


def count_failed_login(keys: list[str], since: datetime) -> None:
    """One more failed login for each key; a count last raised before `since` starts afresh."""
    now = utcnow()
    for key in keys:
        row = db.session.get(LoginFailure, key)
        if row is None:
            db.session.add(LoginFailure(key=key, count=1, last_at=now))
        else:
            row.count = row.count + 1 if row.last_at >= since else 1
            row.last_at = now
    db.session.commit()


def clear_failed_logins(keys: list[str]) -> None:
    """Forget the failed logins of these keys."""
    for key in keys:
        row = db.session.get(LoginFailure, key)
        if row is not None:
            db.session.delete(row)
    db.session.commit()


def save() -> None:
    """Commit the changes made to rows read in this session (a use-case's end)."""
    db.session.commit()
