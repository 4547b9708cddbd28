"""What would change the answer: the smallest input changes that move the recommended route.

Found by re-running the rules on changed profiles, never by a second copy of their logic.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from .planner import ROUTE_DESIGNATIONS, Profile
from .vocabulary import GOALS, LINES, YEARS_RANGE

ROUTE_PHRASES = {
    "API": "the API",
    "CPCU": "the CPCU directly",
    "API_THEN_CPCU": "the combined route (the API first, then the CPCU)",
    None: "no new route",
}
GOAL_PHRASES = {
    "quick_credential": "If you wanted a recognised credential quickly",
    "master_personal_lines": "If you wanted to master personal lines",
    "advance_to_leadership": "If you aimed for leadership",
    "undecided": "If you had not settled on a goal",
}
LINES_PHRASES = {
    "personal": "If you worked in personal lines",
    "commercial": "If you worked in commercial lines",
    "both": "If you worked in both personal and commercial lines",
}


def candidate_changes(
    profile: Profile, thresholds: list[float], deciding: list[str]
) -> list[tuple[str, Any, Profile, str]]:
    """Each single change worth trying: (field, value, changed profile, sentence start)."""
    out: list[tuple[str, Any, Profile, str]] = []
    for t in thresholds:
        # Experience only grows: try each threshold still ahead, nearest first.
        if profile.years_experience < t <= YEARS_RANGE[1]:
            out.append(
                (
                    "years_experience",
                    t,
                    replace(profile, years_experience=t),
                    f"With {t:g} or more years of experience",
                )
            )
    for goal in GOALS:
        if goal != profile.goal:
            out.append(("goal", goal, replace(profile, goal=goal), GOAL_PHRASES[goal]))
    for lines in LINES:
        if lines != profile.lines:
            out.append(("lines", lines, replace(profile, lines=lines), LINES_PHRASES[lines]))
    for code in deciding:
        if code not in profile.designations:
            held = replace(profile, designations=(*profile.designations, code))
            out.append(("designations", code, held, f"Once you hold the {code}"))
    return out


def what_would_change(
    profile: Profile,
    route: str | None,
    decide: Callable[[Profile], str | None],
    thresholds: list[float],
    deciding: list[str],
) -> list[dict[str, Any]]:
    """The single changes that move the recommended route away from `route`.

    For years of experience only the nearest threshold that moves it is kept: that is the
    smallest change; for the other fields every value that moves it.
    """
    changes = []
    seen_years = False
    # Earning what the recommended route leads to is following the advice, not changing it.
    conferred = set(ROUTE_DESIGNATIONS[route]) if route else set()
    for field, value, changed, opening in candidate_changes(profile, thresholds, deciding):
        if (field == "years_experience" and seen_years) or (
            field == "designations" and value in conferred
        ):
            continue
        new_route = decide(changed)
        if new_route == route:
            continue
        seen_years = seen_years or field == "years_experience"
        changes.append(
            {
                "field": field,
                "value": int(value) if isinstance(value, float) and value.is_integer() else value,
                "recommended_route": new_route,
                "change": f"{opening}, {ROUTE_PHRASES[new_route]} would be recommended.",
            }
        )
    return changes
