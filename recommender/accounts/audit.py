"""The audit log: who did what to whom, when and from where; one function records an event.

Account events are recorded here (sign-ins and their failures, by password or single sign-on,
invitations, roles, deactivations, password resets, API tokens); any later feature records its
own the same way:

    audit.record(current_user, "team_shared", "bob@example.com", "Claims team, as editor",
                 request.remote_addr)

`actor` and `subject` are users or plain text (an address typed into a form, "team 12"); the
command line's actor is None ("command line"). An entry is added to the caller's transaction
and committed with it (commit=False), or at once.
"""

from __future__ import annotations

from collections.abc import Iterator

from ..store import accounts as rows
from ..store import audit as log_rows
from ..store.db import utcnow
from ..store.models import AuditEntry, User
from ..stored_text import storable

COMMAND_LINE = "command line"
ANONYMOUS = "anonymous"
PAGE_SIZE = 50

# The account events, and their words on the admin page; other features add theirs.
LABELS = {
    "sign_in": "Signed in",
    "sign_in_failed": "Sign-in failed",
    "user_added": "User added",
    "invitation_sent": "Invitation sent",
    "invitation_accepted": "Invitation accepted",
    "role_changed": "Role changed",
    "role_kept": "Role kept",
    "user_deactivated": "Deactivated",
    "user_reactivated": "Reactivated",
    "password_reset_requested": "Password reset asked for",
    "password_reset": "Password reset",
    "token_created": "API token created",
    "token_revoked": "API tokens revoked",
}


def _who(person: User | str | None, default: str) -> str:
    if isinstance(person, User):
        return person.email
    return storable((person or default).strip()[:300]) or default


def record(
    actor: User | str | None,
    action: str,
    subject: User | str | None = None,
    detail: str = "",
    address: str | None = None,
    *,
    commit: bool = True,
) -> AuditEntry:
    """Record that `actor` did `action` to `subject` (a user, or text), with `detail`."""
    entry = log_rows.add_entry(
        utcnow(),
        _who(actor, COMMAND_LINE),
        action[:40],
        _who(subject, "-"),
        storable(detail[:1000]),
        (address or None) and storable(address[:64]),
    )
    if commit:
        rows.save()
    return entry


def label(action: str) -> str:
    """An action in words (its own name for an action of another feature without words)."""
    return LABELS.get(action, action.replace("_", " ").capitalize())


def page(
    person: str | None = None, action: str | None = None, before: int | None = None
) -> tuple[list[AuditEntry], int | None]:
    """A page of entries, newest first, and the id to ask `before` for the next (or None)."""
    found = log_rows.entries_page(_person(person), action or None, before, PAGE_SIZE)
    more = len(found) > PAGE_SIZE
    shown = found[:PAGE_SIZE]
    return shown, (shown[-1].id if more and shown else None)


def everything(person: str | None = None, action: str | None = None) -> Iterator[AuditEntry]:
    """Every matching entry, newest first (the export)."""
    return log_rows.all_entries(_person(person), action or None)


def actions() -> list[str]:
    """The actions recorded so far."""
    return log_rows.actions()


def _person(person: str | None) -> str | None:
    return rows.normalise_email(person) if person and person.strip() else None
