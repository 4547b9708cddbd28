"""One-click unsubscribes: a signed link per address (no row until it is used), the
List-Unsubscribe headers' address, and the addresses that asked for no more mail."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from ..mail.compose import links_base
from ..store import reminders as rows

SALT = "career-path-unsubscribe"


def _signer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def link(email: str, base: str | None = None) -> str:
    """The address's one-click unsubscribe link (it stays valid: it only ever unsubscribes)."""
    return f"{base or links_base()}/unsubscribe/{_signer().dumps(email)}"


def email_of(token: str) -> str | None:
    """The address a link was made for, or None if it is not one of ours."""
    try:
        email = _signer().loads(token)
    except BadSignature:
        return None
    return email if isinstance(email, str) else None


def unsubscribe(email: str) -> None:
    """No more reminders, digests or request mails to this address (committed)."""
    rows.unsubscribe(email)


def unsubscribed(emails: list[str]) -> set[str]:
    """Which of these addresses asked for no more mail."""
    return rows.unsubscribed(emails)
