"""One-time links: an invitation (7 days) or a password reset (1 hour), each used once.

The secret is in the link only: the database keeps its SHA-256 (as for API tokens), so a copy
of the database opens no account. A link is void once used, once a newer one of its kind is
made for the same user, and when the user is deactivated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..store import links as rows
from ..store.db import utcnow
from ..store.errors import Invalid, NotFound
from ..store.models import OneTimeLink, User
from . import audit
from .passwords import check_new_password
from .tokens import new_secret, token_hash
from .users import set_password

MAX_PASSWORD = 1000  # hashing a longer one would only cost time
VALID_FOR = {"invitation": timedelta(days=7), "password_reset": timedelta(hours=1)}
PATHS = {"invitation": "/invitations/", "password_reset": "/password/reset/"}


class LinkNotUsable(NotFound):
    """A link that is unknown, expired, used, or void: the same answer for each (404)."""

    def __init__(self) -> None:
        super().__init__(
            "This link cannot be used: it has expired, was used already, or a newer one was "
            "sent. Ask for a new one."
        )


@dataclass(frozen=True)
class NewLink:
    """A link just made: its address (shown once) and when it stops working."""

    url: str
    expires_at: datetime


def make_link(user: User, purpose: str, created_by: str, base: str) -> NewLink:
    """A new link of `purpose` for `user` (the older ones of its kind made void), in the session."""
    now = utcnow()
    rows.void_links(user, now, purpose)
    secret = new_secret()
    expires = now + VALID_FOR[purpose]
    rows.add_link(user, purpose, token_hash(secret), created_by, now, expires)
    return NewLink(f"{base}{PATHS[purpose]}{secret}", expires)


def usable_link(secret: str, purpose: str) -> OneTimeLink | None:
    """The link of this secret if it may still be used (unused, unexpired, an active user)."""
    link = rows.link_by_hash(token_hash(secret)) if secret else None
    if link is None or link.purpose != purpose or link.used_at is not None:
        return None
    if link.expires_at <= utcnow() or not link.user.active:
        return None
    return link


def use_link(secret: str, purpose: str) -> User:
    """Spend the link of this secret and make the user's other links void, in the session;
    its user (LinkNotUsable if it cannot be used, or another request just used it)."""
    link = usable_link(secret, purpose)
    now = utcnow()
    if link is None or not rows.spend(link, now):
        raise LinkNotUsable()
    rows.void_links(link.user, now)
    return link.user


def set_password_with(
    secret: str, purpose: str, password: str, again: str, address: str | None, action: str
) -> User:
    """Spend a link of `purpose` to set its user's password (LinkNotUsable, Invalid), record
    `action`, and end the user's other sessions; the user, to sign in."""
    if usable_link(secret, purpose) is not None:
        check_new_password(password)
        if len(password) > MAX_PASSWORD:
            raise Invalid(f"Use at most {MAX_PASSWORD} characters.", {"password": ["Too long."]})
        if password != again:
            message = "The two passwords differ: type the same one twice."
            raise Invalid(message, {"password_again": [message]})
    user = use_link(secret, purpose)
    audit.record(user, action, user, "", address, commit=False)
    set_password(user, password)  # commits the link, the entry and the hash; ends sessions
    return user


def void_all(user: User) -> None:
    """Make every open link of `user` void (in the session)."""
    rows.void_links(user, utcnow())


def open_invitations() -> dict[int, OneTimeLink]:
    """The open invitation of each user who has one, by user id."""
    return rows.open_links("invitation", utcnow())
