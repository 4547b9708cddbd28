"""Who may do what to a team, and sharing it: colleagues, their roles, handing a team over.

A team has an owner and colleagues, each an editor or a viewer; an admin sees every team.

| part         | read (page, files, history) | change members, name | share, hand over, delete |
| ------------ | --------------------------- | -------------------- | ------------------------ |
| owner, admin | yes                         | yes                  | yes                      |
| editor       | yes                         | yes                  | 403                      |
| viewer       | yes                         | 403                  | 403                      |
| anyone else  | 404                         | 404                  | 404                      |

A team the caller may not see is a 404, as if it did not exist; one they may see but not
change this way is a 403 (store.errors.Forbidden) saying so. Every share, role change, removal
and hand-over is in the team's history and the audit log (accounts.audit), in one transaction.
"""

from __future__ import annotations

from ..accounts import audit
from ..store import accounts as users
from ..store import shares as store
from ..store.errors import Forbidden, Invalid, NotFound
from ..store.models import Team, TeamShare, User
from ..store.shares import ADMIN, CHANGERS, EDITOR, MANAGERS, OWNER, SHARE_ROLES, VIEWER

READ, CHANGE, MANAGE = "read", "change", "manage"
NEEDS = {READ: None, CHANGE: CHANGERS, MANAGE: MANAGERS}
REFUSED = {
    CHANGE: "You can read this team but not change it: you are one of its viewers. Ask its "
    "owner ({owner}) to make you an editor.",
    MANAGE: "Only the team's owner ({owner}) or an admin can share this team, hand it over or "
    "delete it.",
}
ROLE_LABELS = {OWNER: "Owner", ADMIN: "Admin", EDITOR: "Editor", VIEWER: "Viewer"}

__all__ = [
    "store",
    "users",
    "ADMIN",
    "CHANGE",
    "EDITOR",
    "MANAGE",
    "NotFound",
    "OWNER",
    "READ",
    "ROLE_LABELS",
    "SHARE_ROLES",
    "VIEWER",
    "colleagues",
    "hand_over",
    "may",
    "share",
    "team_for",
    "teams_of",
    "unshare",
]


def team_for(user: User, team_id: int, need: str = READ) -> tuple[Team, str]:
    """The team and the user's part in it, if they may `need` (read, change, manage) it:
    NotFound if they may not see it, Forbidden if they may see but not do this."""
    team, role = store.visible_team(user, team_id)
    if not may(role, need):
        raise Forbidden(REFUSED[need].format(owner=team.owner.email))
    return team, role


def may(role: str | None, need: str) -> bool:
    """Whether a part in a team (owner, admin, editor, viewer; None: none) may `need` it."""
    allowed = NEEDS[need]
    return role is not None and (allowed is None or role in allowed)


def teams_of(user: User) -> list[tuple[Team, str]]:
    """The teams the user may see, with their part in each, most recently changed first."""
    return store.visible_teams(user)


def colleagues(team: Team) -> list[TeamShare]:
    """The team's colleagues by e-mail, each with their role."""
    return store.colleagues(team)


def _checked_role(role: object, field: str = "role") -> str:
    if role not in SHARE_ROLES:
        raise Invalid(
            f"A colleague is an editor or a viewer, not {role!r}.",
            {field: [f"Must be one of: {', '.join(SHARE_ROLES)}."]},
        )
    return str(role)


def _colleague(email: object, field: str = "email") -> User:
    """An active user by e-mail (Invalid naming `field` if there is none)."""
    found = users.user_by_email(email) if isinstance(email, str) and email.strip() else None
    if found is None or not found.active:
        raise Invalid(
            f"No active user has the e-mail address {email!r}: invite them first.",
            {field: ["No active user with this e-mail address."]},
        )
    return found


def share(
    actor: User, team: Team, email: object, role: object, address: str | None = None
) -> TeamShare:
    """Share the team with an active user by e-mail as editor or viewer, or change their role
    (the owner cannot be a colleague of their own team)."""
    checked = _checked_role(role)
    user = _colleague(email)
    if user.id == team.owner_id:
        raise Invalid(
            f"{user.email} owns this team already.", {"email": ["This is the team's owner."]}
        )
    with store.changing():
        before = store.set_share(team, user, checked, actor.email)
        if before != checked:
            action = "team_shared" if before is None else "team_share_changed"
            detail = f"{team.name} (team {team.id}), as {checked}"
            audit.record(actor, action, user, detail, address, commit=False)
    found = store.share_of(team, user.id)
    assert found is not None
    return found


def colleague_of(team: Team, user_id: int) -> TeamShare:
    """One of the team's colleagues by user id; NotFound if they are not one."""
    found = store.share_of(team, user_id)
    if found is None:
        raise NotFound("No such colleague of this team.")
    return found


def change_role(
    actor: User, team: Team, user_id: int, role: object, address: str | None = None
) -> TeamShare:
    """Make a colleague an editor or a viewer."""
    colleague = colleague_of(team, user_id)
    return share(actor, team, colleague.user.email, role, address)


def unshare(actor: User, team: Team, user_id: int, address: str | None = None) -> None:
    """Stop sharing the team with a colleague."""
    colleague = colleague_of(team, user_id)
    email = colleague.user.email
    with store.changing():
        store.remove_share(team, colleague, actor.email)
        detail = f"{team.name} (team {team.id})"
        audit.record(actor, "team_unshared", email, detail, address, commit=False)


def hand_over(
    actor: User,
    team: Team,
    email: object,
    keep_as: object = None,
    address: str | None = None,
) -> None:
    """Make another active user the team's owner; the old owner stays as `keep_as` (editor or
    viewer) or, with None, keeps no part in it."""
    if keep_as in (None, ""):
        kept = None
    else:
        kept = _checked_role(keep_as, "keep_as")
    new_owner = _colleague(email)
    old = team.owner
    if new_owner.id == old.id:
        raise Invalid(f"{old.email} owns this team already.", {"email": ["The owner already."]})
    with store.changing():
        store.hand_over(team, new_owner, actor.email, kept)
        detail = f"{team.name} (team {team.id}) from {old.email}" + (
            f"; {old.email} stays as {kept}" if kept else ""
        )
        audit.record(actor, "team_handed_over", new_owner, detail, address, commit=False)
