"""The login throttle: wrong passwords slow an attacker down, never lock the owner out.

Policy (docs/sign-in.md says it for people):

- **Per account and address**: after MAX_FAILED_LOGINS attempts in a row for one account from
  one address, that pair waits out FAILED_LOGIN_WINDOW (a quiet window starts the count
  afresh). Every attempt is counted before its password is checked, by one atomic upsert that
  answers the count it made: of 32 parallel tries, at most MAX_FAILED_LOGINS are checked. An
  attacker elsewhere does not touch the owner's pair: the owner is not locked out.
- **Per account, a slowdown**: once an account has had SLOWDOWN_AFTER failures (from
  anywhere), an address that has itself failed on it waits a delay that doubles with each
  further failure (up to MAX_SLOWDOWN) after the account's last one. An address with no
  failure on the account, the owner's, is not slowed.
- **Per address**, across accounts: MAX_ADDRESS_FAILURES in a row, high enough that a few
  mistyped or unknown addresses do not shut out an office behind one proxy.
- A success clears only its own account-and-address count; it takes its own attempt back
  from the address's count (it was no failure) and resets nothing else, so one account's
  holder cannot spray passwords at others from the same address.

The counts are rows in the database (recommender.store.accounts), so that every app server
counts the same ones. Keys are hashes: bounded in length whatever is typed, and the typed
addresses are not kept.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import timedelta

from ..store import accounts as rows
from ..store.db import utcnow

MAX_FAILED_LOGINS = 5  # per account and address, in a row; the next attempt answers 429
MAX_ADDRESS_FAILURES = 50  # per address, across accounts, in a row
SLOWDOWN_AFTER = 5  # failures on an account before addresses that failed on it are slowed
MAX_SLOWDOWN = timedelta(seconds=60)
FAILED_LOGIN_WINDOW = timedelta(minutes=15)  # a quiet window starts every count afresh


@dataclass(frozen=True)
class Keys:
    """What a login attempt is counted against: its account and address, each alone, both."""

    pair: str
    account: str
    address: str


@dataclass(frozen=True)
class Attempt:
    """A login attempt: its keys, and how long to wait first (None: check the password)."""

    keys: Keys
    wait: int | None = None  # seconds, for Retry-After
    slowed: bool = False  # the account's slowdown, not a limit reached


def _digest(*parts: str) -> str:
    joined = "\n".join(parts).encode("utf-8", "surrogatepass")
    return hashlib.sha256(joined).hexdigest()


def throttle_keys(email: str, address: str | None) -> Keys:
    """The keys of an attempt for `email` from `address`: fixed-length hashes."""
    account, where = rows.normalise_email(email), address or "-"
    return Keys(
        pair=f"pair:{_digest(account, where)}",
        account=f"account:{_digest(account)}",
        address=f"address:{_digest(where)}",
    )


def begin_login(email: str, address: str | None) -> Attempt:
    """Count a login attempt, and say whether its password may be checked or it must wait."""
    keys = throttle_keys(email, address)
    now = utcnow()
    known = rows.login_counts([keys.pair, keys.account], now - FAILED_LOGIN_WINDOW)
    failures, last = known.get(keys.account, (0, now))
    if keys.pair in known and failures >= SLOWDOWN_AFTER:
        delay = min(timedelta(seconds=2 ** (failures - SLOWDOWN_AFTER)), MAX_SLOWDOWN)
        remaining = (last + delay - now).total_seconds()
        if remaining > 0:
            return Attempt(keys, math.ceil(remaining), slowed=True)
    counts = rows.raise_login_counts([keys.pair, keys.address], now - FAILED_LOGIN_WINDOW)
    if counts[keys.pair] > MAX_FAILED_LOGINS or counts[keys.address] > MAX_ADDRESS_FAILURES:
        return Attempt(keys, int(FAILED_LOGIN_WINDOW.total_seconds()))
    return Attempt(keys)


def login_failed(attempt: Attempt) -> None:
    """A wrong password (or no such account): the account's count for its slowdown too."""
    rows.raise_login_counts([attempt.keys.account], utcnow() - FAILED_LOGIN_WINDOW)


def login_succeeded(attempt: Attempt) -> None:
    """The right password: clear this account-and-address count, take the attempt back from
    the address's count (a success resets no count but its own)."""
    rows.clear_login_count(attempt.keys.pair)
    rows.lower_login_count(attempt.keys.address)
