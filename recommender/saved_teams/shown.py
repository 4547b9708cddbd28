"""What a saved team shows, read from its members' kept plans (plans.py writes them).

A page of members, each as the API answers them, with the team's sums over everyone (sums.py:
its summary, schedule and budget, kept in the process while they cannot change); the whole
plan, every member and every name, for the downloads; what a change of the rules did to the
members' routes. The stale plans among them are re-planned first (plans.refresh).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from ..diff import Outcome as RouteOutcome
from ..recommendation import Recommender
from ..store import plan_queries as kept
from ..store.kept_plans import replace_plans
from ..store.models import COMPLETED, ERROR, Member, MemberPlan, Progress, Team
from .plans import Slot, fresh_between, kept_plans, refresh
from .sums import Sums, kept_sums, named_schedule, sums_of

PER_PAGE = 50  # members on a page, unless asked for another number
MAX_PER_PAGE = 500


@dataclass(frozen=True)
class PageQuery:
    """Which members to show: page `page` of `per_page`, of those whose name holds `search`
    (any case), of those behind if `behind`."""

    page: int = 1
    per_page: int = PER_PAGE
    search: str | None = None
    behind: bool = False


@dataclass(frozen=True)
class RouteChange:
    """How the current rules change a member's route: the one shown, the one decided now."""

    old: RouteOutcome
    new: RouteOutcome


@dataclass(frozen=True)
class SavedPlan:
    """A saved team as shown: the team plan's dict (its members a page of them, or all), how
    many members the page is of, and what a change of the rules did."""

    plan: dict[str, Any]
    total: int
    query: PageQuery | None  # None: every member
    rules_change: dict[str, Any] | None  # None: shown under these rules already
    changed: list[tuple[int, RouteChange]] = field(default_factory=list)
    changed_count: int = 0

    @property
    def last_page(self) -> int:
        """The number of the last page (1 when there is nothing to show)."""
        per_page = self.query.per_page if self.query else max(1, self.total)
        return max(1, -(-self.total // per_page))


def team_page(
    recommender: Recommender,
    team: Team,
    query: PageQuery | None = None,
    today: date | None = None,
    slot: Slot = nullcontext,
    changed_limit: int | None = None,
) -> SavedPlan:
    """A page of the team's members, with the team's sums over everyone."""
    day = today or date.today()
    query = query or PageQuery()
    sums = kept_sums(recommender, team, day)
    if sums is None:  # not shown in this process since it changed: its plans may be stale
        refresh(recommender, team, day, slot)
        sums = sums_of(recommender, team, day)
    filtered = bool(query.search) or query.behind
    total, rows = kept.member_page(
        team.id,
        (query.page - 1) * query.per_page,
        query.per_page,
        query.search,
        day if query.behind else None,
        total=None if filtered else sums.people,
    )
    names = kept.cohort_members(team.id, [member.id for member, _ in rows])
    return _shown(recommender, team, sums, rows, total, names, day, query, changed_limit)


def whole_plan(
    recommender: Recommender,
    team: Team,
    today: date | None = None,
    slot: Slot = nullcontext,
    streamed: bool = False,
) -> SavedPlan:
    """Every member of the team and every name in its cohorts: what the downloads hold.

    `streamed`: the members are read from the database a thousand at a time on each pass over
    them (StreamedMembers), never all at once: a large team's download holds a thousand.
    """
    day = today or date.today()
    refresh(recommender, team, day, slot)
    sums = sums_of(recommender, team, day)
    names = kept.cohort_members(team.id)
    if streamed:
        shown = _shown(recommender, team, sums, [], sums.people, names, day, None)
        shown.plan["members"] = StreamedMembers(team.id, sums.people, day)
        return shown
    rows = [row for part in kept.all_members(team.id) for row in part]
    return _shown(recommender, team, sums, rows, len(rows), names, day, None)


class StreamedMembers:
    """A team's members as the API answers them, in team order, read anew on each pass."""

    def __init__(self, team_id: int, total: int, day: date) -> None:
        self.team_id, self.total, self.day = team_id, total, day

    def __len__(self) -> int:
        return self.total

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for part in kept.all_members(self.team_id):
            progress = kept.progress_of([member.id for member, _ in part])
            for member, plan in part:
                yield member_entry(member, plan, progress[member.id], self.day)


def _shown(
    recommender: Recommender,
    team: Team,
    sums: Sums,
    rows: list[tuple[Member, MemberPlan]],
    total: int,
    names: dict[tuple[date, str], list[tuple[str, int]]],
    day: date,
    query: PageQuery | None,
    changed_limit: int | None = None,
) -> SavedPlan:
    progress = kept.progress_of([member.id for member, _ in rows])
    shaped = sums.shaped
    plan = {
        "rules_version": recommender.rulebook.version,
        "members": [member_entry(m, p, progress[m.id], day) for m, p in rows],
        "summary": shaped["summary"],
        "schedule": named_schedule(sums, names),
        "group_sessions": shaped["group_sessions"],
        "budget": shaped["budget"],
        "notices": shaped["notices"],
    }
    if "alignment" in shaped:
        plan["alignment"] = shaped["alignment"]
    change, changed, count = rules_change(recommender, team, changed_limit)
    return SavedPlan(plan, total, query, change, changed, count)


def member_entry(
    member: Member, plan: MemberPlan, progress: list[Progress], today: date
) -> dict[str, Any]:
    """A member as the API answers them (SavedMemberSchema), from their kept plan, on `today`."""
    entry = dict(plan.entry)
    first_ends = entry.pop("first_ends", [])
    errors = plan.state == ERROR
    overdue = [] if errors else [code for code, end in first_ends if end < today.isoformat()]
    if errors:
        status = None
    elif plan.state == COMPLETED:
        status = "completed"
    else:
        status = "behind" if overdue else "on_track"
    return {
        "row": member.position + 1,
        "line": None,
        "name": member.name,
        "recommended_route": entry["recommended_route"],
        "remaining_courses": entry["remaining_courses"],
        "estimated_months": entry["estimated_months"],
        "study_hours": entry["study_hours"],
        "estimated_cost": entry["estimated_cost"],
        "exam_schedule": entry["exam_schedule"],
        "warnings": entry["warnings"],
        "extra": member.extra or {},
        "errors": entry["errors"],
        "id": member.id,
        "profile": member.profile,
        "progress": [progress_entry(p) for p in progress],
        "status": status,
        "overdue_courses": overdue,
        "earned": entry.get("earned", []),
        # The planner's retakes (planner.plan_retake): each failed course's retake window, fee,
        # and what the failure adds in months and fees.
        "retakes": entry.get("retakes", []),
        "has_private_link": member.link_hash is not None,
        "email": member.email,
    }


def progress_entry(p: Progress) -> dict[str, Any]:
    """One attempt as the API answers it."""
    return {
        "id": p.id,
        "course": p.course,
        "status": p.status,
        "date": p.date.isoformat(),
        "recorded_by": p.recorded_by,
        "recorded_at": p.recorded_at.isoformat(timespec="seconds") + "Z",
    }


def member_plan(
    recommender: Recommender, member: Member, today: date | None = None
) -> dict[str, Any]:
    """One member's entry from their kept plan (re-planned alone if stale): never the team."""
    day = today or date.today()
    plan = kept.member_plan(member.id)
    fresh_from, fresh_to = fresh_between(recommender.catalog, day)
    if (
        plan is None
        or plan.rules_version != recommender.rulebook.version
        or not fresh_from <= plan.planned_on < fresh_to
    ):
        replace_plans(
            member.team_id, [member.id], lambda members: kept_plans(recommender, members, day)
        )
        plan = kept.member_plan(member.id)
        assert plan is not None  # just written
    return member_entry(member, plan, kept.progress_of([member.id])[member.id], day)


def rules_change(
    recommender: Recommender, team: Team, limit: int | None = None
) -> tuple[dict[str, Any] | None, list[tuple[int, RouteChange]], int]:
    """The rules change since the team was last shown, as the API and the page show it (None
    if none), how each member's route changes (the first `limit`), and how many change.

    The `rules diff` report: the members are its profiles, the route each was last shown is
    the old outcome (kept, as the old rules may be gone), the rules' decision now the new one.
    """
    current = recommender.rulebook.version
    if team.rules_version == current:
        return None, [], 0
    count, rows = kept.changed_routes(team.id, limit)
    changed = [
        (
            member_id,
            RouteChange(RouteOutcome(shown, shown_rule or "unknown"), RouteOutcome(route, rule)),
        )
        for member_id, _name, shown, shown_rule, route, rule in rows
    ]
    data = {
        "old_version": team.rules_version or "unknown",
        "new_version": current,
        "members": kept.member_count(team.id),
        "changed": [
            {
                "member_id": member_id,
                "name": name,
                "old_route": shown,
                "new_route": route,
                "rule": rule,
            }
            for member_id, name, shown, _shown_rule, route, rule in rows
        ],
    }
    return data, changed, count
