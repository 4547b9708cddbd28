"""Invitations: an admin (or the command line) invites a person by e-mail, with a role.

The user is made without a password; the mail, in the same transaction, carries a one-time link
(7 days) to set one. Inviting again, or resending, makes a new link and voids the old one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..mail import compose, links_base, queue
from ..store import accounts as rows
from ..store.errors import Invalid
from ..store.models import OneTimeLink, User
from . import audit
from .links import make_link, set_password_with, usable_link
from .people import checked_email, checked_role, invited
from .sso_settings import sso_settings

ROLE_WORDS = {"manager": "a manager", "adviser": "an adviser", "admin": "an admin"}


@dataclass(frozen=True)
class Invitation:
    """An invitation made: whom, the link (shown once), until when, and its mail."""

    user: User
    url: str
    expires_at: datetime
    mail_id: int


def invite(actor: User | None, email: str, role: str, address: str | None = None) -> Invitation:
    """Invite `email` as `role` (Invalid if they have an account; NoBaseUrl if links cannot
    be made); a person invited before but not yet in is invited again, with this role."""
    email, role = checked_email(email), checked_role(role)
    base = links_base()
    user = rows.user_by_email(email)
    if user is None:
        user = rows.stage_user(email, role)
    elif not invited(user):
        raise Invalid(f"{email} has an account already.", {"email": ["Already has an account."]})
    else:
        user.role = role
    return _send(actor, user, base, address)


def resend(actor: User | None, user: User, address: str | None = None) -> Invitation:
    """Send `user` a new invitation (Invalid once they are in, or deactivated)."""
    if not invited(user):
        raise Invalid(f"{user.email} is not waiting for an invitation.", {})
    return _send(actor, user, links_base(), address)


def _send(actor: User | None, user: User, base: str, address: str | None) -> Invitation:
    inviter = actor.email if actor else "An admin"
    link = make_link(user, "invitation", audit.COMMAND_LINE if actor is None else actor.email, base)
    sso = sso_settings()
    composed = compose(
        "invitation",
        inviter=inviter,
        role_label=ROLE_WORDS[user.role],
        link=link.url,
        expires=f"{link.expires_at:%Y-%m-%d %H:%M}",
        base=base,
        email=user.email,
        sso=sso.name if sso.on else None,  # the provider's name: signing in with it accepts
        passwords=sso.password_login,
    )
    mail = queue("invitation", user.email, composed, expires_at=link.expires_at)
    audit.record(actor, "invitation_sent", user, f"as {user.role}", address, commit=False)
    rows.save()
    return Invitation(user, link.url, link.expires_at, mail.id)


def invitation(secret: str) -> OneTimeLink | None:
    """The open invitation of this secret, or None."""
    return usable_link(secret, "invitation")


def accept(secret: str, password: str, again: str, address: str | None = None) -> User:
    """Set the invited user's password with their link (LinkNotUsable, Invalid); the user."""
    return set_password_with(secret, "invitation", password, again, address, "invitation_accepted")
