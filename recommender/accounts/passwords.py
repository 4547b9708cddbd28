"""Passwords: argon2id hashes, checked in the same time whether or not the account exists."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from ..store import accounts as rows
from ..store.errors import Invalid
from ..store.models import User

MIN_PASSWORD_LENGTH = 12

_hasher = PasswordHasher()


def check_new_password(password: str) -> None:
    """Invalid unless `password` is long enough to be a new one (MIN_PASSWORD_LENGTH)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        message = f"The password is too short: use at least {MIN_PASSWORD_LENGTH} characters."
        raise Invalid(message, {"password": [message]})


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
    """The active user whose email and password these are, or None."""
    user = rows.user_by_email(email)
    if user is None or not user.password_hash:
        _hasher.hash(password)  # the same time whether or not the account exists
        return None
    return user if check_password(user, password) and user.active else None
