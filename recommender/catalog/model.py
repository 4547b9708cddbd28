"""The catalog as frozen dataclasses: designations, courses, paths, fees, discounts, exams."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from ..vocabulary import NOT_SURE

__all__ = [
    "ApiPath",
    "Catalog",
    "Course",
    "CpcuStructure",
    "Designation",
    "Discount",
    "ExamRules",
    "Fact",
    "Fee",
    "Hours",
    "OtherCost",
    "PlanningHorizon",
    "RetakeRules",
    "Sourced",
    "compact_code",
]


@dataclass(frozen=True)
class Hours:
    low: float
    high: float


@dataclass(frozen=True, kw_only=True)
class Sourced:
    """Where a catalog entry comes from (a key of `sources`), whether it is confirmed, and
    when it was last checked against its source (`as_of`)."""

    source: str
    verified: bool
    as_of: str = ""


@dataclass(frozen=True)
class Course(Sourced):
    code: str
    title: str
    counts_toward: tuple[str, ...]
    study_hours: Hours
    exam_fee: float = 0.0
    fee_verified: bool = False
    # What the sources say the fee is, where they disagree (a low-high band around exam_fee).
    fee_range: Hours | None = None
    former_title: str | None = None
    aliases: tuple[str, ...] = ()
    legacy: bool = False
    note: str | None = None


@dataclass(frozen=True)
class Fee(Sourced):
    amount: float  # the planning figure: sums and budgets use it
    currency: str
    low: float | None = None  # what the sources say, where they disagree
    high: float | None = None


@dataclass(frozen=True)
class OtherCost(Sourced):
    """A cost besides the exam fees: its own line, never in the exam total."""

    id: str
    name: str
    description: str
    amount: float | None = None  # None: the catalog has no figure, named as not included
    per: str | None = None  # what the amount is for ("transfer")


@dataclass(frozen=True)
class Discount(Sourced):
    id: str
    name: str
    description: str
    amount_off: float = 0.0
    percent_off: float = 0.0
    combines_with: tuple[str, ...] = ()
    only_before_window: bool = False  # for an exam bought before its testing window opens

    def apply(self, fee: float) -> float:
        """The fee after this discount (never below zero)."""
        return max(0.0, fee * (1 - self.percent_off / 100) - self.amount_off)


@dataclass(frozen=True)
class RetakeRules(Sourced):
    per_window: int
    same_window_amount_off: float
    count_toward_limit: bool


@dataclass(frozen=True)
class ExamRules(Sourced):
    windows: tuple[tuple[tuple[int, int], tuple[int, int]], ...]  # ((month, day), (month, day))
    max_per_window: int
    access_months: int
    retakes: RetakeRules
    # A window whose last day falls on a Saturday or Sunday runs to the next business day.
    weekend_end_moves: bool = False


@dataclass(frozen=True)
class PlanningHorizon(Sourced):
    """How far from today the service plans: progress records are dated within it."""

    years_back: int
    years_ahead: int

    def earliest(self, today: date) -> date:
        """The first day a record may be dated, seen from `today`."""
        return _years_later(today, -self.years_back)

    def latest(self, today: date) -> date:
        """The last day a record may be dated (a scheduled exam's), seen from `today`."""
        return _years_later(today, self.years_ahead)


def _years_later(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February, in a year that has none
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Designation(Sourced):
    code: str
    name: str
    body: str
    audience: str
    summary: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ApiPath(Sourced):
    id: str
    name: str
    courses: tuple[str, ...]


@dataclass(frozen=True)
class CpcuStructure(Sourced):
    ethics: str
    foundation: tuple[str, ...]
    concentrations: dict[str, tuple[str, ...]]
    electives: tuple[str, ...]
    experience_months: int


@dataclass(frozen=True)
class Fact(Sourced):
    id: str
    text: str


@dataclass(frozen=True)
class Catalog:
    version: str
    sources: dict[str, str]
    designations: dict[str, Designation]
    courses: dict[str, Course]
    api_ethics: str
    api_paths: tuple[ApiPath, ...]
    cpcu: CpcuStructure
    credits: dict[str, tuple[str, ...]]
    facts: tuple[Fact, ...]
    default_hours: Hours
    default_hours_source: str
    default_hours_verified: bool
    default_hours_as_of: str
    default_fee: Fee
    currency: str
    discounts: dict[str, Discount]
    exams: ExamRules
    planning_horizon: PlanningHorizon
    other_costs: tuple[OtherCost, ...] = ()

    @property
    def api_path_answers(self) -> tuple[str, ...]:
        """What a held API's `api_path` may be: a path's id, or not sure."""
        return (*(p.id for p in self.api_paths), NOT_SURE)

    @property
    def elective_answers(self) -> tuple[str, ...]:
        """What a held CPCU's `cpcu_elective` may be: an elective's code, or not sure."""
        return (*self.cpcu.electives, NOT_SURE)

    def normalise_code(self, raw: str) -> str | None:
        """Return the catalog code for a course code or alias ('eth311', 'Ethics 311' ->
        'ETH 311'), or None if unknown."""
        return self._index("_courses", self.courses).get(compact_code(raw))

    def normalise_designation(self, raw: str) -> str | None:
        """Return the catalog code for a designation code or alias ('au-m' -> 'AU'), or None."""
        return self._index("_designations", self.designations).get(compact_code(raw))

    def sourced(self) -> list[tuple[Sourced, str]]:
        """Every sourced entry of the catalog, each with how an error names it."""
        return [
            *((d, f"designation {d.code}") for d in self.designations.values()),
            *((c, f"course {c.code}") for c in self.courses.values()),
            *((p, f"api path {p.id}") for p in self.api_paths),
            *((f, f"fact {f.id}") for f in self.facts),
            (self.cpcu, "cpcu"),
            *((d, f"discount {d.id}") for d in self.discounts.values()),
            *((c, f"other cost {c.id}") for c in self.other_costs),
            (self.default_fee, "exam_fee"),
            (self.exams, "exams"),
            (self.exams.retakes, "exams.retakes"),
            (self.planning_horizon, "planning_horizon"),
        ]

    def _index(self, name: str, entries: dict[str, Any]) -> dict[str, str]:
        # Built once per catalog: every profile's codes are looked up here.
        index = self.__dict__.get(name)
        if index is None:
            index = {
                compact_code(key): entry.code
                for entry in entries.values()
                for key in (entry.code, *entry.aliases)
            }
            object.__setattr__(self, name, index)
        return index


def compact_code(raw: str) -> str:
    """Fold a course code to letters and digits only, upper case."""
    return re.sub(r"[^0-9A-Za-z]", "", raw).upper()
