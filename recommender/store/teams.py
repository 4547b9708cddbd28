"""Saved teams' rows: teams, members, progress and history; one transaction per change.

Every change is one transaction: the change, the team's new version and its history event are
committed together, or, on any error, none of them. What a member's plan is, and which route
they were last shown, is worked out above the store (recommender.saved_teams) and handed in.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..stored_text import text_problem
from .db import utcnow
from .errors import Invalid, MemberNotFound, StaleVersion, TeamNotFound
from .models import STATUSES, Event, Member, Progress, Team, User

NAME_LENGTH = 200

Shown = tuple[str | None, str | None]  # the route and the deciding rule a member was shown


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
    """The user's team `team_id`; TeamNotFound if there is none or it is someone else's."""
    team = db.session.get(Team, team_id)
    if team is None or team.owner_id != user.id:
        raise TeamNotFound()
    return team


def member_of(team: Team, member_id: int) -> Member:
    """A member of `team` (already the caller's); MemberNotFound if it is not one of them."""
    member = db.session.get(Member, member_id)
    if member is None or member.team_id != team.id:
        raise MemberNotFound()
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


def check_version(team: Team, expected_version: int | None) -> None:
    """StaleVersion unless `expected_version` is the team's (None: no check)."""
    if expected_version is not None and expected_version != team.version:
        raise StaleVersion(team.version)


def event(team: Team, actor: str, action: str, text: str, member: Member | None = None) -> None:
    """Add an entry to the team's history, in the transaction under way."""
    db.session.add(
        Event(
            team=team,
            member_id=member.id if member else None,
            actor=actor,
            action=action,
            text=text,
        )
    )


def checked_name(name: str, field: str = "name") -> str:
    """A name as stored: trimmed; Invalid if blank, too long, or not text a database holds."""
    name = (name or "").strip()
    if not name:
        raise Invalid(f"Give a {field}.", {field: ["Missing data for required field."]})
    problem = text_problem(name)
    if problem:
        raise Invalid(f"The {field} is not valid: {problem}", {field: [problem]})
    if len(name) > NAME_LENGTH:
        raise Invalid(
            f"The {field} is too long.", {field: [f"Longer than maximum length {NAME_LENGTH}."]}
        )
    return name


def create_team(
    owner: User,
    name: str,
    members: list[tuple[str, dict[str, Any], Shown]],
    rules_version: str,
) -> Team:
    """A new team of (name, profile data, route shown) members, shown under `rules_version`."""
    team = Team(owner=owner, name=checked_name(name), rules_version=rules_version)
    db.session.add(team)
    try:
        for position, (member_name, profile, (route, rule)) in enumerate(members):
            team.members.append(
                Member(
                    position=position,
                    name=checked_name(member_name, "member name")[:NAME_LENGTH],
                    profile=profile,
                    shown_route=route,
                    shown_rule=rule,
                )
            )
        db.session.flush()
        event(team, owner.email, "created", f"Created the team {team.name!r} of {len(members)}.")
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise
    return team


def rename_team(team: Team, name: str, actor: str, expected_version: int | None = None) -> None:
    """Rename a team."""
    name = checked_name(name)
    with change(team, expected_version):
        event(team, actor, "renamed", f"Renamed the team from {team.name!r} to {name!r}.")
        team.name = name


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
    shown: Shown | None,
    expected_version: int | None = None,
) -> Member:
    """Add a member at the end of the team (`shown`: the route they are shown, if any)."""
    name = checked_name(name, "member name")
    position = max((m.position for m in team.members), default=-1) + 1
    member = Member(name=name, profile=profile, position=position)
    if shown is not None:
        member.shown_route, member.shown_rule = shown
    with change(team, expected_version):
        team.members.append(member)
        db.session.flush()
        event(team, actor, "member added", f"Added {name}.", member)
    return member


def update_member(
    member: Member,
    name: str,
    profile: dict[str, Any],
    actor: str,
    shown: Shown,
    expected_version: int | None = None,
) -> None:
    """Replace a member's name and profile, and the route they are shown."""
    name = checked_name(name, "member name")
    team = member.team
    with change(team, expected_version):
        event(team, actor, "member edited", f"Edited {member.name}'s profile.", member)
        member.name, member.profile = name, profile
        member.shown_route, member.shown_rule = shown


def remove_member(member: Member, actor: str, expected_version: int | None = None) -> None:
    """Remove a member and their progress from the team."""
    team = member.team
    with change(team, expected_version):
        event(team, actor, "member removed", f"Removed {member.name}.", member)
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
        raise Invalid("The progress is not valid.", errors)
    team = member.team
    with change(team, expected_version):
        entry = next((p for p in member.progress if p.course == course), None)
        if entry is None:
            entry = Progress(course=course, status=status, date=on, recorded_by=actor)
            member.progress.append(entry)
        else:
            entry.status, entry.date, entry.recorded_by = status, on, actor
            entry.recorded_at = utcnow()
        event(
            team,
            actor,
            "progress",
            f"{member.name}: {course} {status} on {on.isoformat()}.",
            member,
        )
    return entry


def mark_rules_shown(team: Team, version: str, shown: dict[int, Shown], actor: str) -> None:
    """Record that the team has been shown under rules `version`, each member's route with it."""
    with change(team):
        event(team, actor, "rules", f"Rules {team.rules_version} -> {version} acknowledged.")
        team.rules_version = version
        for member in team.members:
            if member.id in shown:
                member.shown_route, member.shown_rule = shown[member.id]


# --- private member links -------------------------------------------------------------------


def set_member_link(member: Member, link_hash: str | None, actor: str) -> None:
    """Store the hash of a member's new private link (None: revoke it)."""
    text = (
        f"Made a private link for {member.name}."
        if link_hash
        else f"Revoked {member.name}'s private link."
    )
    with change(member.team):
        member.link_hash = link_hash
        event(member.team, actor, "link", text, member)


def member_by_link_hash(link_hash: str) -> Member | None:
    """The member whose private link has this hash, or None."""
    return db.session.scalar(select(Member).where(Member.link_hash == link_hash))
