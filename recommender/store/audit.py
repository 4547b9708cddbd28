"""The audit log's rows: added with the change they record, read newest first (policy:
accounts/audit.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import Select, or_, select

from ..extensions import db
from .models import AuditEntry


def add_entry(
    at: datetime, actor: str, action: str, subject: str, detail: str, address: str | None
) -> AuditEntry:
    """Add an entry to the session (committed with the change it records)."""
    entry = AuditEntry(
        at=at, actor=actor, action=action, subject=subject, detail=detail, address=address
    )
    db.session.add(entry)
    return entry


def _matching(person: str | None, action: str | None) -> Select[AuditEntry]:
    query = select(AuditEntry)
    if person:
        query = query.where(or_(AuditEntry.actor == person, AuditEntry.subject == person))
    if action:
        query = query.where(AuditEntry.action == action)
    return query


def entries_page(
    person: str | None, action: str | None, before: int | None, size: int
) -> list[AuditEntry]:
    """Up to `size` + 1 entries, newest first, older than the entry `before` if given (the
    extra one says whether there is another page)."""
    query = _matching(person, action)
    if before is not None:
        query = query.where(AuditEntry.id < before)
    return list(db.session.scalars(query.order_by(AuditEntry.id.desc()).limit(size + 1)))


def all_entries(person: str | None, action: str | None) -> Iterator[AuditEntry]:
    """Every matching entry, newest first, read a few hundred at a time."""
    query = _matching(person, action).order_by(AuditEntry.id.desc())
    yield from db.session.scalars(query.execution_options(yield_per=500))


def actions() -> list[str]:
    """Every action recorded so far, in alphabetical order."""
    return list(
        db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action))
    )
