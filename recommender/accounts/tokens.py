"""Secret tokens: API tokens for scripts and members' private links, stored only as hashes."""

from __future__ import annotations

import hashlib
import secrets

from ..store import accounts as rows
from ..store.models import ApiToken, User
from . import audit

TOKEN_PREFIX = "cp_"


def token_hash(token: str) -> str:
    """What is stored of a token: its SHA-256, in hex."""
    # surrogatepass: a header or path may carry any code point; it is only ever hashed.
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_secret() -> str:
    """A fresh random secret, safe in a URL."""
    return secrets.token_urlsafe(32)


SHOWN_LENGTH = 10  # "cp_" and 7 characters of the secret (42 of its 256 bits): shown, kept


def create_token(user: User, actor: User | None = None, address: str | None = None) -> str:
    """A new API token for `user`, recorded: returned once; its hash is stored, and its first
    characters (shown_prefix) to tell it apart in `tokens list`."""
    token = TOKEN_PREFIX + new_secret()
    rows.add_token(user, token_hash(token), shown_prefix(token))
    audit.record(actor, "token_created", user, "", address)
    return token


def shown_prefix(token: str) -> str:
    """The first characters of a token: what `tokens list` shows and `tokens revoke` takes."""
    return token[:SHOWN_LENGTH]


def tokens_matching(user: User, given: str) -> list[ApiToken]:
    """The user's tokens that `given` names: a whole token, or a prefix as `tokens list` shows."""
    tokens = rows.tokens_of(user)
    whole = token_hash(given)
    named = [t for t in tokens if t.token_hash == whole]
    return named or [t for t in tokens if t.prefix is not None and t.prefix == given]


def revoke_tokens(tokens: list[ApiToken]) -> None:
    """Revoke API tokens: requests with them answer 401 from now on."""
    rows.delete_tokens(tokens)


def user_for_token(token: str) -> User | None:
    """The active user an API token belongs to, or None."""
    user = rows.user_by_token_hash(token_hash(token))
    return user if user is not None and user.active else None
