"""One person's profile and a route's plan: what the planner's functions take and give."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..vocabulary import DEFAULT_GOAL, DEFAULT_HOURS_PER_WEEK

REQUIREMENTS = ("api", "foundation", "concentration", "elective", "ethics")


@dataclass(frozen=True)
class Profile:
    """One person's profile, validated and normalised (course codes in catalog form)."""

    role: str
    lines: str
    years_experience: float
    designations: tuple[str, ...] = ()
    completed_courses: tuple[str, ...] = ()
    goal: str = DEFAULT_GOAL
    hours_per_week: float = DEFAULT_HOURS_PER_WEEK
    start_date: date | None = None  # None: today
    discounts: tuple[str, ...] = ()
    # How held designations were earned, where it changes the plan; None: not said.
    api_path: str | None = None  # a held API: a catalog path ("path-1") or "not_sure"
    cpcu_concentration: str | None = None  # a held CPCU: personal, commercial or not_sure
    cpcu_elective: str | None = None  # a held CPCU: an elective's course code or not_sure


@dataclass(frozen=True)
class Step:
    """One course a route needs, with the requirement it fills."""

    code: str
    requirement: str  # "api", "foundation", "concentration", "elective" or "ethics"


@dataclass(frozen=True)
class RoutePlan:
    route: str
    steps: tuple[Step, ...]
    credited: frozenset[str]
    api_path: str | None = None
    concentration: str | None = None

    @property
    def remaining(self) -> tuple[Step, ...]:
        return tuple(s for s in self.steps if s.code not in self.credited)

    @property
    def credited_codes(self) -> tuple[str, ...]:
        return tuple(s.code for s in self.steps if s.code in self.credited)
