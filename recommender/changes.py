"""What would change the answer: the smallest input changes that move the recommended route.

Found by running the rules on changed profiles. The decision rules' own conditions (read from
the rulebook) tell which changed profiles may move the route, so that only those are run; the
engine decides every change that is shown.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import fields
from typing import Any

from .planner import ROUTE_DESIGNATIONS, Profile
from .rulebook import Condition, Rule, years_value
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


def _changed(profile: Profile, **change: Any) -> Profile:
    # dataclasses.replace reads the fields anew on every call: a third of the changes' time.
    return Profile(**{**vars(profile), **change})


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
                    _changed(profile, years_experience=t),
                    f"With {t:g} or more years of experience",
                )
            )
    for goal in GOALS:
        if goal != profile.goal:
            out.append(("goal", goal, _changed(profile, goal=goal), GOAL_PHRASES[goal]))
    for lines in LINES:
        if lines != profile.lines:
            out.append(("lines", lines, _changed(profile, lines=lines), LINES_PHRASES[lines]))
    for code in deciding:
        if code not in profile.designations:
            held = _changed(profile, designations=(*profile.designations, code))
            out.append(("designations", code, held, f"Once you hold the {code}"))
    return out


# Condition keys that RulebookRoutes knows how to read; a rulebook with any other makes it say
# "unknown", and every change is then tried with the engine.
_READ_CONDITIONS = frozenset(
    {"role", "lines", "goal", "holds", "not_holds", "years_below", "years_at_least"}
)
UNKNOWN = "?"
_READS_EVERY_CONDITION = not {f.name for f in fields(Condition)} - _READ_CONDITIONS


class RulebookRoutes:
    """The route the first matching decision rule names, read from the rules' conditions.

    Only a guess of the engine's answer, to choose which changes to try: the engine decides
    each one shown. UNKNOWN when a condition is of a kind this class does not read.
    """

    def __init__(self, decision_rules: Sequence[Rule]):
        def limit(years: float | None) -> int | None:
            return None if years is None else years_value(years)

        self._rules = [
            (
                frozenset(w.role),
                frozenset(w.lines),
                frozenset(w.goal),
                frozenset(w.holds),
                frozenset(w.not_holds),
                limit(w.years_below),
                limit(w.years_at_least),
                rule.recommend,
            )
            for rule in decision_rules
            for w in (rule.when,)
        ]

    def route(self, profile: Profile) -> str | None:
        """The route of the first decision rule whose condition `profile` meets."""
        if not _READS_EVERY_CONDITION:
            return UNKNOWN
        held = frozenset(profile.designations)
        years = years_value(profile.years_experience)
        role, lines, goal = profile.role, profile.lines, profile.goal
        for roles, liness, goals, holds, not_holds, below, at_least, route in self._rules:
            if (
                (not roles or role in roles)
                and (not liness or lines in liness)
                and (not goals or goal in goals)
                and holds <= held
                and not (not_holds & held)
                and (below is None or years < below)
                and (at_least is None or years >= at_least)
            ):
                return route
        return UNKNOWN


def changes_worth_trying(
    profile: Profile, route: str | None, thresholds: list[float], deciding: list[str]
) -> list[tuple[str, Any, Profile, str]]:
    """The candidate changes, less those that only follow the advice given for `route`."""
    # Earning what the recommended route leads to is following the advice, not changing it.
    conferred = set(ROUTE_DESIGNATIONS[route]) if route else set()
    return [
        candidate
        for candidate in candidate_changes(profile, thresholds, deciding)
        if not (candidate[0] == "designations" and candidate[1] in conferred)
    ]


def what_would_change(
    route: str | None,
    tried: list[tuple[str, Any, Profile, str]],
    decide: Callable[[list[Profile]], list[str | None]],
) -> list[dict[str, Any]]:
    """The changes among `tried` (candidate_changes) that move the route away from `route`.

    `decide` gives the engine's route for each of a list of profiles. For years of
    experience only the nearest threshold that moves the route is kept: that is the smallest
    change; for the other fields every value that moves it.
    """
    routes = decide([changed for _, _, changed, _ in tried])
    changes = []
    seen_years = False
    for (field, value, _, opening), new_route in zip(tried, routes, strict=True):
        if new_route == route or (field == "years_experience" and seen_years):
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
