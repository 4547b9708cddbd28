"""People, as an admin manages them: the list, roles, deactivation and reactivation.

Deactivating ends the user's sessions at once (end_sessions), revokes their API tokens and
voids their open links; their teams stay theirs. Neither a role change nor a deactivation may
leave the service without an active admin, and an admin on the web does not deactivate
themself (another admin, or the command line, can).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from ..store import accounts as rows
from ..store import people as people_rows
from ..store.errors import Invalid, NotFound
from ..store.models import ROLES, User
from . import audit
from .links import open_invitations, void_all
from .users import end_sessions


def checked_email(email: str) -> str:
    """The address as stored (Invalid if it is not one), as create_user checks it."""
    email = rows.normalise_email(email)
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise Invalid("Give a valid email address.", {"email": ["Not a valid email address."]})
    return email


def checked_role(role: str) -> str:
    """The role (Invalid if it is not one of ROLES), as create_user checks it."""
    if role not in ROLES:
        raise Invalid(
            f"Role must be one of: {', '.join(ROLES)}.", {"role": [f"Must be one of: {ROLES}."]}
        )
    return role


def invited(user: User) -> bool:
    """Whether `user` was invited and has not come in yet (no password, never signed in)."""
    return user.active and user.password_hash is None and user.last_sign_in_at is None


@dataclass(frozen=True)
class Person:
    """A user as the admin page and `users list` show them."""

    user: User
    status: str  # active, invited, invitation expired, deactivated
    invited_until: datetime | None


def people() -> list[Person]:
    """Every user, by email address, with their status."""
    invitations = open_invitations()
    found = []
    for user in people_rows.all_users():
        until = invitations[user.id].expires_at if user.id in invitations else None
        found.append(Person(user, _status(user, until), until))
    return found


def _status(user: User, invited_until: datetime | None) -> str:
    if not user.active:
        return "deactivated"
    if invited(user):
        return "invited" if invited_until else "invitation expired"
    return "active"


def user(user_id: int) -> User:
    """The user with this id (NotFound if none)."""
    found = rows.user_by_id(user_id)
    if found is None:
        raise NotFound("No such user.")
    return found


def change_role(
    actor: User | str | None, target: User, role: str, address: str | None = None
) -> None:
    """Give `target` the role `role` (`actor` a user, a word such as "single sign-on", or
    None: the command line)."""
    checked_role(role)
    if role == target.role:
        return
    if target.role == "admin" and target.active:
        _keep_an_admin(target)
    before = target.role
    target.role = role
    audit.record(actor, "role_changed", target, f"{before} -> {role}", address, commit=False)
    rows.save()


def deactivate(actor: User | None, target: User, address: str | None = None) -> None:
    """Stop `target`: no sign-in, sessions ended, API tokens revoked; their teams stay."""
    if not target.active:
        return
    if actor is not None and actor.id == target.id:
        raise Invalid("You cannot deactivate yourself: ask another admin.", {})
    if target.role == "admin":
        _keep_an_admin(target)
    target.active = False
    void_all(target)
    revoked = people_rows.drop_tokens(target)
    audit.record(actor, "user_deactivated", target, "", address, commit=False)
    if revoked:
        detail = f"{revoked} on deactivation"
        audit.record(actor, "token_revoked", target, detail, address, commit=False)
    rows.save()
    end_sessions(target)


def reactivate(actor: User | None, target: User, address: str | None = None) -> None:
    """Let `target` sign in again (with their password; API tokens must be made anew)."""
    if target.active:
        return
    target.active = True
    audit.record(actor, "user_reactivated", target, "", address, commit=False)
    rows.save()


def _keep_an_admin(leaving: User) -> None:
    if people_rows.active_admins() <= 1:
        raise Invalid(
            f"{leaving.email} is the only active admin: make someone else an admin first.",
            {"role": ["The last active admin."]},
        )
