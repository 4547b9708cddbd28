"""Single sign-on's policy: who the provider's verified claims sign in, with which role.

recommender/http/oidc.py talks to the provider and checks its answer (state, nonce, PKCE, the
ID token's issuer and audience); this module decides what the claims mean here:

- A person is matched by e-mail address, which the provider must say is verified
  (`email_verified` true, or the string "true" some providers send). Refused otherwise.
- Someone unknown is made a user at their first sign-in: with the role the role claim maps to,
  else the default role (CAREER_PATH_OIDC_DEFAULT_ROLE, adviser: keeps their own teams and
  clients, manages nobody, approves nothing; an admin gives more on /admin/users).
- A deactivated user is refused. An invited user who signs in accepts the invitation thereby:
  its link is void, and nobody needs a password.
- With a role map (CAREER_PATH_OIDC_ROLE_CLAIM and _ROLE_MAP), an existing user's role follows
  the claim at every sign-in: the highest role any of its values maps to, else the default
  role (so a person taken out of the admins' group at the provider is an admin no more). A
  claim the provider did not send at all changes nothing (a scope missing by mistake must not
  lower everyone), nor does one that would leave no active admin (as on /admin/users).

Every sign-in goes through signins.signed_in (the last sign-in, the audit log); every refusal
is recorded as a failed sign-in.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..store import accounts as rows
from ..store.errors import Invalid
from ..store.models import User
from ..stored_text import storable_email
from . import audit, signins
from .links import void_all
from .people import change_role, checked_email, invited
from .sso_settings import SsoSettings, sso_settings

ACTOR = "single sign-on"  # the audit log's actor of what a sign-in changes
METHOD = "sso"  # how a sign-in was made, in the audit log and the users' list
RANKS = ("adviser", "manager", "admin")  # the higher wins when several values map


class SsoRefused(Exception):
    """A sign-in refused: `message` for the person, `status` for the answer (recorded)."""

    def __init__(self, message: str, status: int = 403) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def failed(detail: str, address: str | None, email: str = "-") -> None:
    """Record a sign-in with the provider that failed, for whatever reason."""
    signins.sign_in_failed(email, address, f"single sign-on: {detail}")


def sign_in(claims: Mapping[str, Any], address: str | None) -> User:
    """The user the verified `claims` sign in (made at their first sign-in), their role as the
    claim maps it; the sign-in recorded. SsoRefused (recorded) if they may not sign in."""
    settings = sso_settings()
    email = claims.get("email")
    if not isinstance(email, str) or not email.strip():
        failed("the provider sent no e-mail address", address)
        raise SsoRefused(
            f"{settings.name} did not say your e-mail address, and career-path knows people by "
            "it. Ask an admin to check the sign-in settings."
        )
    if claims.get("email_verified") not in (True, "true"):
        failed("e-mail address not verified", address, email)
        raise SsoRefused(
            f"{settings.name} has not verified the e-mail address {email}, so it cannot sign "
            "you in here. Verify the address with your provider, then sign in again."
        )
    user = rows.user_by_email(email)
    if user is None:
        user = _new_user(settings, email, claims, address)
    elif not user.active:
        failed("deactivated", address, email)
        raise SsoRefused(
            f"The account {user.email} is deactivated, so it cannot sign in. Ask an admin to "
            "reactivate it."
        )
    else:
        _follow_role(settings, user, claims, address)
        if invited(user):
            void_all(user)
            detail = "by single sign-on"
            audit.record(user, "invitation_accepted", user, detail, address, commit=False)
    signins.signed_in(user, METHOD, address)  # commits
    return user


def _new_user(
    settings: SsoSettings, email: str, claims: Mapping[str, Any], address: str | None
) -> User:
    try:
        email = checked_email(email)
    except Invalid:
        email = ""
    if not storable_email(email) or not email:
        failed("an e-mail address career-path cannot keep", address)
        raise SsoRefused(f"The e-mail address {settings.name} sent cannot be used here.")
    role = mapped_role(settings, claims) or settings.default_role
    user = rows.stage_user(email, role)
    audit.record(
        ACTOR, "user_added", user, f"as {role}, at their first sign-in", address, commit=False
    )
    return user


def mapped_role(settings: SsoSettings, claims: Mapping[str, Any]) -> str | None:
    """The highest role a value of the role claim maps to, or None (no map, or no value maps)."""
    if settings.role_claim is None:
        return None
    values = _values(claims.get(settings.role_claim))
    found = {settings.role_map[value] for value in values if value in settings.role_map}
    ranked = [role for role in RANKS if role in found]
    return ranked[-1] if ranked else None


def _values(claim: Any) -> list[str]:
    if isinstance(claim, str):
        return [claim]
    if isinstance(claim, list | tuple):
        return [value for value in claim if isinstance(value, str)]
    return []


def _follow_role(
    settings: SsoSettings, user: User, claims: Mapping[str, Any], address: str | None
) -> None:
    if settings.role_claim is None or settings.role_claim not in claims:
        return
    role = mapped_role(settings, claims) or settings.default_role
    try:
        change_role(ACTOR, user, role, address)
    except Invalid as exc:  # the last active admin stays one
        audit.record(ACTOR, "role_kept", user, f"{user.role}, not {role}: {exc}", address)
