"""Users: managers, advisers and admins, each with a password or only API tokens."""

from __future__ import annotations

from ..store import accounts as rows
from ..store.errors import Invalid
from ..store.models import ROLES, User
from .passwords import check_new_password, hash_password


def create_user(email: str, role: str, password: str | None = None) -> User:
    """Add a user (Invalid if the email is taken or malformed, or the role unknown)."""
    email = rows.normalise_email(email)
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise Invalid("Give a valid email address.", {"email": ["Not a valid email address."]})
    if role not in ROLES:
        raise Invalid(
            f"Role must be one of: {', '.join(ROLES)}.", {"role": [f"Must be one of: {ROLES}."]}
        )
    return rows.add_user(email, role, hash_password(password) if password else None)


def load_user(session_id: str) -> User | None:
    """The signed-in user of a session (Flask-Login's user loader), or None.

    The session keeps "id:generation" (User.get_id): a session made before the user's
    sessions were ended (end_sessions), or of a deactivated user, is signed in no more.
    """
    user_id, _, generation = session_id.partition(":")
    if not (_small_number(user_id) and _small_number(generation)):
        return None  # a session of an older release ("3"), or none of ours
    user = rows.user_by_id(int(user_id))
    if user is None or not user.active or user.session_generation != int(generation):
        return None
    return user


def end_sessions(user: User) -> None:
    """End every session of `user`, on every device (logout, a new password, deactivation)."""
    rows.raise_session_generation(user)


def set_password(user: User, password: str) -> None:
    """Give `user` a new password (Invalid if too short) and end every session they had."""
    check_new_password(password)
    rows.set_password_hash(user, hash_password(password))
    end_sessions(user)


def _small_number(text: str) -> bool:
    # ASCII digits only (str.isdigit() takes '²' too), short enough for the integer columns.
    return text.isascii() and text.isdigit() and len(text) <= 9
