"""A saved team's plan, worked out afresh by the team planner from its members and progress.

Nothing here plans: a member's stored profile plus their progress becomes a roster row (a
passed course is credited as a completed course, a failed one is a `Failure` the planner
retakes), and `recommender.team.plan_team` plans the rows as it plans an uploaded roster.
This module adds what only a saved team has: each member's progress, whether they are on
track for the exam dates of their first plan, the designations their passed courses
complete, and what a change of the rules did to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from ..diff import Change, DiffReport
from ..diff import Outcome as RouteOutcome
from ..errors import EngineError, ProfileError
from ..planner import Profile, exam_schedule, plan_routes
from ..recommendation import Recommender
from ..store.models import Member, Team
from ..team import Failure, Roster, RosterRow, plan_team
from .progress_dates import unplannable, unplanned_warning

EARNABLE = ("API", "CPCU")  # the routes' designations, as plan_routes names their plans


@dataclass(frozen=True)
class SavedPlan:
    """The plan of a saved team: the team plan's dict, and the outcome per member id."""

    plan: dict[str, Any]
    outcomes: dict[int, tuple[str | None, str | None]]  # member id -> (route, deciding rule)
    rules_change: DiffReport | None  # None: shown under these rules already
    changed: list[tuple[int, Change]]  # member id, and how the new rules change their route
    names: dict[int, str]


def passed_courses(member: Member) -> list[str]:
    """The courses the member has passed, by their progress."""
    return [p.course for p in member.progress if p.status == "passed"]


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(";") if v.strip()]
    return list(value) if isinstance(value, list | tuple) else []


def planned_data(member: Member, today: date) -> dict[str, Any]:
    """The member's profile data as planned now: passed courses credited, from today on."""
    data = dict(member.profile)
    passed = passed_courses(member)
    if passed:
        completed = _as_list(data.get("completed_courses"))
        data["completed_courses"] = list(dict.fromkeys([*completed, *passed]))
    start = data.get("start_date")
    # What is left is planned from today: the start of a plan made years ago has passed.
    if isinstance(start, str) and start < today.isoformat():
        data["start_date"] = today.isoformat()
    return data


def failures_of(recommender: Recommender, member: Member, today: date) -> tuple[Failure, ...]:
    """The member's failed courses (not passed since), each to be planned as a retake."""
    unplanned = unplannable(recommender.catalog, member, today)  # a warning instead
    failed = [p for p in member.progress if p.status == "failed" and p not in unplanned]
    if not failed:
        return ()
    access = {
        e["code"]: date.fromisoformat(e["access_ends"])
        for e in first_schedule(recommender, member, today)
    }
    # A course has one progress record (a later one replaces it), so an earlier failure in
    # the same window is not known here: the planner counts no retake taken in it yet.
    return tuple(Failure(p.course, p.date, 0, access.get(p.course)) for p in failed)


def outcome_of(recommender: Recommender, data: dict[str, Any]) -> tuple[str | None, str | None]:
    """The recommended route and the deciding rule for profile data ((None, None) if invalid)."""
    try:
        profile = recommender.load_profile(data)
        decision = recommender.decision(recommender.fired_rules(profile))
    except (ProfileError, EngineError):
        return None, None
    return decision.recommend, decision.id


def plan_saved_team(recommender: Recommender, team: Team, today: date | None = None) -> SavedPlan:
    """Plan the team now, under the current rules, with each member's progress."""
    today = today or date.today()
    members = list(team.members)
    data = [planned_data(m, today) for m in members]
    rows = [
        RosterRow(i + 1, m.name, d, {}, failures=failures_of(recommender, m, today))
        for i, (m, d) in enumerate(zip(members, data, strict=True))
    ]
    plan = plan_team(recommender, Roster(rows, [], "json"), today=today)
    outcomes: dict[int, tuple[str | None, str | None]] = {}
    changed: list[tuple[int, Change]] = []
    for member, planned, entry in zip(members, data, plan["members"], strict=True):
        outcome = outcome_of(recommender, planned)
        outcomes[member.id] = outcome
        entry.update(_progress_fields(recommender, member, planned, entry, today))
        unplanned = unplannable(recommender.catalog, member, today)
        entry["warnings"] = [*map(unplanned_warning, unplanned), *entry["warnings"]]
        route, rule = outcome
        if rule is not None and route != member.shown_route:
            old = RouteOutcome(member.shown_route, member.shown_rule or "unknown")
            profile = recommender.load_profile(planned)
            changed.append((member.id, Change(profile, old, RouteOutcome(route, rule))))
    report = None
    current = recommender.rulebook.version
    if team.rules_version != current:
        # The `rules diff` report: the members are its profiles, the route each was last
        # shown is the old outcome (kept, as the old rules may be gone), the new one is now.
        changes = [c for _, c in changed]
        report = DiffReport(team.rules_version or "unknown", current, len(members), changes)
    else:
        changed = []  # a route changed by an edit under the same rules is no rules change
    return SavedPlan(plan, outcomes, report, changed, {m.id: m.name for m in members})


def _progress_fields(
    recommender: Recommender,
    member: Member,
    planned: dict[str, Any],
    entry: dict[str, Any],
    today: date,
) -> dict[str, Any]:
    progress = [
        {
            "course": p.course,
            "status": p.status,
            "date": p.date.isoformat(),
            "recorded_by": p.recorded_by,
            "recorded_at": p.recorded_at.isoformat(timespec="seconds") + "Z",
        }
        for p in member.progress
    ]
    passed = set(passed_courses(member))
    fields: dict[str, Any] = {
        "id": member.id,
        "profile": member.profile,
        "progress": progress,
        "status": None,
        "overdue_courses": [],
        "earned": [],
        # The planner's retakes (planner.plan_retake): each failed course's retake window, fee,
        # and what the failure adds in months and fees.
        "retakes": entry.get("retakes", []),
        "has_private_link": member.link_hash is not None,
    }
    if entry["errors"]:
        return fields
    profile = recommender.load_profile(planned)
    fields["earned"] = earned_designations(recommender, profile)
    overdue = overdue_courses(recommender, member, passed, today)
    fields["overdue_courses"] = overdue
    if entry["recommended_route"] and not entry["remaining_courses"]:
        fields["status"] = "completed"
    else:
        fields["status"] = "behind" if overdue else "on_track"
    return fields


def earned_designations(recommender: Recommender, profile: Profile) -> list[str]:
    """Designations not held whose every course is credited: earned, pending experience rules."""
    plans = plan_routes(profile, recommender.catalog)
    return [d for d in EARNABLE if d not in profile.designations and not plans[d].remaining]


def first_schedule(recommender: Recommender, member: Member, today: date) -> list[dict[str, Any]]:
    """The exam schedule of the member's first plan (as stored, before any progress)."""
    try:
        profile = recommender.load_profile(member.profile)
        chosen = recommender.chosen_plan(profile, recommender.fired_rules(profile))
    except (ProfileError, EngineError):
        return []
    if chosen is None:
        return []
    codes = [s.code for s in chosen.remaining]
    start = profile.start_date or today
    return exam_schedule(codes, recommender.catalog, profile.hours_per_week, start)


def overdue_courses(
    recommender: Recommender, member: Member, passed: set[str], today: date
) -> list[str]:
    """Courses of the member's first plan whose exam window has closed without a pass."""
    return [
        s["code"]
        for s in first_schedule(recommender, member, today)
        if s["code"] not in passed and date.fromisoformat(s["window_end"]) < today
    ]


def rules_change_data(saved: SavedPlan) -> dict[str, Any] | None:
    """The rules change since the team was last shown, as the API and the page show it."""
    report = saved.rules_change
    if report is None:
        return None
    return {
        "old_version": report.old_version,
        "new_version": report.new_version,
        "members": report.profiles,
        "changed": [
            {
                "member_id": member_id,
                "name": saved.names[member_id],
                "old_route": change.old.route,
                "new_route": change.new.route,
                "rule": change.new.rule,
            }
            for member_id, change in saved.changed
        ],
    }
