"""Each distinct profile of a roster planned once: its route, exam dates, months and fees."""

# Speed: a large roster repeats a few planning inputs. Each is worked out once per plan:
# raw row data -> Profile (validation), the rules' fact -> rules fired (the engine, through
# the recommender's own cache), the route's courses -> their exam dates, months and fees
# (the planner's exam_schedule and estimate_cost), and a whole Profile -> its outcome. Members
# with the same outcome share its exam_schedule and estimated_cost objects: the plan is an
# answer to read, and whoever changes one member's copy must copy it first.

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol

from marshmallow import ValidationError

from ..catalog import Catalog
from ..errors import ProfileError
from ..planner import (
    Profile,
    RoutePlan,
    before_window_only,
    best_discount,
    discount_options,
    estimate_cost,
    exam_schedule,
    exam_windows,
    plan_months,
    plan_retake,
)
from ..rulebook import profile_fact
from ..schemas import ProfileSchema
from .rows import Failure

YEARS = "years_experience"


class TeamRecommender(Protocol):
    """What team planning needs of the Recommender."""

    catalog: Catalog
    rulebook: Any  # its .version names the rules a plan was made with
    answers: Any  # its .band_years(years): the lowest years of the rules' band of `years`

    def load_profile(self, data: Any) -> Profile: ...

    def fired_rules(self, profile: Profile) -> list[str]: ...

    def chosen_plan(self, profile: Profile, fired: list[str]) -> RoutePlan | None: ...


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one distinct profile's plan is: shared by every row with that profile."""

    route: str | None
    courses: tuple[str, ...]
    months: dict[str, int]
    hours: tuple[int, int]
    band: dict[str, Any]  # what a member shows: low, high, currency, verified, discounts
    exams: list[dict[str, Any]]
    # Per exam: code, window start and end, ready, access ends, study starts, fee in cents.
    seats: tuple[tuple[str, date, date, date, date, date, int], ...]


class Planner:
    """One plan's caches: each distinct input worked out once."""

    def __init__(self, recommender: TeamRecommender, today: date):
        self.recommender = recommender
        self.catalog = recommender.catalog
        self.today = today
        self.checked: dict[Any, Profile | dict[str, list[str]]] = {}
        self.bases: dict[Any, Profile] = {}  # a valid profile per row data less its years
        # The schema's own years field: a row differing from a valid one only in its years
        # is checked by that field alone (ProfileSchema has no rule across years and others).
        self.years_field = ProfileSchema(self.catalog).fields[YEARS]
        self.band_years = recommender.answers.band_years
        self.fired: dict[Any, list[str]] = {}
        self.outcomes: dict[Profile, Outcome] = {}
        self.shared: dict[Any, Outcome] = {}

    def check(self, data: dict[str, Any]) -> Profile | dict[str, list[str]]:
        """Validate raw profile data, once per distinct raw data."""
        key = _freeze(data)
        if key is None:
            return self._load(data)
        found = self.checked.get(key)
        if found is None:
            found = self.checked[key] = self._check_years_only(key, data) or self._load(data)
        return found

    def _load(self, data: dict[str, Any]) -> Profile | dict[str, list[str]]:
        try:
            return self.recommender.load_profile(data)
        except ProfileError as exc:
            return exc.errors

    def _check_years_only(
        self, key: Any, data: dict[str, Any]
    ) -> Profile | dict[str, list[str]] | None:
        """A row like a valid one but for its years: check the years (None: check it all)."""
        years = data.get(YEARS)
        if years in (None, ""):
            return None
        rest = tuple(item for item in key if item[0] != YEARS)
        base = self.bases.get(rest)
        if base is None:
            result = self._load(data)
            if isinstance(result, Profile):
                self.bases[rest] = result
            return result
        try:
            value = self.years_field.deserialize(years, YEARS, data)
        except ValidationError as exc:
            messages = exc.messages
            return {YEARS: list(messages) if isinstance(messages, list) else [str(messages)]}
        return replace(base, years_experience=value)

    def outcome(self, profile: Profile) -> Outcome:
        # The rules compare years only with their thresholds, and nothing else in an outcome
        # reads them: profiles in one years band share it (durable_rules decides each band).
        key = replace(profile, years_experience=self.band_years(profile.years_experience))
        found = self.outcomes.get(key)
        if found is None:
            found = self.outcomes[key] = self._evaluate(key)
        return found

    def rules(self, profile: Profile) -> list[str]:
        """The rules that fire for a profile."""
        # The rules see only the profile's fact: profiles differing in anything else (hours
        # a week, courses passed) share one engine run.
        key = tuple(profile_fact(profile, self.catalog).items())
        rules = self.fired.get(key)
        if rules is None:
            rules = self.fired[key] = self.recommender.fired_rules(profile)
        return rules

    def _evaluate(self, profile: Profile) -> Outcome:
        rules = self.rules(profile)
        plan = self.recommender.chosen_plan(profile, rules)
        codes = tuple(step.code for step in plan.remaining) if plan else ()
        start = profile.start_date or self.today
        # Profiles with the same route, courses, pace, start and discounts share one outcome.
        route = plan.route if plan else None
        shared = (route, codes, profile.hours_per_week, start, profile.discounts)
        found = self.shared.get(shared)
        if found is None:
            found = self.shared[shared] = self._dated(shared)
        return found

    def _dated(self, key: tuple[Any, ...]) -> Outcome:
        route, codes, hours, start, discounts = key
        exams = exam_schedule(list(codes), self.catalog, hours, start)
        cost = estimate_cost(list(codes), self.catalog, discounts, exams, start)
        amounts = {item["code"]: item["amount"] for item in cost["items"]}
        # A course's study starts when the one before it is studied (planner.exam_schedule).
        starts = (start, *(date.fromisoformat(exam["ready"]) for exam in exams[:-1]))
        seats = tuple(
            (
                exam["code"],
                date.fromisoformat(exam["window_start"]),
                date.fromisoformat(exam["window_end"]),
                date.fromisoformat(exam["ready"]),
                date.fromisoformat(exam["access_ends"]),
                study,
                round(amounts[exam["code"]] * 100),
            )
            for exam, study in zip(exams, starts, strict=False)
        )
        return Outcome(
            route,
            codes,
            plan_months(exams, start),  # the one clock: the dated plan's own months
            _study_hours(codes, self.catalog),
            {key: cost[key] for key in ("low", "high", "currency", "verified", "discounts")},
            exams,
            seats,
        )

    def with_retakes(
        self, profile: Profile, outcome: Outcome, failures: list[Failure]
    ) -> tuple[Outcome, list[dict[str, Any]]]:
        """The outcome with each failed course retaken (planner.plan_retake), not studied anew.

        The other courses are dated as any member's are; a failed course keeps its place in
        the remaining courses, its exam in its retake window at the retake's price (the
        same-window retake discount or the member's own, the single best). Retakes do not
        count toward the per-window limit (the catalog's `count_toward_limit`), so the other
        exams' windows stay as planned.
        """
        failed = {failure.code for failure in failures}
        studied = tuple(code for code in outcome.courses if code not in failed)
        start = profile.start_date or self.today
        base = self._dated(
            (outcome.route, studied, profile.hours_per_week, start, profile.discounts)
        )
        retakes = [
            plan_retake(
                failure.code,
                failure.failed_on,
                self.catalog,
                profile.discounts,
                retakes_in_window=failure.retakes_in_window,
                access_ends=failure.access_ends,
            )
            for failure in failures
        ]
        retakes = [
            _still_possible(retake, failure, self.catalog, profile.discounts, self.today)
            for retake, failure in zip(retakes, failures, strict=True)
        ]
        exams = list(base.exams)
        seats = list(base.seats)
        for failure, retake in zip(failures, retakes, strict=True):
            window_start = date.fromisoformat(retake["window_start"])
            window_end = date.fromisoformat(retake["window_end"])
            # Access unknown: the course was bought before the store knew the member; the
            # exam is not held back for it.
            access_ends = failure.access_ends or window_end
            exams.append(
                {
                    "code": failure.code,
                    "window_start": retake["window_start"],
                    "window_end": retake["window_end"],
                    "ready": failure.failed_on.isoformat(),  # studied already
                    "access_ends": access_ends.isoformat(),
                    "access_ok": retake["access_ok"],
                }
            )
            seats.append(
                (
                    failure.code,
                    window_start,
                    window_end,
                    failure.failed_on,
                    access_ends,
                    failure.failed_on,
                    round(retake["amount"] * 100),
                )
            )
        exams.sort(key=lambda exam: exam["window_start"])
        total = round(base.band["low"] + sum(retake["amount"] for retake in retakes), 2)
        band = {
            **base.band,
            "low": total,
            "high": total,
            "verified": base.band["verified"] and all(r["verified"] for r in retakes),
        }
        months = plan_months(exams, start)  # the retakes' windows count too
        dated = Outcome(
            outcome.route, outcome.courses, months, base.hours, band, exams, tuple(seats)
        )
        return dated, retakes


def _still_possible(
    retake: dict[str, Any],
    failure: Failure,
    catalog: Catalog,
    discounts: tuple[str, ...],
    today: date,
) -> dict[str, Any]:
    """The retake, moved to the first window still open today if its own has closed."""
    planned_end = date.fromisoformat(retake["window_end"])
    if planned_end >= today:
        return retake
    start, end = next(exam_windows(catalog, today))
    # Not the failed exam's window: the member's own discounts only, and none for an exam
    # bought before its window once that window is open.
    options = discount_options(catalog, discounts)
    if start <= today:
        options = before_window_only(options)
    amount, applied = best_discount(retake["fee"], options)
    amount = round(amount, 2)
    later = (end.year - planned_end.year) * 12 + end.month - planned_end.month
    return {
        **retake,
        "window_start": start.isoformat(),
        "window_end": end.isoformat(),
        "same_window": False,
        "amount": amount,
        "discount": applied,
        "added_fees": amount,
        "added_months": retake["added_months"] + later,
        "access_ok": failure.access_ends is None or start <= failure.access_ends,
    }


def _freeze(data: dict[str, Any]) -> Any:
    """A hashable key for raw row data, or None when a value cannot be one."""
    try:
        key = tuple(
            (k, tuple(v) if isinstance(v, list) else v, type(v).__name__) for k, v in data.items()
        )
        hash(key)
    except TypeError:
        return None
    return key


def _study_hours(codes: tuple[str, ...], catalog: Catalog) -> tuple[int, int]:
    """The catalog's low-high study-hours band summed over courses, in whole hours."""
    hours = [catalog.courses[code].study_hours for code in codes]
    return round(sum(h.low for h in hours)), round(sum(h.high for h in hours))
