"""The login throttle: too many wrong passwords in a row, per account and per address, wait.

The counts are rows in the database (recommender.store.accounts), so that every app server
counts the same ones.
"""

from __future__ import annotations

from datetime import timedelta

from ..store import accounts as rows
from ..store.db import utcnow

MAX_FAILED_LOGINS = 5  # in a row; the next attempt within the window answers 429
FAILED_LOGIN_WINDOW = timedelta(minutes=15)


def throttle_keys(email: str, address: str | None) -> list[str]:
    """What a login attempt is counted against: its account and its address."""
    return [f"account:{rows.normalise_email(email)}", f"address:{address or '-'}"]


def login_blocked(keys: list[str]) -> bool:
    """Whether any key has had too many failed logins in a row, lately."""
    since = utcnow() - FAILED_LOGIN_WINDOW
    return any(count >= MAX_FAILED_LOGINS for count in rows.failed_logins(keys, since))


def note_failed_login(keys: list[str]) -> None:
    """Count one more failed login for each key (a quiet window starts the count afresh)."""
    rows.count_failed_login(keys, utcnow() - FAILED_LOGIN_WINDOW)


def clear_failed_logins(keys: list[str]) -> None:
    """Forget the failed logins of these keys (after a successful one)."""
    rows.clear_failed_logins(keys)
