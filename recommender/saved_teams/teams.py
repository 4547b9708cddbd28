"""Saved teams' use-cases: every change that re-plans, the one writer of a member's shown route.

A view or a command calls one of these; each checks its input with the recommender and hands
the store what to keep (recommender.store.teams), with a `replan` of the changed member
(plans.py) that the store runs inside the change's transaction: a change to one member
re-plans that member alone. Nothing else writes a member's shown route or kept plan.
"""

from __future__ import annotations

import re
from contextlib import nullcontext
from datetime import date
from typing import Any

from ..accounts.people import checked_email
from ..accounts.tokens import new_secret, token_hash
from ..errors import ProfileError
from ..recommendation import Recommender
from ..schemas import PROFILE_FIELDS
from ..store import teams as store
from ..store.errors import Invalid
from ..store.models import Member, Team, User
from ..stored_text import storable
from ..team import NAME_COLUMNS, Roster
from .plans import Slot, outcome_of, refresh, replanner
from .progress_dates import check_progress_date
from .shown import SavedPlan, whole_plan

ADDRESS = re.compile(r"[^@\s\x00]{1,64}@[^@\s\x00]+\.[^@\s\x00]+")  # a member's e-mail, roughly


def _pinned(profile: dict[str, Any], today: date) -> dict[str, Any]:
    # A saved plan starts on the day it was made, not on each day it is shown: that is the
    # schedule a member is on track for, or behind.
    if not profile.get("start_date"):
        return {**profile, "start_date": today.isoformat()}
    return profile


def create_from_roster(
    recommender: Recommender, owner: User, name: str, roster: Roster, today: date | None = None
) -> Team:
    """Save a roster as a team: every row a member (a bad row too, to be fixed later)."""
    today = today or date.today()
    members = [
        (row.name or f"Row {row.row}", _pinned(dict(row.data or {}), today)) for row in roster.rows
    ]
    emails = roster_emails(roster)  # the `email` column is kept as the member's own address
    extras = [
        kept_extra({k: v for k, v in row.extra.items() if not _is_email_column(k)})
        for row in roster.rows
    ]
    team = store.create_team(
        owner, name, members, recommender.rulebook.version, extras, emails=emails
    )
    refresh(recommender, team, today)  # every member planned and kept
    store.show_kept_routes(team)  # each is shown the route the rules decide, as planned
    return team


def kept_extra(extra: dict[str, Any]) -> dict[str, Any]:
    """A roster row's columns not used for planning, as kept: text every database holds."""

    def text(value: Any) -> Any:
        return storable(value) if isinstance(value, str) else value

    return {storable(str(key)): text(value) for key, value in extra.items()}


CLIENT = "client"  # a team's settings key: a one-person team kept from a result page


def create_client(
    recommender: Recommender, owner: User, data: dict[str, Any], today: date | None = None
) -> Team:
    """Keep an adviser's client: the profile of a result page, as a one-person team named
    after them and marked as a client (Invalid naming each bad field)."""
    today = today or date.today()
    name, profile = checked_member(recommender, data, today)
    team = store.create_team(
        owner, name, [(name, profile)], recommender.rulebook.version, settings={CLIENT: True}
    )
    refresh(recommender, team, today)
    store.show_kept_routes(team)
    return team


def is_client(team: Team) -> bool:
    """Whether the team is an adviser's client kept from a result page."""
    return bool((team.settings or {}).get(CLIENT))


def _is_email_column(header: str) -> bool:
    """A roster's `email` column, in any case and spacing."""
    return header.strip().lower() == "email"


def _email_of(value: Any) -> str | None:
    """A member's e-mail as stored (None for None); Invalid if it is not an address."""
    if value is None:
        return None
    if not isinstance(value, str) or not ADDRESS.fullmatch(value.strip()):
        raise Invalid("Give a valid email address.", {"email": ["Not a valid email address."]})
    return checked_email(value)


def member_email(data: Any) -> str | None:
    """The e-mail a member's data gives (an `email` key), checked; None without one."""
    return _email_of(data.get("email")) if isinstance(data, dict) else None


def roster_emails(roster: Roster) -> list[str | None] | None:
    """Each row's address from the roster's optional `email` column (None without the
    column); a bad address is refused naming its row."""
    emails: list[str | None] = []
    found = False
    errors: dict[str, list[str]] = {}
    for row in roster.rows:
        column = next((k for k in row.extra if _is_email_column(k)), None)
        found = found or column is not None
        try:
            cell = str(row.extra.get(column) or "").strip() if column else ""
            emails.append(_email_of(cell) if cell else None)
        except Invalid:
            errors[f"{row.where}: email"] = ["Not a valid email address."]
            emails.append(None)
    if errors:
        where = next(iter(errors))
        raise Invalid(f"The roster is not valid: {where}: {errors[where][0]}", errors)
    return emails if found else None


def checked_member(
    recommender: Recommender, data: Any, today: date | None = None
) -> tuple[str, dict[str, Any]]:
    """A member's name and profile from request data (Invalid naming each bad field)."""
    if not isinstance(data, dict):
        raise Invalid(
            "A member is an object: a name and the profile fields.",
            {"_schema": ["Invalid input type."]},
        )
    name = next((data[c] for c in NAME_COLUMNS if data.get(c) not in (None, "")), "")
    errors: dict[str, list[str]] = {}
    if not isinstance(name, str) or not name.strip():
        errors["name"] = ["Missing data for required field."]
    known = (*PROFILE_FIELDS, *NAME_COLUMNS, "email")
    unknown = sorted(str(k) for k in data if k not in known)
    for key in unknown:
        errors[key] = ["Unknown field."]
    try:
        member_email(data)
    except Invalid as exc:
        errors.update(exc.errors)
    profile = {k: v for k, v in data.items() if k in PROFILE_FIELDS}
    try:
        recommender.load_profile(profile)
    except ProfileError as exc:
        errors.update(exc.errors)
    if errors:
        field = next(iter(errors))
        raise Invalid(f"The member is not valid: {field}: {errors[field][0]}", errors)
    return str(name).strip(), _pinned(profile, today or date.today())


def add_member(
    recommender: Recommender, team: Team, data: Any, actor: str, expected: int | None = None
) -> Member:
    """Add a checked member to a team."""
    name, profile = checked_member(recommender, data)
    route, rule = outcome_of(recommender, profile)
    # Under rules the team was never shown, or with a route decided, the member is shown it.
    shown = (route, rule) if team.rules_version is None or rule is not None else None
    return store.add_member(
        team, name, profile, actor, shown, replanner(recommender), expected, member_email(data)
    )


def replace_member(
    recommender: Recommender, member: Member, data: Any, actor: str, expected: int | None = None
) -> None:
    """Replace a member's name and profile with checked data."""
    name, profile = checked_member(recommender, data)
    shown = outcome_of(recommender, profile)
    store.update_member(
        member, name, profile, actor, shown, replanner(recommender), expected, member_email(data)
    )


def record_progress(
    recommender: Recommender,
    member: Member,
    course: str,
    status: str,
    on: date,
    actor: str,
    expected: int | None = None,
    today: date | None = None,
) -> None:
    """Record an attempt at a course named in any spelling the catalog knows ('api29')."""
    code = recommender.catalog.normalise_code(course or "")
    if code is None:
        raise Invalid(f"Unknown course {course!r}.", {"course": [f"Unknown course: {course}."]})
    check_progress_date(recommender.catalog, status, on, today)
    store.record_progress(member, code, status, on, actor, replanner(recommender, today), expected)


def remove_progress(
    recommender: Recommender,
    member: Member,
    progress_id: int,
    actor: str,
    expected: int | None = None,
) -> None:
    """Remove a wrong progress entry of the member's (ProgressNotFound if not theirs)."""
    entry = store.progress_entry(member, progress_id)
    store.remove_progress(member, entry, actor, replanner(recommender), expected)


def plan(
    recommender: Recommender, team: Team, today: date | None = None, slot: Slot = nullcontext
) -> SavedPlan:
    """The team's whole plan now: every member, every name (the downloads')."""
    return whole_plan(recommender, team, today, slot)


def acknowledge_rules(
    recommender: Recommender, team: Team, actor: str, slot: Slot = nullcontext
) -> None:
    """Record that the team was shown under the current rules, with its members' routes now."""
    refresh(recommender, team, slot=slot)
    store.mark_rules_shown(team, recommender.rulebook.version, actor)


def create_member_link(member: Member, actor: str) -> str:
    """A new private link token for a member (any earlier one stops working): shown once."""
    token = new_secret()
    store.set_member_link(member, token_hash(token), actor)
    return token


def revoke_member_link(member: Member, actor: str) -> None:
    """Stop a member's private link working."""
    store.set_member_link(member, None, actor)


def member_for_link(token: str) -> Member | None:
    """The member whose private link this is, or None."""
    return store.member_by_link_hash(token_hash(token)) if token else None
