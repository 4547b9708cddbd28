"""Saved teams with the recommender: create from a roster, check a member, plan, record."""

from __future__ import annotations

from datetime import date
from typing import Any

from ..errors import ProfileError
from ..recommendation import Recommender
from ..schemas import PROFILE_FIELDS
from ..team import NAME_COLUMNS, Roster
from . import queries
from .models import Member, Team, User
from .plans import SavedPlan, outcome_of, plan_saved_team


def _pinned(profile: dict[str, Any], today: date) -> dict[str, Any]:
    # A saved plan starts on the day it was made, not on each day it is shown: that is the
    # schedule a member is on track for, or behind.
    if not profile.get("start_date"):
        return {**profile, "start_date": today.isoformat()}
    return profile


def _outcome(recommender: Recommender) -> queries.Outcome:
    return lambda profile: outcome_of(recommender, profile)


def create_from_roster(
    recommender: Recommender, owner: User, name: str, roster: Roster, today: date | None = None
) -> Team:
    """Save a roster as a team: every row a member (a bad row too, to be fixed later)."""
    today = today or date.today()
    members = [
        (row.name or f"Row {row.row}", _pinned(dict(row.data or {}), today)) for row in roster.rows
    ]
    return queries.create_team(
        owner, name, members, _outcome(recommender), recommender.rulebook.version
    )


def checked_member(
    recommender: Recommender, data: Any, today: date | None = None
) -> tuple[str, dict[str, Any]]:
    """A member's name and profile from request data (StoreError naming each bad field)."""
    if not isinstance(data, dict):
        raise queries.StoreError(
            "A member is an object: a name and the profile fields.",
            {"_schema": ["Invalid input type."]},
        )
    name = next((data[c] for c in NAME_COLUMNS if data.get(c) not in (None, "")), "")
    errors: dict[str, list[str]] = {}
    if not isinstance(name, str) or not name.strip():
        errors["name"] = ["Missing data for required field."]
    unknown = sorted(str(k) for k in data if k not in PROFILE_FIELDS and k not in NAME_COLUMNS)
    for key in unknown:
        errors[key] = ["Unknown field."]
    profile = {k: v for k, v in data.items() if k in PROFILE_FIELDS}
    try:
        recommender.load_profile(profile)
    except ProfileError as exc:
        errors.update(exc.errors)
    if errors:
        field = next(iter(errors))
        raise queries.StoreError(f"The member is not valid: {field}: {errors[field][0]}", errors)
    return str(name).strip(), _pinned(profile, today or date.today())


def add_member(
    recommender: Recommender, team: Team, data: Any, actor: str, expected: int | None = None
) -> Member:
    """Add a checked member to a team."""
    name, profile = checked_member(recommender, data)
    return queries.add_member(team, name, profile, actor, _outcome(recommender), expected)


def replace_member(
    recommender: Recommender, member: Member, data: Any, actor: str, expected: int | None = None
) -> None:
    """Replace a member's name and profile with checked data."""
    name, profile = checked_member(recommender, data)
    queries.update_member(member, name, profile, actor, _outcome(recommender), expected)


def record_progress(
    recommender: Recommender,
    member: Member,
    course: str,
    status: str,
    on: date,
    actor: str,
    expected: int | None = None,
) -> None:
    """Record progress on a course named in any spelling the catalog knows ('api29')."""
    code = recommender.catalog.normalise_code(course or "")
    if code is None:
        raise queries.StoreError(
            f"Unknown course {course!r}.", {"course": [f"Unknown course: {course}."]}
        )
    queries.record_progress(member, code, status, on, actor, expected)


def plan(recommender: Recommender, team: Team, today: date | None = None) -> SavedPlan:
    """The team's plan now."""
    return plan_saved_team(recommender, team, today)


def acknowledge_rules(recommender: Recommender, team: Team, actor: str) -> None:
    """Record that the team was shown under the current rules, with its members' routes now."""
    saved = plan_saved_team(recommender, team)
    queries.mark_rules_shown(team, recommender.rulebook.version, saved.outcomes, actor)
