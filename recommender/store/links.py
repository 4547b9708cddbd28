"""One-time links' rows: invitations and password resets, kept as hashes (policy:
accounts/links.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update

from ..extensions import db
from .models import OneTimeLink, User


def add_link(
    user: User, purpose: str, token_hash: str, created_by: str, now: datetime, expires: datetime
) -> OneTimeLink:
    """Add a link to the session (committed with its mail)."""
    link = OneTimeLink(
        user=user,
        purpose=purpose,
        token_hash=token_hash,
        created_by=created_by,
        created_at=now,
        expires_at=expires,
    )
    db.session.add(link)
    return link


def link_by_hash(token_hash: str) -> OneTimeLink | None:
    """The link with this hash, or None."""
    return db.session.scalar(select(OneTimeLink).where(OneTimeLink.token_hash == token_hash))


def spend(link: OneTimeLink, now: datetime) -> bool:
    """Mark the link used, in the session, unless another request used it first."""
    result = db.session.execute(
        update(OneTimeLink)
        .where(OneTimeLink.id == link.id, OneTimeLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount) == 1  # type: ignore[attr-defined]


def void_links(user: User, now: datetime, purpose: str | None = None) -> None:
    """Mark the user's unused links (of `purpose`, or all) used, in the session."""
    query = update(OneTimeLink).where(OneTimeLink.user_id == user.id, OneTimeLink.used_at.is_(None))
    if purpose is not None:
        query = query.where(OneTimeLink.purpose == purpose)
    db.session.execute(query.values(used_at=now).execution_options(synchronize_session=False))


def open_links(purpose: str, now: datetime) -> dict[int, OneTimeLink]:
    """Each user's latest unused, unexpired link of `purpose`, by user id."""
    query = (
        select(OneTimeLink)
        .where(
            OneTimeLink.purpose == purpose,
            OneTimeLink.used_at.is_(None),
            OneTimeLink.expires_at > now,
        )
        .order_by(OneTimeLink.id)
    )
    return {link.user_id: link for link in db.session.scalars(query)}
