"""Sign-ins as the audit log and the users' list see them: when, how, from where.

The login view (and later single sign-on) calls signed_in or sign_in_failed; the throttle
that refuses too many failures is accounts/throttle.py's.
"""

from __future__ import annotations

from ..store import accounts as rows
from ..store.db import utcnow
from ..store.models import User
from . import audit


def signed_in(user: User, method: str, address: str | None) -> None:
    """Note a sign-in of `user` by `method` ("password", later "sso")."""
    user.last_sign_in_at = utcnow()
    audit.record(user, "sign_in", user, method, address, commit=False)
    rows.save()


def sign_in_failed(email: str, address: str | None, detail: str = "wrong password") -> None:
    """Note a failed sign-in with the address `email` (typed, so perhaps nobody's)."""
    typed = rows.normalise_email(email) or "-"
    audit.record(audit.ANONYMOUS, "sign_in_failed", typed, detail, address)
