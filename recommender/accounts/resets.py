"""Forgotten passwords: a mailed one-time link (1 hour) sets a new password once.

Asking gives the same answer, in about the same time, whether or not the address has an
account: both count the request, record it and commit; only a real account gets a link and a
mail, and the mail goes after the response. Asking is limited per address typed and per
client address, whether or not the account exists (so the limit says nothing either).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from ..mail import Composed, NoBaseUrl, compose, links_base, queue
from ..store import accounts as rows
from ..store.db import utcnow
from ..store.models import User
from . import audit
from .limits import allow
from .links import make_link, set_password_with, usable_link

WINDOW = timedelta(hours=1)
PER_ACCOUNT = 3  # links a person needs in an hour, with a typo or two
PER_ADDRESS = 20  # an office behind one address


def request_reset(email: str, address: str | None) -> bool:
    """Mail a reset link if `email` is an active account's; False if asked too often."""
    email = rows.normalise_email(email)[:254]
    limits = {f"reset:account:{email}": PER_ACCOUNT, f"reset:address:{address or '-'}": PER_ADDRESS}
    if not allow(limits, WINDOW):
        audit.record(
            audit.ANONYMOUS, "password_reset_requested", email, "refused: too often", address
        )
        return False
    user = rows.user_by_email(email)
    if user is not None and user.active:
        detail = _mail_link(user)
    else:
        detail = "no active account has this address"
        _compose(email, "https://-", utcnow())  # the work a real one does, to take as long
    audit.record(audit.ANONYMOUS, "password_reset_requested", email, detail, address, commit=False)
    rows.save()
    return True


def _mail_link(user: User) -> str:
    try:
        base = links_base(anonymous=True)
    except NoBaseUrl:
        return "no link mailed: CAREER_PATH_BASE_URL is not set"
    link = make_link(user, "password_reset", audit.ANONYMOUS, base)
    composed = _compose(user.email, base, link.expires_at, link.url)
    queue("password_reset", user.email, composed, expires_at=link.expires_at)
    return "a link was mailed"


def _compose(email: str, base: str, expires: datetime, url: str = "") -> Composed:
    return compose(
        "password_reset", link=url, expires=f"{expires:%Y-%m-%d %H:%M}", base=base, email=email
    )


def reset_link_open(secret: str) -> bool:
    """Whether this reset link may still be used."""
    return usable_link(secret, "password_reset") is not None


def reset(secret: str, password: str, again: str, address: str | None = None) -> User:
    """Set a new password with a reset link (LinkNotUsable, Invalid) and end the user's other
    sessions; the user, to sign in."""
    return set_password_with(secret, "password_reset", password, again, address, "password_reset")
