"""Accounts' rows: users, the hashes of their API tokens, failed logins (policy: accounts/)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, delete, select, update
from sqlalchemy.dialects import postgresql, sqlite

from ..extensions import db
from ..stored_text import storable_email
from .db import utcnow
from .errors import Invalid
from .models import ApiToken, LoginFailure, User


def normalise_email(email: str) -> str:
    """An email address as stored: trimmed, lower-case."""
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    """The user with this email address, or None (at once for one no user can have)."""
    email = normalise_email(email)
    if not storable_email(email):  # too long for the column, or a NUL PostgreSQL refuses
        return None
    return db.session.scalar(select(User).where(User.email == email))


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


def add_token(user: User, token_hash: str, prefix: str | None = None) -> None:
    """Store an API token's hash for `user`, and the prefix shown to tell it apart."""
    db.session.add(ApiToken(user=user, token_hash=token_hash, prefix=prefix))
    db.session.commit()


def tokens_of(user: User) -> list[ApiToken]:
    """The user's API tokens, oldest first."""
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id)
        )
    )


def delete_tokens(tokens: list[ApiToken]) -> None:
    """Delete these API tokens: they stop working at once."""
    for token in tokens:
        db.session.delete(token)
    db.session.commit()


def user_by_token_hash(token_hash: str) -> User | None:
    """The user whose API token has this hash, or None."""
    found = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash))
    return found.user if found else None


def login_counts(keys: list[str], since: datetime) -> dict[str, tuple[int, datetime]]:
    """Each key's count and its last raise, where that was after `since` (else not listed)."""
    rows = db.session.execute(
        select(LoginFailure.key, LoginFailure.count, LoginFailure.last_at).where(
            LoginFailure.key.in_(keys), LoginFailure.last_at >= since
        )
    )
    counts = {key: (count, last_at) for key, count, last_at in rows}
    db.session.commit()  # end the read: a write after it must not start from a stale snapshot
    return counts


def raise_login_counts(keys: list[str], since: datetime) -> dict[str, int]:
    """Add one to each key's count, atomically, and return the counts as raised.

    One upsert (INSERT ... ON CONFLICT DO UPDATE ... RETURNING) for every key: of parallel
    attempts, each is answered the count that its own raise made, and none fails on the key
    that another created a moment before. A count last raised before `since` starts afresh.
    """
    now = utcnow()
    insert = postgresql.insert if db.engine.dialect.name == "postgresql" else sqlite.insert
    # In the same order in every transaction: parallel upserts of several rows cannot deadlock.
    values = [{"key": key, "count": 1, "last_at": now} for key in sorted(set(keys))]
    upsert = (
        insert(LoginFailure)
        .values(values)
        .on_conflict_do_update(
            index_elements=[LoginFailure.key],
            set_={
                "count": case((LoginFailure.last_at >= since, LoginFailure.count + 1), else_=1),
                "last_at": now,
            },
        )
        .returning(LoginFailure.key, LoginFailure.count)
    )
    counts = {key: count for key, count in db.session.execute(upsert)}
    db.session.commit()
    return counts


def lower_login_count(key: str) -> None:
    """Take one back from a key's count (an attempt counted that was no failure)."""
    db.session.execute(
        update(LoginFailure)
        .where(LoginFailure.key == key, LoginFailure.count > 0)
        .values(count=LoginFailure.count - 1)
    )
    db.session.commit()


def clear_login_count(key: str) -> None:
    """Forget a key's count."""
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == key))
    db.session.commit()


def save() -> None:
    """Commit the changes made to rows read in this session (a use-case's end)."""
    db.session.commit()
