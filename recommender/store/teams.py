"""Saved teams' rows: teams, members, progress and history; one transaction per change.

Every change is one transaction: the team's new version, the change, its history event and the
changed member's kept plan are committed together, or, on any error, none of them. What a
member's plan is, and which route they were last shown, is worked out above the store
(recommender.saved_teams) and handed in: a change to a member takes a `replan` function that
plans the member as changed, inside the transaction.

A change to one member reads and writes that member's rows only (and the team's): never the
whole team, so that its cost does not grow with the team.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm.exc import StaleDataError

from ..extensions import db
from ..stored_text import text_problem
from .db import utcnow
from .errors import Invalid, MemberNotFound, ProgressNotFound, StaleVersion
from .kept_plans import KeptPlan, show_decided_routes, write_plans
from .models import STATUSES, Event, Member, Progress, Team, User
from .plan_queries import next_position
from .shares import visible_team, visible_teams

NAME_LENGTH = 200
MAX_ID = 2**31 - 1  # the largest id of an INTEGER column on PostgreSQL

Shown = tuple[str | None, str | None]  # the route and the deciding rule a member was shown
Replan = Callable[[Member], KeptPlan]  # a member as changed, planned (saved_teams.plans)


def teams_of(user: User) -> list[Team]:
    """The teams the user may see (store.shares), most recently changed first."""
    return [team for team, _ in visible_teams(user)]


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
    """A team the user may see (store.shares); TeamNotFound if there is none or they may not."""
    return visible_team(user, team_id)[0]


def team_by_id(team_id: int) -> Team | None:
    """Any team by its id (for commands: no owner to check), or None."""
    return db.session.get(Team, team_id) if 0 < team_id <= MAX_ID else None


def member_of(team: Team, member_id: int) -> Member:
    """A member of `team` (already the caller's); MemberNotFound if it is not one of them."""
    member = db.session.get(Member, member_id)
    if member is None or member.team_id != team.id:
        raise MemberNotFound()
    return member


def history_of(team: Team) -> list[Event]:
    """The team's history, oldest first."""
    return list(team.history)


def recent_history(team: Team, limit: int) -> list[Event]:
    """The team's latest `limit` events, newest first."""
    query = select(Event).where(Event.team_id == team.id).order_by(Event.id.desc()).limit(limit)
    return list(db.session.scalars(query))


@contextmanager
def change(team: Team, expected_version: int | None = None) -> Iterator[None]:
    """One change to a team as one transaction: check the version, apply, bump it, commit.

    StaleVersion if `expected_version` is not the team's, or if another change commits first.
    The new version is written first: from then on the transaction has the team's write turn
    (PostgreSQL locks the row, SQLite its one writer), so that changes to a team, and the
    kept plans written with them, take turns.
    """
    check_version(team, expected_version)
    try:
        team.updated_at = utcnow()
        team.version += 1
        db.session.flush()
        yield
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
    members: list[tuple[str, dict[str, Any]]],
    rules_version: str,
    extras: list[dict[str, Any]] | None = None,
    settings: dict[str, Any] | None = None,
    emails: list[str | None] | None = None,
) -> Team:
    """A new team of (name, profile data) members, to be shown under `rules_version` (the
    route each is shown is set from their kept plan: show_kept_routes); `extras` are the
    members' columns not used for planning, in the same order; `settings` how it is planned;
    `emails` the members' addresses (reminders go there)."""
    team = Team(
        owner=owner, name=checked_name(name), rules_version=rules_version, settings=settings
    )
    db.session.add(team)
    try:
        for position, (member_name, profile) in enumerate(members):
            team.members.append(
                Member(
                    position=position,
                    name=checked_name(member_name, "member name")[:NAME_LENGTH],
                    profile=profile,
                    extra=(extras[position] or None) if extras else None,
                    email=emails[position] if emails else None,
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


def set_settings(
    team: Team, settings: dict[str, Any], text: str, actor: str, expected: int | None = None
) -> None:
    """Keep how the team is planned (its settings), with `text` in the history."""
    with change(team, expected):
        event(team, actor, "settings", text)
        team.settings = {**(team.settings or {}), **settings}


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
    replan: Replan,
    expected_version: int | None = None,
    email: str | None = None,
) -> Member:
    """Add a member at the end of the team (`shown`: the route they are shown, if any)."""
    name = checked_name(name, "member name")
    with change(team, expected_version):
        member = Member(
            team_id=team.id,
            name=name,
            profile=profile,
            position=next_position(team.id),
            email=email,
        )
        if shown is not None:
            member.shown_route, member.shown_rule = shown
        db.session.add(member)
        db.session.flush()
        event(team, actor, "member added", f"Added {name}.", member)
        write_plans(team.id, [replan(member)])
    return member


def update_member(
    member: Member,
    name: str,
    profile: dict[str, Any],
    actor: str,
    shown: Shown,
    replan: Replan,
    expected_version: int | None = None,
    email: str | None = None,
) -> None:
    """Replace a member's name, profile and e-mail, and the route they are shown."""
    name = checked_name(name, "member name")
    team = member.team
    with change(team, expected_version):
        event(team, actor, "member edited", f"Edited {member.name}'s profile.", member)
        member.name, member.profile, member.email = name, profile, email
        member.shown_route, member.shown_rule = shown
        write_plans(team.id, [replan(member)])


def remove_member(member: Member, actor: str, expected_version: int | None = None) -> None:
    """Remove a member, their progress and their kept plan from the team."""
    team = member.team
    with change(team, expected_version):
        event(team, actor, "member removed", f"Removed {member.name}.", member)
        db.session.delete(member)


def _checked_progress(course: str, status: str) -> None:
    errors: dict[str, list[str]] = {}
    if status not in STATUSES:
        errors["status"] = [f"Must be one of: {', '.join(STATUSES)}."]
    if not course:
        errors["course"] = ["Missing data for required field."]
    if errors:
        raise Invalid("The progress is not valid.", errors)


def record_progress(
    member: Member,
    course: str,
    status: str,
    on: date,
    actor: str,
    replan: Replan,
    expected_version: int | None = None,
) -> Progress:
    """Record an attempt: `member` passed, failed or scheduled `course` on `on` (every one kept)."""
    _checked_progress(course, status)
    team = member.team
    with change(team, expected_version):
        entry = Progress(course=course, status=status, date=on, recorded_by=actor)
        member.progress.append(entry)
        db.session.flush()
        event(
            team,
            actor,
            "progress",
            f"{member.name}: {course} {status} on {on.isoformat()}.",
            member,
        )
        write_plans(team.id, [replan(member)])
    return entry


def progress_entry(member: Member, progress_id: int) -> Progress:
    """One of the member's progress entries; ProgressNotFound if it is not one of theirs."""
    # An id no row can have (the column is a 32-bit integer on PostgreSQL) is looked up nowhere.
    entry = db.session.get(Progress, progress_id) if 0 < progress_id <= MAX_ID else None
    if entry is None or entry.member_id != member.id:
        raise ProgressNotFound()
    return entry


def remove_progress(
    member: Member,
    entry: Progress,
    actor: str,
    replan: Replan,
    expected_version: int | None = None,
) -> None:
    """Remove a wrong progress entry of the member's (recorded in the history)."""
    team = member.team
    with change(team, expected_version):
        event(
            team,
            actor,
            "progress removed",
            f"{member.name}: removed {entry.course} {entry.status} on {entry.date.isoformat()} "
            f"(recorded by {entry.recorded_by}).",
            member,
        )
        member.progress.remove(entry)
        db.session.flush()
        write_plans(team.id, [replan(member)])


def show_kept_routes(team: Team) -> None:
    """Each member is shown the route their kept plan says the rules decide (a new team's)."""
    try:
        show_decided_routes(team.id)
        db.session.commit()
    except BaseException:
        db.session.rollback()
        raise


def mark_rules_shown(team: Team, version: str, actor: str) -> None:
    """Record that the team has been shown under rules `version`: each member is shown the
    route their kept plan (planned under `version`) says the rules decide."""
    with change(team):
        event(team, actor, "rules", f"Rules {team.rules_version} -> {version} acknowledged.")
        team.rules_version = version
        show_decided_routes(team.id)


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
