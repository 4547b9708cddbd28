"""Each saved member's plan, kept: the one use-case that re-plans (the kept rows' one writer).

Nothing here plans: a member's stored profile plus their progress becomes a roster row (every
course passed in any attempt is credited as completed; a course failed and not passed since
is a `Failure` the planner retakes, counting the failures in the latest one's testing
window), and `recommender.team.plan_rows` plans the rows as `plan_team` plans an uploaded
roster. What comes out is kept per member (store.kept_plans: member_plans, member_exams) with what
only a saved team has: the designations their passed courses complete, the rules' decision
(for a rules change), and the day they fall behind the exam dates of their first plan.

A member is planned when they, their progress or the rules change: a change to a member
re-plans that member alone, in the change's own transaction (`replanner`). A kept plan is
stale when it was made under other rules, or before a testing window opened or closed (the
exams still to sit move from the day it is planned); stale plans are re-planned when the team
is shown (`refresh`), or by `career-path teams replan`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any

from ..catalog import Catalog
from ..errors import EngineError, ProfileError
from ..planner import Profile, exam_windows, plan_routes
from ..recommendation import Recommender
from ..schemas import START_DATES
from ..store import kept_plans as kept
from ..store.models import ACTIVE, COMPLETED, ERROR, Member, Progress, Team
from ..team import Failure, PlannedRow, Planner, RosterRow, plan_rows
from .progress_dates import unplannable, unplanned_warning

EARNABLE = ("API", "CPCU")  # the routes' designations, as plan_routes names their plans
CHUNK = 250  # members re-planned per transaction: a short write turn for everyone else
INLINE = 200  # stale members re-planned without a planning slot; more take one

Slot = Callable[[], AbstractContextManager[Any]]  # http.planning.planning_slot, or none


# --- a member as a roster row ---------------------------------------------------------------


def passed_courses(progress: list[Progress]) -> list[str]:
    """The courses passed in any attempt."""
    return list(dict.fromkeys(p.course for p in progress if p.status == "passed"))


def _as_list(value: Any) -> list[Any]:
    if isinstance(value, str):
        return [v.strip() for v in value.split(";") if v.strip()]
    return list(value) if isinstance(value, list | tuple) else []


def planned_data(member: Member, today: date) -> dict[str, Any]:
    """The member's profile data as planned now: passed courses credited, from today on."""
    data = dict(member.profile)
    passed = passed_courses(member.progress)
    if passed:
        completed = _as_list(data.get("completed_courses"))
        data["completed_courses"] = list(dict.fromkeys([*completed, *passed]))
    start = data.get("start_date")
    # What is left is planned from today: the start of a plan made years ago has passed. A
    # start no plan may have (before START_DATES) stays, to be refused as /team refuses it.
    if isinstance(start, str) and START_DATES[0].isoformat() <= start < today.isoformat():
        data["start_date"] = today.isoformat()
    return data


def window_opened_by(catalog: Catalog, day: date) -> date | None:
    """The first day of the testing window holding `day`, or of the last one before it."""
    try:
        found = None
        for start, _end in exam_windows(catalog, date(day.year - 1, 1, 1)):
            if start > day:
                return found
            found = start
    except ValueError:  # a day at the calendar's edge: no window is known around it
        return None
    return found  # pragma: no cover  (exam_windows never ends)


def failures_of(
    catalog: Catalog, progress: list[Progress], first: list[dict[str, Any]]
) -> tuple[Failure, ...]:
    """Each course failed and not passed since, as the planner retakes it.

    The latest failure is retaken; the failures before it in its testing window are the
    retakes already taken there (a second failure in one window leaves none in it).
    """
    passed = set(passed_courses(progress))
    failed: dict[str, list[Progress]] = {}
    for attempt in progress:
        if attempt.status == "failed" and attempt.course not in passed:
            failed.setdefault(attempt.course, []).append(attempt)
    access = {exam["code"]: date.fromisoformat(exam["access_ends"]) for exam in first}
    failures = []
    for code, attempts in failed.items():
        latest = max(attempts, key=lambda p: (p.date, p.id or 0))
        window = window_opened_by(catalog, latest.date)
        earlier = sum(
            1
            for p in attempts
            if p is not latest
            and window is not None
            and window_opened_by(catalog, p.date) == window
        )
        failures.append(Failure(code, latest.date, earlier, access.get(code)))
    # In one order whatever order the attempts came in: a change's member, whose new attempt
    # is last in the session, is planned as the same member read back from the database.
    return tuple(sorted(failures, key=lambda f: (f.failed_on, f.code)))


@dataclass(frozen=True)
class FirstPlan:
    """What a member's stored profile says before any progress: the rules' decision (progress
    changes no fact the rules see) and the exam dates of that first plan."""

    route: str | None
    rule: str | None
    exams: list[dict[str, Any]]


def first_plan(recommender: Recommender, planner: Planner, data: dict[str, Any]) -> FirstPlan:
    """The first plan of a member's stored profile `data` (nothing decided if it is invalid),
    worked out by `planner` (its caches shared with the members' plans now)."""
    profile = planner.check(data)
    if not isinstance(profile, Profile):
        return FirstPlan(None, None, [])
    try:
        decision = recommender.decision(planner.rules(profile))
        # The outcome's exams start on the profile's start date (its first plan's), else today.
        exams = planner.outcome(profile).exams if decision.recommend else []
    except EngineError:
        return FirstPlan(None, None, [])
    return FirstPlan(decision.recommend, decision.id, exams)


def outcome_of(recommender: Recommender, data: dict[str, Any]) -> tuple[str | None, str | None]:
    """The recommended route and the deciding rule for profile data ((None, None) if invalid)."""
    try:
        profile = recommender.load_profile(data)
        decision = recommender.decision(recommender.fired_rules(profile))
    except (ProfileError, EngineError):
        return None, None
    return decision.recommend, decision.id


def earned_designations(recommender: Recommender, profile: Profile) -> list[str]:
    """Designations not held whose every course is credited: earned, pending experience rules."""
    plans = plan_routes(profile, recommender.catalog)
    return [d for d in EARNABLE if d not in profile.designations and not plans[d].remaining]


# --- planning members -----------------------------------------------------------------------


def rows_of(
    recommender: Recommender, members: list[Member], today: date, planner: Planner | None = None
) -> tuple[list[RosterRow], list[FirstPlan]]:
    """These members (their progress loaded) as roster rows planned on `today`, numbered by
    their place in the team, and each one's first plan."""
    planner = planner or Planner(recommender, today)
    catalog = recommender.catalog
    firsts = [first_plan(recommender, planner, member.profile) for member in members]
    rows = []
    for member, first in zip(members, firsts, strict=True):
        # A stored failure dated outside the planning horizon is not retaken: a warning says
        # so instead (progress_dates.unplannable), and one record never spoils the team.
        skipped = unplannable(catalog, member, today)
        planned = [p for p in member.progress if p not in skipped]
        rows.append(
            RosterRow(
                member.position + 1,
                member.name,
                planned_data(member, today),
                {},
                failures=failures_of(catalog, planned, first.exams),
            )
        )
    return rows, firsts


def kept_plans(recommender: Recommender, members: list[Member], today: date) -> list[kept.KeptPlan]:
    """Plan these members (their progress loaded) on `today`: what to keep of each."""
    planner = Planner(recommender, today)  # one set of caches for first plans and plans now
    rows, firsts = rows_of(recommender, members, today, planner)
    planned = _planned(recommender, rows, today, planner)
    version = recommender.rulebook.version
    kept_rows = []
    for member, done, first in zip(members, planned, firsts, strict=True):
        skipped = unplannable(recommender.catalog, member, today)
        if skipped:
            warnings = done.member["warnings"]
            done.member["warnings"] = [*map(unplanned_warning, skipped), *warnings]
        kept_rows.append(_kept(recommender, member, done, first, version, today))
    return kept_rows


def _planned(
    recommender: Recommender, rows: list[RosterRow], today: date, planner: Planner
) -> list[PlannedRow]:
    """plan_rows, where a stored record the planner cannot plan spoils only its own member."""
    try:
        return plan_rows(recommender, rows, planner=planner)
    except (ValueError, OverflowError):
        if len(rows) > 1:
            return [p for row in rows for p in _planned(recommender, [row], today, planner)]
    # A failure the planner cannot retake (a date at the calendar's edge): planned without
    # its retakes, and said so.
    row = rows[0]
    done = plan_rows(recommender, [replace(row, failures=())], planner=planner)[0]
    codes = ", ".join(failure.code for failure in row.failures)
    done.member["warnings"].append(
        f"{row.where.capitalize()}: a failed exam recorded ({codes}) could not be planned as a "
        "retake (check its date); planned without the retake."
    )
    return [done]


def _kept(
    recommender: Recommender,
    member: Member,
    done: PlannedRow,
    first: FirstPlan,
    version: str,
    today: date,
) -> kept.KeptPlan:
    entry = {
        key: value
        for key, value in done.member.items()
        if key not in ("row", "line", "name", "extra")
    }
    entry.setdefault("retakes", [])
    passed = set(passed_courses(member.progress))
    # The first plan's exams not passed yet, by when their window closes: behind after that.
    first_ends = sorted(
        ([e["code"], e["window_end"]] for e in first.exams if e["code"] not in passed),
        key=lambda pair: pair[1],
    )
    entry["first_ends"] = first_ends
    errors = bool(entry["errors"])
    entry["earned"] = (
        earned_designations(recommender, done.profile) if done.profile and not errors else []
    )
    route = entry["recommended_route"]
    if errors:
        state = ERROR
    else:
        state = COMPLETED if route and not entry["remaining_courses"] else ACTIVE
    hours = entry["study_hours"] or {"low": 0, "high": 0}
    columns = {
        "rules_version": version,
        "planned_on": today,
        "state": state,
        "route": route,
        "decided_route": first.route,
        "decided_rule": first.rule,
        "due_on": date.fromisoformat(first_ends[0][1]) if first_ends and not errors else None,
        "has_warnings": bool(entry["warnings"]),
        "study_low": hours["low"],
        "study_high": hours["high"],
        "cost_verified": bool(entry["estimated_cost"]["verified"]) if not errors else True,
        "entry": entry,
    }
    exams = [
        {
            "code": code,
            "window_start": window_start,
            "window_end": window_end,
            "ready": ready,
            "access_ends": access_ends,
            "study_starts": study_starts,
            "cents": cents,
            "retake": code in done.retaken,
        }
        for code, window_start, window_end, ready, access_ends, study_starts, cents in done.seats
    ]
    return kept.KeptPlan(member.id, columns, exams)


def replanner(
    recommender: Recommender, today: date | None = None
) -> Callable[[Member], kept.KeptPlan]:
    """A change's `replan`: the member as changed (progress loaded), planned on `today`."""
    day = today or date.today()
    return lambda member: kept_plans(recommender, [member], day)[0]


# --- stale plans ----------------------------------------------------------------------------


def fresh_between(catalog: Catalog, day: date) -> tuple[date, date]:
    """The days a plan made on `day` holds: from the last testing window's opening or closing
    on or before it, to the next one after it."""
    turns = sorted(
        turn
        for start, end in _windows_around(catalog, day)
        for turn in (start, end + timedelta(days=1))
    )
    return max(t for t in turns if t <= day), min(t for t in turns if t > day)


def _windows_around(catalog: Catalog, day: date) -> Iterator[tuple[date, date]]:
    for window in exam_windows(catalog, date(max(1, day.year - 1), 1, 1)):
        if window[0].year > day.year + 1:
            return
        yield window


def stale_members(recommender: Recommender, team: Team, today: date) -> list[int]:
    """The ids of the team's members whose kept plan is missing or stale on `today`."""
    fresh_from, fresh_to = fresh_between(recommender.catalog, today)
    return kept.stale_member_ids(team.id, recommender.rulebook.version, fresh_from, fresh_to)


def replan_members(recommender: Recommender, team_id: int, ids: list[int], today: date) -> None:
    """Re-plan these members of the team, CHUNK at a time, each chunk its own transaction."""
    for start in range(0, len(ids), CHUNK):
        kept.replace_plans(
            team_id,
            ids[start : start + CHUNK],
            lambda members: kept_plans(recommender, members, today),
        )


def refresh(
    recommender: Recommender, team: Team, today: date | None = None, slot: Slot = nullcontext
) -> int:
    """Re-plan the team's stale members (many of them inside `slot`); answer how many."""
    day = today or date.today()
    stale = stale_members(recommender, team, day)
    if stale:
        with slot() if len(stale) > INLINE else nullcontext():
            replan_members(recommender, team.id, stale, day)
    return len(stale)
