"""The overview: every team a user may see, side by side, and their exam budget summed.

For each team: its people, how many are on track, behind and have earned their designations,
and its next testing window's exams and buy-by date; across them all, the exam fees by fiscal
year. Read from the kept plans' sums in SQL (store.overview): a team's stale members are
re-planned first, as showing the team does, and nothing else is planned.
"""

from __future__ import annotations

from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..recommendation import Recommender
from ..store import budgets as team_budgets
from ..store import overview as sums
from ..store.models import User
from ..team import budget_of, buy_by
from .access import teams_of
from .plans import Slot, refresh


@dataclass(frozen=True)
class TeamLine:
    """One team in the overview."""

    id: int
    name: str
    role: str  # the user's part in it
    owner: str
    people: int
    on_track: int
    behind: int
    earned: int
    not_planned: int
    next_window: dict[str, Any] | None  # its first window not yet over (window_json)


@dataclass(frozen=True)
class Overview:
    """Every team the user may see, their totals, and the exam budget summed across them."""

    today: date
    teams: list[TeamLine]
    totals: dict[str, int]  # people, on_track, behind, earned, not_planned
    next_window: dict[str, Any] | None  # the first window any team has exams in, summed
    budget: dict[str, Any]  # budget_of: by window, quarter and fiscal year; total


COUNTS = ("people", "on_track", "behind", "earned", "not_planned")


def overview(
    recommender: Recommender,
    user: User,
    today: date | None = None,
    fiscal_year_start: int = 1,
    slot: Slot = nullcontext,
) -> Overview:
    """The overview of the teams `user` may see, on `today`, fiscal years from that month."""
    day = today or date.today()
    seen = teams_of(user)
    for team, _ in seen:
        refresh(recommender, team, day, slot)  # stale members only, as showing the team does
    ids = [team.id for team, _ in seen]
    counts = sums.state_counts(ids, day)
    windows = sums.fees_by_window(ids)
    lines = []
    all_windows: dict[date, int] = {}
    exams_by_window: dict[tuple[date, date], int] = {}
    next_of: dict[int, sums.WindowFees | None] = {}
    for team, role in seen:
        upcoming = [w for w in windows[team.id] if w.window_end >= day]
        next_of[team.id] = upcoming[0] if upcoming else None
        for w in windows[team.id]:
            all_windows[w.window_start] = all_windows.get(w.window_start, 0) + w.cents
            if w.window_end >= day:
                key = (w.window_start, w.window_end)
                exams_by_window[key] = exams_by_window.get(key, 0) + w.exams
        c = counts[team.id]
        lines.append(
            TeamLine(
                team.id,
                team.name,
                role,
                team.owner.email,
                c.people,
                c.on_track,
                c.behind,
                c.earned,
                c.not_planned,
                window_json(upcoming[0]) if upcoming else None,
            )
        )
    totals = {key: sum(getattr(line, key) for line in lines) for key in COUNTS}
    next_window = None
    if exams_by_window:
        start, end = min(exams_by_window)
        in_it = [w for w in (next_of.get(i) for i in ids) if w and w.window_start == start]
        next_window = {
            "window_start": start.isoformat(),
            "window_end": end.isoformat(),
            "buy_by": buy_by(start).isoformat(),
            "exams": exams_by_window[(start, end)],
            "fees": sum(w.cents for w in in_it) / 100,
        }
    budget = budget_of(all_windows, recommender.catalog.currency, fiscal_year_start)
    budgets = team_budgets.budgets_summed(ids)
    for year in budget["by_fiscal_year"]:  # planned against the teams' budgets, summed
        cents = budgets.get(year["fiscal_year"])
        year["budget"] = None if cents is None else cents / 100
    return Overview(day, lines, totals, next_window, budget)


def window_json(w: sums.WindowFees) -> dict[str, Any]:
    """A team's window as the overview answers it."""
    return {
        "window_start": w.window_start.isoformat(),
        "window_end": w.window_end.isoformat(),
        "buy_by": buy_by(w.window_start).isoformat(),
        "exams": w.exams,
        "fees": w.cents / 100,
    }


def as_json(found: Overview) -> dict[str, Any]:
    """The overview as GET /api/v1/overview answers it (OverviewSchema)."""
    return {
        "today": found.today.isoformat(),
        "teams": [
            {
                "id": line.id,
                "name": line.name,
                "role": line.role,
                "owner": line.owner,
                **{key: getattr(line, key) for key in COUNTS},
                "next_window": line.next_window,
            }
            for line in found.teams
        ],
        "totals": found.totals,
        "next_window": found.next_window,
        "budget": {
            "currency": found.budget["currency"],
            "total": found.budget["total"],
            "fiscal_year_start": found.budget["fiscal_year_start"],
            "by_fiscal_year": found.budget["by_fiscal_year"],
        },
    }


TEAMS_HEAD = [
    "Team",
    "Your role",
    "Owner",
    "People",
    "On track",
    "Behind",
    "Earned",
    "Not planned",
    "Next window starts",
    "Next window ends",
    "Exams in it",
    "Buy by",
    "Fees",
]
BUDGET_HEAD = ["Fiscal year", "Starts", "Buy by", "Fees", "Budget"]


def tables(found: Overview) -> list[tuple[str, list[str], list[list[Any]]]]:
    """The overview as tables (title, header, rows): its teams, then the budget by fiscal
    year; the files' contents (CSV: both, one after the other; Excel: a sheet each)."""
    teams = []
    for line in found.teams:
        w = line.next_window
        teams.append(
            [
                line.name,
                line.role,
                line.owner,
                *(getattr(line, key) for key in COUNTS),
                date.fromisoformat(w["window_start"]) if w else None,
                date.fromisoformat(w["window_end"]) if w else None,
                w["exams"] if w else 0,
                date.fromisoformat(w["buy_by"]) if w else None,
                w["fees"] if w else 0,
            ]
        )
    budget = [
        [
            year["fiscal_year"],
            date.fromisoformat(year["starts"]),
            date.fromisoformat(year["buy_by"]),
            year["fees"],
            year["budget"],
        ]
        for year in found.budget["by_fiscal_year"]
    ]
    return [("Teams", TEAMS_HEAD, teams), ("Budget", BUDGET_HEAD, budget)]
