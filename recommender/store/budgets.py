"""Teams' exam budgets per fiscal year (policy: recommender/requests/budgets.py)."""

from __future__ import annotations

from sqlalchemy import func, select

from ..extensions import db
from .models import TeamBudget


def budgets_of(team_id: int) -> dict[str, int]:
    """The team's budget per fiscal year ("FY2027"), in cents."""
    query = select(TeamBudget.fiscal_year, TeamBudget.cents).where(TeamBudget.team_id == team_id)
    return {year: cents for year, cents in db.session.execute(query)}


def budgets_summed(team_ids: list[int]) -> dict[str, int]:
    """The budgets of these teams summed per fiscal year ("FY2027"), in cents."""
    if not team_ids:
        return {}
    query = (
        select(TeamBudget.fiscal_year, func.sum(TeamBudget.cents))
        .where(TeamBudget.team_id.in_(team_ids))
        .group_by(TeamBudget.fiscal_year)
    )
    return {year: int(cents) for year, cents in db.session.execute(query)}


def set_budget(team_id: int, fiscal_year: str, cents: int | None) -> None:
    """Set (or, with None, remove) the team's budget for a fiscal year, committed."""
    found = db.session.get(TeamBudget, (team_id, fiscal_year))
    if cents is None:
        if found is not None:
            db.session.delete(found)
    elif found is None:
        db.session.add(TeamBudget(team_id=team_id, fiscal_year=fiscal_year, cents=cents))
    else:
        found.cents = cents
    db.session.commit()
