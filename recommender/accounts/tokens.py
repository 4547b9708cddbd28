"""Secret tokens: API tokens for scripts and members' private links, stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets

from ..store import accounts as rows
from ..store.models import User
from . import audit

TOKEN_PREFIX = "cp_"


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_secret() -> str:
    """A fresh random secret, safe in a URL."""
    return secrets.token_urlsafe(32)


def create_token(user: User, actor: User | None = None, address: str | None = None) -> str:
    """A new API token for `user`, recorded: returned once, only its hash is stored."""
    token = TOKEN_PREFIX + new_secret()
    rows.add_token(user, token_hash(token))
    audit.record(actor, "token_created", user, "", address)
    return token


def user_for_token(token: str) -> User | None:
    """The active user an API token belongs to, or None."""
    user = rows.user_by_token_hash(token_hash(token))
    return user if user is not None and user.active else None
