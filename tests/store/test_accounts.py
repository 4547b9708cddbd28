"""Accounts on both databases: passwords hashed and checked, users unique, tokens hashed."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask

from recommender.accounts.passwords import authenticate
from recommender.accounts.tokens import create_token, user_for_token
from recommender.accounts.users import create_user
from recommender.extensions import db
from recommender.store.errors import Invalid
from recommender.store.models import User


def test_passwords_are_hashed_and_checked(
    store_app: Flask, add_user: Callable[..., User], password: str
) -> None:
    user = add_user("Ann@Example.com ")
    assert user.email == "ann@example.com"
    assert password not in (user.password_hash or "")
    assert user.password_hash.startswith("$argon2id$")
    assert authenticate("ANN@example.com", password) == user
    assert authenticate("ann@example.com", "wrong") is None
    assert authenticate("nobody@example.com", password) is None


def test_a_taken_email_or_unknown_role_is_refused(
    store_app: Flask, add_user: Callable[..., User], password: str
) -> None:
    add_user("ann@example.com")
    with pytest.raises(Invalid, match="exists already"):
        add_user("ANN@example.com")
    with pytest.raises(Invalid) as caught:
        create_user("bob@example.com", "boss", password)
    assert "role" in caught.value.errors


def test_tokens_are_stored_hashed_and_find_their_user(
    store_app: Flask, add_user: Callable[..., User]
) -> None:
    user = add_user("ann@example.com")
    token = create_token(user)
    stored = db.session.scalars(sa.text("SELECT token_hash FROM api_tokens")).all()
    assert token not in stored and len(stored[0]) == 64
    assert user_for_token(token) == user
    assert user_for_token(token + "x") is None
