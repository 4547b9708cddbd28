"""`rules diff`: what a change to the rules does to real people before it ships."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .errors import EngineError
from .grids import TYPICAL_COURSES, held_combinations, profile_label, years_grid
from .planner import Profile
from .recommendation import Recommender
from .rulebook import profile_fact
from .vocabulary import GOALS, LINES, ROLES


@dataclass(frozen=True)
class Outcome:
    route: str | None  # None: no route recommended; "error": the rules gave no answer
    rule: str  # the decision rule that decided, or the error


@dataclass(frozen=True)
class Change:
    profile: Profile
    old: Outcome
    new: Outcome


@dataclass
class DiffReport:
    old_version: str
    new_version: str
    profiles: int = 0
    changes: list[Change] = field(default_factory=list)

    def counts(self) -> Counter[tuple[str, str]]:
        """How many profiles move from each route to each other route."""
        return Counter((_route(c.old), _route(c.new)) for c in self.changes)


def _route(outcome: Outcome) -> str:
    return "none" if outcome.route is None else outcome.route


def merged_grid(old: Recommender, new: Recommender) -> list[Profile]:
    """The exhaustive grid of `rules check`, over both rule sets' thresholds and holdings."""
    years = sorted(set(years_grid(old.rulebook)) | set(years_grid(new.rulebook)))
    held = list(dict.fromkeys([*held_combinations(old.rulebook), *held_combinations(new.rulebook)]))
    return [
        Profile(role, lines, y, h, courses, goal)
        for role, lines, goal, h, y, courses in itertools.product(
            ROLES, LINES, GOALS, held, years, ((), TYPICAL_COURSES)
        )
        # Passed courses change plans, not routes: the grid needs only one variant here.
        if not courses
    ]


def _outcome(recommender: Recommender, profile: Profile, cache: dict[Any, Outcome]) -> Outcome:
    key = tuple(profile_fact(profile, recommender.catalog).items())
    if key not in cache:
        try:
            fired = recommender.fired_rules(profile)
        except EngineError as exc:
            cache[key] = Outcome("error", str(exc))
        else:
            decision = next(
                recommender.rulebook.rule(r)
                for r in fired
                if recommender.rulebook.rule(r).kind == "decision"
            )
            cache[key] = Outcome(decision.recommend, decision.id)
    return cache[key]


def diff_rules(old: Recommender, new: Recommender, profiles: Iterable[Profile]) -> DiffReport:
    """Evaluate every profile under both rule sets; keep those whose recommended route changes."""
    report = DiffReport(old.rulebook.version, new.rulebook.version)
    old_cache: dict[Any, Outcome] = {}
    new_cache: dict[Any, Outcome] = {}
    for profile in profiles:
        report.profiles += 1
        before, after = _outcome(old, profile, old_cache), _outcome(new, profile, new_cache)
        if before.route != after.route:
            report.changes.append(Change(profile, before, after))
    return report


def format_diff(report: DiffReport) -> str:
    """The human report: counts per move, then every changed profile, one a line."""
    lines = [
        f"Rules {report.old_version} -> {report.new_version}: "
        f"{len(report.changes):,} of {report.profiles:,} profiles change their recommended route."
    ]
    for (before, after), count in sorted(report.counts().items(), key=lambda kv: -kv[1]):
        lines.append(f"  {count:>7,}  {before} -> {after}")
    for change in report.changes:
        lines.append(
            f"{profile_label(change.profile)}: {_route(change.old)} (by {change.old.rule}) -> "
            f"{_route(change.new)} (by {change.new.rule})"
        )
    return "\n".join(lines)
