"""Teams' exam budgets per fiscal year against what is planned, and what a request adds.

Planned fees come from the saved team's plan (its budget by fiscal year); a request's from the
plan it keeps (each exam's fee, in the fiscal year of its testing window). An approval that
takes a fiscal year over its budget needs a confirmation (flow.decide records it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..recommendation import Recommender
from ..saved_teams.plans import refresh
from ..saved_teams.sums import sums_of
from ..store import budgets as rows
from ..store.errors import Invalid
from ..store.models import PlanRequest, Team
from ..team.budget import fiscal_year_of

FISCAL_YEAR = re.compile(r"FY\d{4}")
MAX_BUDGET = 100_000_000  # currency units


@dataclass(frozen=True)
class YearLine:
    """One fiscal year: budget (None: none set), planned, and with the request."""

    fiscal_year: str
    budget: float | None
    planned: float
    request: float

    @property
    def with_request(self) -> float:
        return self.planned + self.request

    @property
    def over(self) -> bool:
        return self.budget is not None and self.with_request > self.budget


def request_fees(plan: dict[str, Any], fiscal_year_start: int = 1) -> dict[str, float]:
    """A request's exam fees by fiscal year."""
    amounts = {
        i["code"]: float(i.get("amount") or 0)
        for i in plan.get("estimated_cost", {}).get("items", [])
    }
    years: dict[str, float] = {}
    for exam in plan.get("exam_schedule", []):
        year, _ = fiscal_year_of(date.fromisoformat(exam["window_start"]), fiscal_year_start)
        years[year] = years.get(year, 0.0) + amounts.get(exam["code"], 0.0)
    return years


def lines(
    team_id: int, team_plan: dict[str, Any], request: PlanRequest | None = None
) -> list[YearLine]:
    """Budget against planned (and with the request) for every fiscal year either names."""
    budgets = rows.budgets_of(team_id)
    planned = {y["fiscal_year"]: float(y["fees"]) for y in team_plan["budget"]["by_fiscal_year"]}
    start = team_plan["budget"].get("fiscal_year_start", 1)  # the team's own fiscal year
    added = request_fees(request.plan, start) if request is not None else {}
    years = sorted(set(budgets) | set(planned) | set(added))
    return [
        YearLine(
            y,
            budgets[y] / 100 if y in budgets else None,
            planned.get(y, 0.0),
            added.get(y, 0.0),
        )
        for y in years
    ]


def set_budget(team_id: int, fiscal_year: str, amount: str) -> None:
    """Set a fiscal year's budget from a form (a blank amount removes it); Invalid names a field."""
    fiscal_year = fiscal_year.strip().upper()
    if not FISCAL_YEAR.fullmatch(fiscal_year):
        raise Invalid("Give a fiscal year like FY2027.", {"fiscal_year": ["Like FY2027."]})
    if not amount.strip():
        rows.set_budget(team_id, fiscal_year, None)
        return
    try:
        value = float(amount.replace(",", ""))
    except ValueError:
        value = -1.0
    if not 0 <= value <= MAX_BUDGET:
        raise Invalid("Give an amount.", {"amount": [f"A number from 0 to {MAX_BUDGET:,}."]})
    rows.set_budget(team_id, fiscal_year, round(value * 100))


def team_plan(recommender: Recommender, team: Team) -> dict[str, Any]:
    """The team's plan sums as its page shows them (its stale members re-planned first)."""
    refresh(recommender, team)
    return sums_of(recommender, team, date.today()).shaped


def over_budget(year_lines: list[YearLine]) -> bool:
    """Whether the request takes a fiscal year over its budget."""
    return any(line.over and line.request > 0 for line in year_lines)
