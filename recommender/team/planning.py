"""Plan every roster row as one person is planned, then the team: schedule, budget, summary."""

# Speed: a large roster repeats a few planning inputs. Each is worked out once per plan:
# raw row data -> Profile (validation), the rules' fact -> rules fired (the engine, through
# the recommender's own cache), the route's courses -> their exam dates, months and fees
# (the planner's exam_schedule and estimate_cost), and a whole Profile -> its outcome. Members
# with the same outcome share its exam_schedule and estimated_cost objects: the plan is an
# answer to read, and whoever changes one member's copy must copy it first.

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol

from marshmallow import ValidationError

from ..catalog import Catalog
from ..errors import ProfileError
from ..planner import (
    Profile,
    RoutePlan,
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
from ..vocabulary import ROUTES
from .budget import budget
from .roster import ROW_FIELD, Failure, Roster, RosterRow, where_list
from .schedule import Seat, align, cohorts_of, group_sessions, schedule_windows

NO_ROUTE = "none"
YEARS = "years_experience"
ROUTE_KEYS = (*ROUTES, NO_ROUTE)


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


class _Planner:
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

    def _evaluate(self, profile: Profile) -> Outcome:
        # The rules see only the profile's fact: profiles differing in anything else (hours
        # a week, courses passed) share one engine run.
        key = tuple(profile_fact(profile, self.catalog).items())
        rules = self.fired.get(key)
        if rules is None:
            rules = self.fired[key] = self.recommender.fired_rules(profile)
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
    options = [
        option
        for option in discount_options(catalog, discounts)
        if not (start <= today and any(d.only_before_window for d in option))
    ]
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


def plan_team(
    recommender: TeamRecommender,
    roster: Roster,
    *,
    align_cohorts: bool = False,
    fiscal_year_start: int = 1,
    today: date | None = None,
) -> dict[str, Any]:
    """Plan every roster row and the team: the TeamPlanSchema shape."""
    planner = _Planner(recommender, today or date.today())
    catalog = recommender.catalog
    members: list[dict[str, Any]] = []
    seats: list[Seat] = []
    for row in roster.rows:
        member, outcome = _plan_row(planner, row)
        if outcome is not None:
            seats.extend(_seats(len(members), member, outcome))
        members.append(member)
    cohorts = cohorts_of(seats)
    alignment = None
    if align_cohorts:
        before = len(cohorts)
        moved = align(seats, catalog)
        cohorts = cohorts_of(seats)
        _move_exams(members, moved)
        alignment = {
            "cohorts_before": before,
            "cohorts_after": len(cohorts),
            "moved": [
                {
                    "name": seat.name,
                    "row": members[seat.member]["row"],
                    "code": seat.code,
                    "from_window": seat.moved_from.isoformat() if seat.moved_from else None,
                    "to_window": seat.window_start.isoformat(),
                }
                for seat in moved
            ],
        }
    schedule = schedule_windows(cohorts, catalog)
    summary = summarise(members, catalog, sum(seat.cents for seat in seats))
    plan: dict[str, Any] = {
        "rules_version": recommender.rulebook.version,
        "members": members,
        "summary": summary,
        "schedule": schedule,
        "group_sessions": group_sessions(schedule),
        "budget": budget(cohorts, catalog.currency, fiscal_year_start),
        "notices": _notices(roster, members),
    }
    if alignment is not None:
        plan["alignment"] = alignment
    return plan


def _plan_row(planner: _Planner, row: RosterRow) -> tuple[dict[str, Any], Outcome | None]:
    errors = {field: list(messages) for field, messages in row.errors.items()}
    warnings: list[str] = []
    profile = None
    if row.data is not None:
        data, unknown = _without_unknown_courses(row.data, planner.catalog)
        warnings += [
            f"{row.where.capitalize()}: unknown course code {code!r} left out; planned "
            "without it (check the code with The Institutes' catalog)."
            for code in unknown
        ]
        result = planner.check(data)
        if isinstance(result, Profile):
            profile = result
        else:
            for field, messages in result.items():
                errors.setdefault(field, []).extend(messages)
    if errors or profile is None:
        if row.hint and ROW_FIELD not in errors:
            errors[ROW_FIELD] = [row.hint]
        return _member(row, None, errors, warnings), None
    outcome = planner.outcome(profile)
    retakes: list[dict[str, Any]] = []
    failures = [failure for failure in row.failures if failure.code in outcome.courses]
    if failures:
        outcome, retakes = planner.with_retakes(profile, outcome, failures)
    retaken = {retake["code"] for retake in retakes}
    late = [e["code"] for e in outcome.exams if not e["access_ok"] and e["code"] not in retaken]
    warnings += [
        f"{row.where.capitalize()}: course access to {retake['code']} ends before its retake "
        "window opens: renew access to retake it."
        for retake in retakes
        if not retake["access_ok"]
    ]
    if late:
        warnings.append(
            f"{row.where.capitalize()}: at {profile.hours_per_week:g} hours a week, course "
            f"access ends before the exam of {', '.join(late)}: study more each week or plan "
            "to renew access."
        )
    member = _member(row, outcome, {}, warnings)
    if row.failures:
        member["retakes"] = retakes  # only a saved team's rows have failures
    return member, outcome


def _without_unknown_courses(
    data: dict[str, Any], catalog: Catalog
) -> tuple[dict[str, Any], list[str]]:
    """The row's data without completed courses the catalog does not know, and those codes."""
    courses = data.get("completed_courses")
    if not isinstance(courses, list):
        return data, []
    unknown = [c for c in courses if isinstance(c, str) and catalog.normalise_code(c) is None]
    if not unknown:
        return data, []
    return {**data, "completed_courses": [c for c in courses if c not in unknown]}, unknown


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


def _seats(index: int, member: dict[str, Any], outcome: Outcome) -> list[Seat]:
    return [Seat(index, member["row"], member["name"], *parts) for parts in outcome.seats]


def _move_exams(members: list[dict[str, Any]], moved: list[Seat]) -> None:
    """Put each moved seat's new window in its member's own exam_schedule (a copy)."""
    copied: set[int] = set()
    for seat in moved:
        member = members[seat.member]
        if seat.member not in copied:
            member["exam_schedule"] = [dict(exam) for exam in member["exam_schedule"]]
            copied.add(seat.member)
        exam = next(e for e in member["exam_schedule"] if e["code"] == seat.code)
        exam["window_start"] = seat.window_start.isoformat()
        exam["window_end"] = seat.window_end.isoformat()
        exam["access_ok"] = max(seat.ready, seat.window_start) <= seat.access_ends


def _member(
    row: RosterRow, outcome: Outcome | None, errors: dict[str, list[str]], warnings: list[str]
) -> dict[str, Any]:
    member: dict[str, Any] = {
        "row": row.row,
        "line": row.line,
        "name": row.name,
        "recommended_route": None,
        "remaining_courses": [],
        "estimated_months": None,
        "study_hours": None,
        "estimated_cost": None,
        "exam_schedule": [],
        "warnings": warnings,
        "extra": row.extra,
        "errors": errors,
    }
    if outcome is not None:
        member.update(
            recommended_route=outcome.route,
            remaining_courses=list(outcome.courses),
            estimated_months=dict(outcome.months),
            study_hours={"low": outcome.hours[0], "high": outcome.hours[1]},
            # The band without the per-exam items: those are in the schedule's cohort fees,
            # and they would double a large roster's answer.
            estimated_cost=outcome.band,
            exam_schedule=outcome.exams,
        )
    return member


def summarise(
    members: list[dict[str, Any]], catalog: Catalog, total_cents: int | None = None
) -> dict[str, Any]:
    """The team summary: people per route, demand per course, total study hours and fees.

    `total_cents`: the exam fees summed exam by exam (as the budget sums them), else the
    members' totals are summed.
    """
    planned = [m for m in members if not m["errors"]]
    routes = dict.fromkeys(ROUTE_KEYS, 0)
    demand: Counter[str] = Counter()
    low = high = cents = 0
    cost_verified = True
    for member in planned:
        routes[member["recommended_route"] or NO_ROUTE] += 1
        demand.update(set(member["remaining_courses"]))
        low += member["study_hours"]["low"]
        high += member["study_hours"]["high"]
        cents += round(member["estimated_cost"]["low"] * 100)
        cost_verified = cost_verified and member["estimated_cost"]["verified"]
    order = {code: index for index, code in enumerate(catalog.courses)}
    return {
        "people": len(members),
        "planned": len(planned),
        "with_errors": len(members) - len(planned),
        "routes": routes,
        # Most shared first, ties in catalog order (group sessions follow the schedule).
        "course_demand": [
            {"code": code, "title": catalog.courses[code].title, "members": count}
            for code, count in sorted(demand.items(), key=lambda item: (-item[1], order[item[0]]))
        ],
        "total_study_hours": {"low": low, "high": high},
        "total_cost": {
            "low": (cents if total_cents is None else total_cents) / 100,
            "high": (cents if total_cents is None else total_cents) / 100,
            "currency": catalog.currency,
            "verified": cost_verified,
        },
    }


def _notices(roster: Roster, members: list[dict[str, Any]]) -> list[str]:
    notices = list(roster.notices)
    bad = [row for row, member in zip(roster.rows, members, strict=True) if member["errors"]]
    if bad:
        notices.append(f"Not planned, see their errors: {len(bad):,} ({where_list(bad)}).")
    warned = [row for row, member in zip(roster.rows, members, strict=True) if member["warnings"]]
    if warned:
        notices.append(f"Planned with warnings: {len(warned):,} ({where_list(warned)}).")
    return notices
