"""Passwords: argon2id hashes, checked in the same time whether or not the account exists."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..store import accounts as rows
from ..store.errors import Invalid
from ..store.models import User

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    """Whether `password` is the user's."""
    if not user.password_hash:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(email: str, password: str) -> User | None:
    """The user whose email and password these are, or None (None too if deactivated)."""
    user = rows.user_by_email(email)
    if user is None or not user.password_hash:
        _hasher.hash(password)  # the same time whether or not the account exists
        return None
    return user if check_password(user, password) and user.active else None


MIN_PASSWORD = 12
MAX_PASSWORD = 1000  # hashing a longer one would only cost time


def check_new_password(password: str, again: str) -> None:
    """Refuse a new password that is too short, too long, or not typed the same twice."""
    errors: dict[str, list[str]] = {}
    if len(password) < MIN_PASSWORD:
        errors["password"] = [f"Use at least {MIN_PASSWORD} characters."]
    elif len(password) > MAX_PASSWORD:
        errors["password"] = [f"Use at most {MAX_PASSWORD} characters."]
    elif password != again:
        errors["password_again"] = ["The two passwords differ: type the same one twice."]
    if errors:
        message = next(iter(errors.values()))[0]
        raise Invalid(message, errors)


def set_password(user: User, password: str) -> None:
    """Give `user` a new password (in the session)."""
    user.password_hash = hash_password(password)
