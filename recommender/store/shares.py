"""Who may see a team: its owner, its colleagues (team_shares: editors and viewers), and admins.

A team's owner is its owner_id; a colleague is a share row; an admin sees every team. Each
change here (a share, a new role, a removal, a hand-over) writes its history event in the
same transaction; `changing()` commits it (with the audit entry the caller adds) or none of it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import or_, select

from ..extensions import db
from .errors import TeamNotFound
from .models import Event, Team, TeamShare, User

OWNER, ADMIN, EDITOR, VIEWER = "owner", "admin", "editor", "viewer"
SHARE_ROLES = (EDITOR, VIEWER)
# Who may change a team's members and progress, and who may share, hand over or delete it.
CHANGERS = (OWNER, ADMIN, EDITOR)
MANAGERS = (OWNER, ADMIN)


def role_of(user: User, team: Team) -> str | None:
    """The user's part in the team: owner, admin, editor, viewer, or None (not theirs)."""
    if not user.active:
        return None
    if team.owner_id == user.id:
        return OWNER
    if user.role == ADMIN:
        return ADMIN
    share = db.session.get(TeamShare, (team.id, user.id))
    return share.role if share else None


def visible_team(user: User, team_id: int) -> tuple[Team, str]:
    """A team the user may see, with their part in it; TeamNotFound otherwise."""
    team = db.session.get(Team, team_id)
    role = role_of(user, team) if team is not None else None
    if team is None or role is None:
        raise TeamNotFound()
    return team, role


def visible_teams(user: User) -> list[tuple[Team, str]]:
    """The teams the user may see, most recently changed first, each with their part in it."""
    query = select(Team, TeamShare.role).outerjoin(
        TeamShare, (TeamShare.team_id == Team.id) & (TeamShare.user_id == user.id)
    )
    if user.role != ADMIN:
        query = query.where(or_(Team.owner_id == user.id, TeamShare.user_id == user.id))
    rows = db.session.execute(query.order_by(Team.updated_at.desc(), Team.id))
    found = []
    for team, shared in rows:
        role = OWNER if team.owner_id == user.id else ADMIN if user.role == ADMIN else shared
        found.append((team, role))
    return found


def colleagues(team: Team) -> list[TeamShare]:
    """The team's colleagues (each share with its user), by e-mail."""
    query = (
        select(TeamShare)
        .join(User, User.id == TeamShare.user_id)
        .where(TeamShare.team_id == team.id)
        .order_by(User.email)
    )
    return list(db.session.scalars(query))


def share_of(team: Team, user_id: int) -> TeamShare | None:
    """A colleague's share of the team, or None."""
    return db.session.get(TeamShare, (team.id, user_id))


def event(team: Team, actor: str, action: str, text: str) -> None:
    """Add an entry to the team's history, in the transaction under way."""
    db.session.add(Event(team=team, actor=actor, action=action, text=text))


@contextmanager
def changing() -> Iterator[None]:
    """A change to who may see a team as one transaction: committed, or rolled back."""
    try:
        yield
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def set_share(team: Team, user: User, role: str, actor: str) -> str | None:
    """Share the team with `user` as `role` (or change their role); answer their role before
    (None: a new colleague). Within changing()."""
    share = share_of(team, user.id)
    before = share.role if share else None
    if share is None:
        db.session.add(TeamShare(team_id=team.id, user_id=user.id, role=role, created_by=actor))
        event(team, actor, "shared", f"Shared the team with {user.email} as {role}.")
    elif before != role:
        share.role = role
        event(team, actor, "role changed", f"{user.email} is now {role} (was {before}).")
    db.session.flush()
    return before


def remove_share(team: Team, share: TeamShare, actor: str) -> None:
    """Stop sharing the team with a colleague. Within changing()."""
    event(team, actor, "unshared", f"Stopped sharing the team with {share.user.email}.")
    db.session.delete(share)
    db.session.flush()


def hand_over(team: Team, new_owner: User, actor: str, keep_as: str | None) -> None:
    """Make `new_owner` the team's owner; the old one stays as `keep_as` (None: leaves).
    Within changing()."""
    old = team.owner
    share = share_of(team, new_owner.id)
    if share is not None:
        db.session.delete(share)
    team.owner = new_owner
    if keep_as is not None:
        db.session.add(TeamShare(team_id=team.id, user_id=old.id, role=keep_as, created_by=actor))
    stays = f"; {old.email} stays as {keep_as}" if keep_as else ""
    text = f"Handed the team over from {old.email} to {new_owner.email}{stays}."
    event(team, actor, "handed over", text)
    db.session.flush()
