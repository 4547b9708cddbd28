"""Users: managers, advisers and admins, each with a password or only API tokens."""

from __future__ import annotations

from ..store import accounts as rows
from ..store.errors import Invalid
from ..store.models import ROLES, User
from .passwords import hash_password


def create_user(email: str, role: str, password: str | None = None) -> User:
    """Add a user (Invalid if the email is taken or malformed, or the role unknown)."""
    email = checked_email(email)
    checked_role(role)
    return rows.add_user(email, role, hash_password(password) if password else None)


def checked_email(email: str) -> str:
    """The address as stored (Invalid if it is not one)."""
    email = rows.normalise_email(email)
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise Invalid("Give a valid email address.", {"email": ["Not a valid email address."]})
    return email


def checked_role(role: str) -> str:
    """The role (Invalid if it is not one of ROLES)."""
    if role not in ROLES:
        raise Invalid(
            f"Role must be one of: {', '.join(ROLES)}.", {"role": [f"Must be one of: {ROLES}."]}
        )
    return role


def load_user(user_id: str) -> User | None:
    """The signed-in user of a session (Flask-Login's user loader), or None: None too for a
    deactivated user and for a session older than the user's last end_sessions."""
    number, _, generation = user_id.partition(":")
    user = rows.user_by_id(int(number)) if number.isdigit() else None
    if user is None or not user.active or generation != str(user.session_generation):
        return None
    return user


def end_sessions(user: User) -> None:
    """End every session of `user`: each is signed out at its next request."""
    user.session_generation += 1
    rows.save()
