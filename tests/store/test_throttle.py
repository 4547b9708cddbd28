"""The login throttle on both databases: per account and address, a slowdown, an address limit.

The parallel race (32 wrong tries at once) is in tests/store/test_served_hostile.py, against
the real server.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update

from recommender.accounts import throttle
from recommender.extensions import db
from recommender.store.models import LoginFailure


def _from(address: str) -> dict[str, Any]:
    return {"environ_base": {"REMOTE_ADDR": address}}


@pytest.fixture
def log_in_from(csrf_token: Callable[[str], str], password: str) -> Callable[..., Any]:
    """Log in from an address: log_in_from(client, address, email[, password])."""

    def post(client: FlaskClient, address: str, email: str, secret: str = password) -> Any:
        token = csrf_token(client.get("/login", **_from(address)).get_data(as_text=True))
        data = {"email": email, "password": secret, "csrf_token": token}
        return client.post("/login", data=data, **_from(address))

    return post


def _age(client: FlaskClient, key: str, seconds: float) -> None:
    """Move a count's last raise back in time (as if that much time had passed)."""
    with client.application.app_context():
        row = db.session.get(LoginFailure, key)
        assert row is not None
        db.session.execute(
            update(LoginFailure)
            .where(LoginFailure.key == key)
            .values(last_at=row.last_at - timedelta(seconds=seconds))
        )
        db.session.commit()


def test_an_attacker_elsewhere_cannot_lock_the_owner_out(
    web: FlaskClient, log_in_from: Callable[..., Any]
) -> None:
    attacker, owner = web.application.test_client(), web
    for _ in range(throttle.MAX_FAILED_LOGINS):
        assert log_in_from(attacker, "203.0.113.66", "ann@example.com", "guess").status_code == 401
    assert log_in_from(attacker, "203.0.113.66", "ann@example.com", "guess").status_code == 429
    assert log_in_from(owner, "198.51.100.7", "ann@example.com").status_code == 303


def test_an_account_under_attack_slows_addresses_that_failed_on_it_more_and_more(
    web: FlaskClient, log_in_from: Callable[..., Any]
) -> None:
    keys = throttle.throttle_keys("ann@example.com", "203.0.113.1")
    for n in range(throttle.SLOWDOWN_AFTER):
        address = f"203.0.113.{n + 1}"
        assert log_in_from(web, address, "ann@example.com", "guess").status_code == 401
    waits = []
    for _ in range(3):
        slowed = log_in_from(web, "203.0.113.1", "ann@example.com", "guess")
        assert slowed.status_code == 429 and "seconds" in slowed.get_data(as_text=True)
        waits.append(int(slowed.headers["Retry-After"]))
        _age(web, keys.account, waits[-1])  # the wait is over: the next try is checked
        assert log_in_from(web, "203.0.113.1", "ann@example.com", "guess").status_code == 401
    assert waits == sorted(waits) and waits[0] < waits[-1] <= 60  # growing, bounded
    # An address with no failure on the account, the owner's, is not slowed; nor another account.
    assert log_in_from(web, "198.51.100.7", "ann@example.com").status_code == 303
    assert log_in_from(web, "203.0.113.1", "bob@example.com").status_code == 303


def test_a_few_unknown_addresses_do_not_lock_out_an_office_behind_one_proxy(
    web: FlaskClient, log_in_from: Callable[..., Any]
) -> None:
    office = "192.0.2.10"
    for n in range(5):
        assert log_in_from(web, office, f"nobody{n}@example.com", "guess").status_code == 401
    assert log_in_from(web, office, "ann@example.com").status_code == 303


@pytest.mark.slow  # 50 logins, each hashing a password
def test_the_address_limit_counts_failures_across_accounts_and_a_success_does_not_reset_it(
    web: FlaskClient, log_in_from: Callable[..., Any]
) -> None:
    sprayer = "192.0.2.99"
    for n in range(throttle.MAX_ADDRESS_FAILURES - 1):
        assert log_in_from(web, sprayer, f"user{n}@example.com", "guess").status_code == 401
    assert log_in_from(web, sprayer, "bob@example.com").status_code == 303  # its own account
    assert log_in_from(web, sprayer, "carl@example.com", "guess").status_code == 401  # the 50th
    assert log_in_from(web, sprayer, "dora@example.com", "guess").status_code == 429
    assert log_in_from(web, "192.0.2.98", "dora@example.com", "guess").status_code == 401


def test_a_success_resets_only_its_own_account_and_address(
    web: FlaskClient, log_in_from: Callable[..., Any]
) -> None:
    here = "192.0.2.20"
    for _ in range(throttle.MAX_FAILED_LOGINS - 1):
        assert log_in_from(web, here, "ann@example.com", "typo").status_code == 401
    assert log_in_from(web, here, "ann@example.com").status_code == 303
    with web.application.app_context():
        keys = throttle.throttle_keys("ann@example.com", here)
        counts = dict(db.session.execute(select(LoginFailure.key, LoginFailure.count)).all())
    assert keys.pair not in counts  # cleared: the owner has their tries again
    assert counts[keys.address] == throttle.MAX_FAILED_LOGINS - 1  # the failures stay counted
    assert counts[keys.account] == throttle.MAX_FAILED_LOGINS - 1


def test_the_counts_are_keyed_by_fixed_length_hashes(web: FlaskClient) -> None:
    keys = throttle.throttle_keys("a" * 5000 + "@example.com", "x" * 5000)
    assert all(len(key) <= 80 for key in (keys.pair, keys.account, keys.address))
    assert keys == throttle.throttle_keys(" A" * 1 + "a" * 4999 + "@EXAMPLE.com ", "x" * 5000)


def test_a_long_or_nul_email_at_login_is_a_failed_login(
    web: FlaskClient, log_in: Callable[..., Any]
) -> None:
    for email in ["a" * 300 + "@example.com", "ann\x00@example.com", "ann%ED%A0%80@example.com"]:
        assert log_in(web, email, "wrong").status_code == 401
    assert log_in(web, "ann@example.com").status_code == 303
