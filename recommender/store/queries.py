"""Named queries and changes that the API, the web pages and the CLI share; no SQL elsewhere.

Every change is one transaction: the change, the team's new version and its history event are
committed together, or, on any error, none of them.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import NotFound

from ..extensions import db
from .db import utcnow
from .models import ROLES, STATUSES, ApiToken, Event, LoginFailure, Member, Progress, Team, User

TOKEN_PREFIX = "cp_"
MAX_FAILED_LOGINS = 5  # in a row; the next attempt within the window answers 429
FAILED_LOGIN_WINDOW = timedelta(minutes=15)
NAME_LENGTH = 200

_hasher = PasswordHasher()


class StoreError(Exception):
    """A change refused because of its input: `errors` names each field."""

    def __init__(self, message: str, errors: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or {}


class StaleVersion(Exception):
    """The team changed since the caller read it (its version is no longer theirs)."""

    def __init__(self, current: int):
        super().__init__(f"the team is at version {current}")
        self.current = current


class TeamNotFound(NotFound):
    """A team that does not exist or is not the caller's: the same 404 either way."""

    description = "No such team."


# --- users, passwords, tokens ----------------------------------------------------------------


def normalise_email(email: str) -> str:
    """An email address as stored: trimmed, lower-case."""
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    """The user with this email address, or None."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def create_user(email: str, role: str, password: str | None = None) -> User:
    """Add a user (StoreError if the email is taken or malformed, or the role unknown)."""
    email = normalise_email(email)
    if "@" not in email or len(email) > 254 or any(c.isspace() for c in email):
        raise StoreError("Give a valid email address.", {"email": ["Not a valid email address."]})
    if role not in ROLES:
        raise StoreError(
            f"Role must be one of: {', '.join(ROLES)}.", {"role": [f"Must be one of: {ROLES}."]}
        )
    if user_by_email(email) is not None:
        raise StoreError(f"A user {email} exists already.", {"email": ["Already taken."]})
    user = User(email=email, role=role, password_hash=hash_password(password) if password else None)
    db.session.add(user)
    db.session.commit()
    return user


def hash_password(password: str) -> str:
    """An argon2id hash of a password."""
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    """Whether `password` is the user's."""
    if not user.password_hash:
        return False
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def authenticate(email: str, password: str) -> User | None:
    """The user whose email and password these are, or None."""
    user = user_by_email(email)
    if user is None:
        _hasher.hash(password)  # the same time whether or not the account exists
        return None
    return user if check_password(user, password) else None


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def load_user(user_id: str) -> User | None:
    """The signed-in user of a session (Flask-Login's user loader), or None."""
    return db.session.get(User, int(user_id)) if user_id.isdigit() else None


def create_token(user: User) -> str:
    """A new API token for `user`: returned once, only its hash is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.session.add(ApiToken(user=user, token_hash=_token_hash(token)))
    db.session.commit()
    return token


def user_for_token(token: str) -> User | None:
    """The user an API token belongs to, or None."""
    found = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == _token_hash(token)))
    return found.user if found else None


# --- failed logins --------------------------------------------------------------------------


def login_blocked(keys: list[str]) -> bool:
    """Whether any key (an account, an address) has had too many failed logins in a row."""
    since = utcnow() - FAILED_LOGIN_WINDOW
    rows = db.session.scalars(select(LoginFailure).where(LoginFailure.key.in_(keys)))
    return any(r.count >= MAX_FAILED_LOGINS and r.last_at >= since for r in rows)


def note_failed_login(keys: list[str]) -> None:
    """Count one more failed login for each key (a quiet window starts the count afresh)."""
    now, since = utcnow(), utcnow() - FAILED_LOGIN_WINDOW
    for key in keys:
        row = db.session.get(LoginFailure, key)
        if row is None:
            db.session.add(LoginFailure(key=key, count=1, last_at=now))
        else:
            row.count = row.count + 1 if row.last_at >= since else 1
            row.last_at = now
    db.session.commit()


def clear_failed_logins(keys: list[str]) -> None:
    """Forget the failed logins of these keys (after a successful one)."""
    for key in keys:
        row = db.session.get(LoginFailure, key)
        if row is not None:
            db.session.delete(row)
    db.session.commit()


# --- teams ----------------------------------------------------------------------------------


def teams_of(user: User) -> list[Team]:
    """The user's teams, most recently changed first."""
    return list(
        db.session.scalars(
            select(Team).where(Team.owner_id == user.id).order_by(Team.updated_at.desc(), Team.id)
        )
    )


def member_counts(teams: list[Team]) -> dict[int, int]:
    """How many members each of these teams has."""
    ids = [t.id for t in teams]
    if not ids:
        return {}
    rows = db.session.execute(
        select(Member.team_id, func.count()).where(Member.team_id.in_(ids)).group_by(Member.team_id)
    )
    counts = {team_id: count for team_id, count in rows}
    return {i: counts.get(i, 0) for i in ids}


def team_for(user: User, team_id: int) -> Team:
    """The user's team `team_id`; TeamNotFound (404) if there is none or it is someone else's."""
    team = db.session.get(Team, team_id)
    if team is None or team.owner_id != user.id:
        raise TeamNotFound()
    return team


def member_of(team: Team, member_id: int) -> Member:
    """A member of `team` (already the caller's); 404 if it is not one of them."""
    member = db.session.get(Member, member_id)
    if member is None or member.team_id != team.id:
        raise NotFound("No such member in this team.")
    return member


def history_of(team: Team) -> list[Event]:
    """The team's history, oldest first."""
    return list(team.history)


@contextmanager
def change(team: Team, expected_version: int | None = None) -> Iterator[None]:
    """One change to a team as one transaction: check the version, apply, bump it, commit.

    StaleVersion if `expected_version` is not the team's, or if another change commits first.
    """
    check_version(team, expected_version)
    try:
        yield
        team.updated_at = utcnow()
        team.version += 1
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        db.session.refresh(team)
        raise StaleVersion(team.version) from None
    except BaseException:
        db.session.rollback()
        raise


def _event(team: Team, actor: str, action: str, text: str, member: Member | None = None) -> None:
    db.session.add(
        Event(
            team=team,
            member_id=member.id if member else None,
            actor=actor,
            action=action,
            text=text,
        )
    )


def _check_name(name: str, field: str = "name") -> str:
    name = (name or "").strip()
    if not name:
        raise StoreError(f"Give a {field}.", {field: ["Missing data for required field."]})
    if len(name) > NAME_LENGTH:
        raise StoreError(
            f"The {field} is too long.", {field: [f"Longer than maximum length {NAME_LENGTH}."]}
        )
    return name


Outcome = Callable[[dict[str, Any]], tuple[str | None, str | None]]


def create_team(
    owner: User,
    name: str,
    members: list[tuple[str, dict[str, Any]]],
    outcome: Outcome,
    rules_version: str,
) -> Team:
    """A new team of (name, profile data) members, shown under `rules_version`."""
    team = Team(owner=owner, name=_check_name(name), rules_version=rules_version)
    db.session.add(team)
    try:
        for position, (member_name, profile) in enumerate(members):
            route, rule = outcome(profile)
            team.members.append(
                Member(
                    position=position,
                    name=_check_name(member_name, "member name")[:NAME_LENGTH],
                    profile=profile,
                    shown_route=route,
                    shown_rule=rule,
                )
            )
        db.session.flush()
        _event(team, owner.email, "created", f"Created the team {team.name!r} of {len(members)}.")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return team


def rename_team(team: Team, name: str, actor: str, expected_version: int | None = None) -> None:
    """Rename a team."""
    name = _check_name(name)
    with change(team, expected_version):
        _event(team, actor, "renamed", f"Renamed the team from {team.name!r} to {name!r}.")
        team.name = name


def check_version(team: Team, expected_version: int | None) -> None:
    """StaleVersion unless `expected_version` is the team's (None: no check)."""
    if expected_version is not None and expected_version != team.version:
        raise StaleVersion(team.version)


def delete_team(team: Team, expected_version: int | None = None) -> None:
    """Delete a team, its members, their progress and its history."""
    check_version(team, expected_version)
    db.session.delete(team)
    db.session.commit()


def add_member(
    team: Team,
    name: str,
    profile: dict[str, Any],
    actor: str,
    outcome: Outcome,
    expected_version: int | None = None,
) -> Member:
    """Add a member at the end of the team."""
    name = _check_name(name, "member name")
    route, rule = outcome(profile)
    position = max((m.position for m in team.members), default=-1) + 1
    member = Member(name=name, profile=profile, position=position)
    if team.rules_version is None or rule is not None:
        member.shown_route, member.shown_rule = route, rule
    with change(team, expected_version):
        team.members.append(member)
        db.session.flush()
        _event(team, actor, "member added", f"Added {name}.", member)
    return member


def update_member(
    member: Member,
    name: str,
    profile: dict[str, Any],
    actor: str,
    outcome: Outcome,
    expected_version: int | None = None,
) -> None:
    """Replace a member's name and profile."""
    name = _check_name(name, "member name")
    team = member.team
    with change(team, expected_version):
        _event(team, actor, "member edited", f"Edited {member.name}'s profile.", member)
        member.name, member.profile = name, profile
        member.shown_route, member.shown_rule = outcome(profile)


def remove_member(member: Member, actor: str, expected_version: int | None = None) -> None:
    """Remove a member and their progress from the team."""
    team = member.team
    with change(team, expected_version):
        _event(team, actor, "member removed", f"Removed {member.name}.", member)
        team.members.remove(member)


def record_progress(
    member: Member,
    course: str,
    status: str,
    on: date,
    actor: str,
    expected_version: int | None = None,
) -> Progress:
    """Record that `member` passed, failed or scheduled `course` on `on` (replacing the last)."""
    errors: dict[str, list[str]] = {}
    if status not in STATUSES:
        errors["status"] = [f"Must be one of: {', '.join(STATUSES)}."]
    if not course:
        errors["course"] = ["Missing data for required field."]
    if errors:
        raise StoreError("The progress is not valid.", errors)
    team = member.team
    with change(team, expected_version):
        entry = next((p for p in member.progress if p.course == course), None)
        if entry is None:
            entry = Progress(course=course, status=status, date=on, recorded_by=actor)
            member.progress.append(entry)
        else:
            entry.status, entry.date, entry.recorded_by = status, on, actor
            entry.recorded_at = utcnow()
        _event(
            team,
            actor,
            "progress",
            f"{member.name}: {course} {status} on {on.isoformat()}.",
            member,
        )
    return entry


def mark_rules_shown(
    team: Team, version: str, outcomes: dict[int, tuple[str | None, str | None]], actor: str
) -> None:
    """Record that the team has been shown under rules `version`, with these member outcomes."""
    with change(team):
        _event(team, actor, "rules", f"Rules {team.rules_version} -> {version} acknowledged.")
        team.rules_version = version
        for member in team.members:
            if member.id in outcomes:
                member.shown_route, member.shown_rule = outcomes[member.id]


# --- private member links -------------------------------------------------------------------


def create_member_link(member: Member, actor: str) -> str:
    """A new private link token for a member (any earlier one stops working): shown once."""
    token = secrets.token_urlsafe(32)
    with change(member.team):
        member.link_hash = _token_hash(token)
        _event(member.team, actor, "link", f"Made a private link for {member.name}.", member)
    return token


def revoke_member_link(member: Member, actor: str) -> None:
    """Stop a member's private link working."""
    with change(member.team):
        member.link_hash = None
        _event(member.team, actor, "link", f"Revoked {member.name}'s private link.", member)


def member_for_link(token: str) -> Member | None:
    """The member whose private link this is, or None."""
    if not token:
        return None
    return db.session.scalar(select(Member).where(Member.link_hash == _token_hash(token)))


# --- export and import ----------------------------------------------------------------------

EXPORT_FORMAT = "career-path-team"
EXPORT_VERSION = 1


def _time(value: datetime) -> str:
    return value.isoformat(timespec="microseconds")


def export_team(team: Team) -> dict[str, Any]:
    """The team as JSON data: everything but ids and private links (see import_team)."""
    return {
        "format": EXPORT_FORMAT,
        "format_version": EXPORT_VERSION,
        "owner": team.owner.email,
        "name": team.name,
        "version": team.version,
        "rules_version": team.rules_version,
        "created_at": _time(team.created_at),
        "updated_at": _time(team.updated_at),
        "members": [
            {
                "name": m.name,
                "profile": m.profile,
                "shown_route": m.shown_route,
                "shown_rule": m.shown_rule,
                "progress": [
                    {
                        "course": p.course,
                        "status": p.status,
                        "date": p.date.isoformat(),
                        "recorded_by": p.recorded_by,
                        "recorded_at": _time(p.recorded_at),
                    }
                    for p in m.progress
                ],
            }
            for m in team.members
        ],
        "history": [
            {
                "member": _member_index(team, e.member_id),
                "actor": e.actor,
                "action": e.action,
                "text": e.text,
                "at": _time(e.at),
            }
            for e in team.history
        ],
    }


def _member_index(team: Team, member_id: int | None) -> int | None:
    return next((i for i, m in enumerate(team.members) if m.id == member_id), None)


def import_team(data: Any, owner: User | None = None) -> Team:
    """A team from export_team's data, owned by `owner` or else by the user it names."""
    try:
        return _import_team(data, owner)
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        db.session.rollback()
        raise StoreError(f"Not a team export: {_reason(exc)}.") from None


def _reason(exc: Exception) -> str:
    return f"missing {exc}" if isinstance(exc, KeyError) else "a value has the wrong form"


def _import_team(data: Any, owner: User | None) -> Team:
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise StoreError(f"Not a team export: 'format' must be {EXPORT_FORMAT!r}.")
    if owner is None:
        owner = user_by_email(data["owner"])
        if owner is None:
            raise StoreError(f"No user {data['owner']}: add them first, or name another owner.")
    team = Team(
        owner=owner,
        name=_check_name(data["name"]),
        version=int(data["version"]),
        rules_version=data["rules_version"],
        created_at=datetime.fromisoformat(data["created_at"]),
        updated_at=datetime.fromisoformat(data["updated_at"]),
    )
    db.session.add(team)
    for position, m in enumerate(data["members"]):
        member = Member(
            position=position,
            name=_check_name(m["name"], "member name"),
            profile=dict(m["profile"]),
            shown_route=m["shown_route"],
            shown_rule=m["shown_rule"],
        )
        for p in m["progress"]:
            member.progress.append(
                Progress(
                    course=str(p["course"]),
                    status=p["status"] if p["status"] in STATUSES else _bad(p["status"]),
                    date=date.fromisoformat(p["date"]),
                    recorded_by=str(p["recorded_by"]),
                    recorded_at=datetime.fromisoformat(p["recorded_at"]),
                )
            )
        team.members.append(member)
    db.session.flush()
    for e in data["history"]:
        index = e["member"]
        db.session.add(
            Event(
                team=team,
                member_id=team.members[index].id if index is not None else None,
                actor=str(e["actor"]),
                action=str(e["action"]),
                text=str(e["text"]),
                at=datetime.fromisoformat(e["at"]),
            )
        )
    db.session.commit()
    return team


def _bad(value: Any) -> str:
    raise ValueError(value)
