"""Course plans, credits and time estimates: pure functions of a profile and the catalog."""

from __future__ import annotations

import calendar
import functools
import itertools
import math
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from .catalog import ApiPath, Catalog, Discount, Hours
from .vocabulary import DEFAULT_GOAL, DEFAULT_HOURS_PER_WEEK, NOT_SURE

WEEKS_PER_MONTH = 4.33
REQUIREMENTS = ("api", "foundation", "concentration", "elective", "ethics")
ROUTE_DESIGNATIONS = {"API": ("API",), "CPCU": ("CPCU",), "API_THEN_CPCU": ("API", "CPCU")}


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


def concentration_for(lines: str) -> str:
    """The CPCU concentration for a line of business: commercial only for commercial lines."""
    return "commercial" if lines == "commercial" else "personal"


def held_cpcu_concentration(lines: str) -> str:
    """The concentration a CPCU already held is taken to carry when the person does not say
    (docs/policy.md): personal only for someone in personal lines alone; otherwise commercial.
    """
    return "personal" if lines == "personal" else "commercial"


def _said(answer: str | None) -> str | None:
    return None if answer in (None, NOT_SURE) else answer


def held_api_path(profile: Profile, catalog: Catalog) -> tuple[ApiPath, bool]:
    """The path a held API was earned by, and whether the person said so.

    Not said (or not sure): the first path listed (Path 2), whose courses carry over to the
    CPCU, as before the question was asked; its credits are then to confirm.
    """
    said = _said(profile.api_path)
    path = next((p for p in catalog.api_paths if p.id == said), None)
    return (path, True) if path else (catalog.api_paths[0], False)


def held_cpcu(profile: Profile, catalog: Catalog) -> tuple[str, bool, str, bool]:
    """A held CPCU's concentration and elective, each with whether the person said it.

    Not said: the concentration of the person's lines (held_cpcu_concentration) and the first
    elective outside it; their credits are then to confirm.
    """
    concentration = _said(profile.cpcu_concentration)
    chosen = concentration or held_cpcu_concentration(profile.lines)
    elective = _said(profile.cpcu_elective)
    courses = catalog.cpcu.concentrations[chosen]
    default = next(c for c in catalog.cpcu.electives if c not in courses)
    return chosen, concentration is not None, elective or default, elective is not None


def cpcu_concentration(profile: Profile, catalog: Catalog) -> str:
    """The concentration of the CPCU route for this person.

    A CPCU held keeps its concentration; an API held credits the personal one when its path
    holds that concentration's courses (Path 2: docs/policy.md row 4, "personal concentration
    credited"), so it is not studied twice; otherwise the person's lines decide.
    """
    if "CPCU" in profile.designations:
        return held_cpcu(profile, catalog)[0]
    if "API" in profile.designations:
        path, _ = held_api_path(profile, catalog)
        if set(catalog.cpcu.concentrations["personal"]) <= set(path.courses):
            return "personal"
    return concentration_for(profile.lines)


PASSED = "passed"


@dataclass(frozen=True)
class Credit:
    """Why a course is credited: a course passed, or a designation held (`by`)."""

    code: str
    by: str  # PASSED or the held designation's code
    # Confirmed: the person said how they earned it and the catalog confirms what it credits.
    verified: bool
    # The person did not say (how the API was earned, the CPCU's concentration or elective):
    # the plan assumes the default, and the credit is to confirm.
    assumed: bool = False


def credit_sources(profile: Profile, catalog: Catalog) -> dict[str, tuple[Credit, ...]]:
    """Every credited course with why: passed, or credited by a held designation.

    A held API credits the courses of the path it was earned by, and ethics; a held CPCU its
    foundation, ethics, its concentration and its elective; other designations what the
    catalog's `credits` say (the AINS: AINS 21 and 22). Ethics is confirmed (every
    designation of The Institutes requires it since 2011); any other credit only where the
    person said how they earned the designation and the catalog confirms the courses.
    """
    courses = catalog.courses
    found: dict[str, list[Credit]] = {}

    def add(code: str, by: str, said: bool = True, confirmed: bool = True) -> None:
        if code == catalog.api_ethics or code == catalog.cpcu.ethics:
            credit = Credit(code, by, courses[code].verified)
        else:
            credit = Credit(code, by, said and confirmed and courses[code].verified, not said)
        found.setdefault(code, []).append(credit)

    for code in profile.completed_courses:
        found.setdefault(code, []).append(Credit(code, PASSED, True))
    for held in profile.designations:
        if held == "API":
            path, said = held_api_path(profile, catalog)
            for code in (*path.courses, catalog.api_ethics):
                add(code, held, said, path.verified)
        elif held == "CPCU":
            cpcu = catalog.cpcu
            concentration, c_said, elective, e_said = held_cpcu(profile, catalog)
            for code in (*cpcu.foundation, cpcu.ethics):
                add(code, held, True, cpcu.verified)
            for code in cpcu.concentrations[concentration]:
                add(code, held, c_said, cpcu.verified)
            add(elective, held, e_said, cpcu.verified)
        else:
            for code in catalog.credits.get(held, ()):
                add(code, held)
    return {code: tuple(credits) for code, credits in found.items()}


def credited_courses(profile: Profile, catalog: Catalog) -> frozenset[str]:
    """Courses credited by held designations plus those the person has passed."""
    return frozenset(credit_sources(profile, catalog))


def _cpcu_steps(catalog: Catalog, concentration: str, credited: frozenset[str]) -> list[Step]:
    cpcu = catalog.cpcu
    chosen = cpcu.concentrations[concentration]
    options = [c for c in cpcu.electives if c not in chosen]
    elective = next((c for c in options if c in credited), options[0])
    return [
        *(Step(c, "foundation") for c in cpcu.foundation),
        *(Step(c, "concentration") for c in chosen),
        Step(elective, "elective"),
    ]


def _api_steps(catalog: Catalog, path_id: str) -> list[Step]:
    path = next(p for p in catalog.api_paths if p.id == path_id)
    return [Step(c, "api") for c in path.courses]


def choose_api_path(catalog: Catalog, credited: frozenset[str]) -> str:
    """The API path with fewest remaining courses; on a tie the first listed (Path 2)."""
    return min(catalog.api_paths, key=lambda p: sum(c not in credited for c in p.courses)).id


def plan_routes(profile: Profile, catalog: Catalog) -> dict[str, RoutePlan]:
    """Plan all three routes for a profile, ethics first in each (docs/policy.md, "Course
    plans"); the combined route takes the API's courses next, so the API is earned on the way."""
    credited = credited_courses(profile, catalog)
    ethics = [Step(catalog.api_ethics, "ethics")]
    api_path = choose_api_path(catalog, credited)
    combined_path = catalog.api_paths[0].id  # the path whose courses carry over (Path 2)
    concentration = cpcu_concentration(profile, catalog)
    combined_cpcu = [
        s
        for s in _cpcu_steps(catalog, "personal", credited)
        if s.code not in catalog.api_paths[0].courses
    ]
    steps = {
        "API": (*ethics, *_api_steps(catalog, api_path)),
        "CPCU": (*ethics, *_cpcu_steps(catalog, concentration, credited)),
        "API_THEN_CPCU": (*ethics, *_api_steps(catalog, combined_path), *combined_cpcu),
    }
    held = set(profile.designations)
    # A route whose designations are all held has nothing left, whatever the credits say.
    done = {route: set(ROUTE_DESIGNATIONS[route]) <= held for route in steps}
    return {
        route: RoutePlan(
            route,
            route_steps,
            credited | {s.code for s in route_steps} if done[route] else credited,
            api_path=api_path if route == "API" else combined_path if route != "CPCU" else None,
            concentration={"API": None, "CPCU": concentration}.get(route, "personal"),
        )
        for route, route_steps in steps.items()
    }


def estimate_months(codes: list[str], catalog: Catalog, hours_per_week: float) -> dict[str, int]:
    """Months to study `codes` at `hours_per_week`, as a low-high band of whole months."""
    low = sum(catalog.courses[c].study_hours.low for c in codes)
    high = sum(catalog.courses[c].study_hours.high for c in codes)
    per_month = hours_per_week * WEEKS_PER_MONTH
    return {"low": math.floor(low / per_month), "high": math.ceil(high / per_month)}


DAYS_PER_MONTH = 365.25 / 12


def months_between(start: date, day: date) -> float:
    """The months from `start` to `day`, in average months of 30.44 days."""
    return (day - start).days / DAYS_PER_MONTH


def earliest_sitting(exam: dict[str, Any]) -> date:
    """The first day an exam of the dated plan can be sat: its window's, or study's end."""
    return max(date.fromisoformat(exam["ready"]), date.fromisoformat(exam["window_start"]))


def plan_months(exams: list[dict[str, Any]], start: date) -> dict[str, int]:
    """How long the dated plan takes, in whole months from `start`: the one clock.

    `low`: until the last exam can first be sat (its window opens, or study is done if
    later); `high`: until the last window closes. So the band holds every day on which the
    plan can be finished, whatever the pace, the windows and the per-window limit made of it;
    a plan with an exam left takes at least "under a month" (high 1).
    """
    if not exams:
        return {"low": 0, "high": 0}
    # A retake's window may be open already (a failure recorded late): not before `start`.
    earliest = max(start, *(earliest_sitting(exam) for exam in exams))
    latest = max(date.fromisoformat(exam["window_end"]) for exam in exams)
    low = math.floor(months_between(start, earliest))
    high = max(1, math.ceil(months_between(start, latest)))
    return {"low": low, "high": high}


def course_schedule(
    codes: list[str], catalog: Catalog, hours_per_week: float
) -> list[tuple[str, float, float]]:
    """Lay courses end to end at `hours_per_week`: (code, start month, end month) each.

    Uses the middle of each course's study-hours band: a picture of the plan, not a promise.
    """
    per_month = hours_per_week * WEEKS_PER_MONTH
    schedule, month = [], 0.0
    for code in codes:
        hours = catalog.courses[code].study_hours
        length = (hours.low + hours.high) / 2 / per_month
        schedule.append((code, month, month + length))
        month += length
    return schedule


_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)  # by month number


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    # Not calendar.monthrange: it also works out a weekday, 40% of this function's time.
    last = _DAYS_IN_MONTH[month] + (month == 2 and calendar.isleap(year))
    return date(year, month, min(day.day, last))


def next_business_day(day: date) -> date:
    """`day`, or the Monday after it when it is a Saturday or a Sunday."""
    weekday = day.weekday()
    return day + timedelta(days=7 - weekday) if weekday >= 5 else day


@functools.lru_cache(maxsize=64)
def _windows_of_year(
    windows: tuple[tuple[tuple[int, int], tuple[int, int]], ...], year: int, weekend_moves: bool
) -> tuple[tuple[date, date], ...]:
    # Every exam of every answer looks here, nearly always in the same two or three years:
    # making the dates once per year took a sixth off exam_schedule.
    out = []
    for (sm, sd), (em, ed) in windows:
        end = date(year, em, ed)
        out.append((date(year, sm, sd), next_business_day(end) if weekend_moves else end))
    return tuple(out)


def exam_windows(catalog: Catalog, after: date) -> Iterator[tuple[date, date]]:
    """Every testing window that ends on or after `after`, in order, without end.

    A window's last day on a weekend runs to the next business day where the catalog says so
    (`last_day_on_weekend`).
    """
    exams = catalog.exams
    year = after.year
    while True:
        for start, end in _windows_of_year(exams.windows, year, exams.weekend_end_moves):
            if end >= after:
                yield start, end
        year += 1


def exam_schedule(
    codes: list[str], catalog: Catalog, hours_per_week: float, start: date
) -> list[dict[str, Any]]:
    """Place each course's exam in the first testing window after it is studied.

    Courses are studied one after another from `start` at `hours_per_week` (the middle of
    each course's study-hours band); a window takes at most `max_per_window` exams; course
    access starts with the course's study and lasts `access_months`.
    """
    rules = catalog.exams
    taken: dict[date, int] = {}
    schedule = []
    studying = start
    for code in codes:
        hours = catalog.courses[code].study_hours
        ready = studying + timedelta(weeks=(hours.low + hours.high) / 2 / hours_per_week)
        window_start, window_end = next(
            (ws, we)
            for ws, we in exam_windows(catalog, ready)
            if taken.get(ws, 0) < rules.max_per_window
        )
        taken[window_start] = taken.get(window_start, 0) + 1
        access_ends = add_months(studying, rules.access_months)
        schedule.append(
            {
                "code": code,
                "window_start": window_start.isoformat(),
                "window_end": window_end.isoformat(),
                "ready": ready.isoformat(),
                "access_ends": access_ends.isoformat(),
                "access_ok": max(ready, window_start) <= access_ends,
            }
        )
        studying = ready
    return schedule


def discount_options(catalog: Catalog, chosen: tuple[str, ...]) -> list[tuple[Discount, ...]]:
    """The ways the chosen discounts may apply to one exam: each alone, and together only
    where the catalog says they combine (each lists the others in `combines_with`)."""
    discounts = [catalog.discounts[d] for d in dict.fromkeys(chosen)]
    options: list[tuple[Discount, ...]] = []
    for size in range(1, len(discounts) + 1):
        for group in itertools.combinations(discounts, size):
            if all(
                b.id in a.combines_with or a.id in b.combines_with
                for a, b in itertools.combinations(group, 2)
            ):
                # A percentage comes off before a fixed amount.
                options.append(tuple(sorted(group, key=lambda d: -d.percent_off)))
    return options


def best_discount(fee: float, options: list[tuple[Discount, ...]]) -> tuple[float, str | None]:
    """The lowest amount for `fee` over the options, and the discount applied ('a+b' for a
    combination the catalog allows; None when no option lowers the fee)."""
    amount, option = best_option(fee, options)
    return amount, "+".join(d.id for d in option) or None


def best_option(
    fee: float, options: list[tuple[Discount, ...]]
) -> tuple[float, tuple[Discount, ...]]:
    """The lowest amount for `fee` over the options, and the option giving it (() for none)."""
    amount: float = fee
    best: tuple[Discount, ...] = ()
    for option in options:
        value = _discounted(fee, option)
        if value < amount:  # on a tie the earlier (simpler) option stays
            amount, best = value, option
    return amount, best


def open_windows_at(schedule: list[dict[str, Any]], start: date) -> set[str]:
    """The codes whose exam is planned in a window already open on `start`: too late to buy
    them before their window opens."""
    return {e["code"] for e in schedule if date.fromisoformat(e["window_start"]) <= start}


def before_window_only(options: list[tuple[Discount, ...]]) -> list[tuple[Discount, ...]]:
    """The options without a discount for an exam bought before its window opens."""
    return [o for o in options if not any(d.only_before_window for d in o)]


OPEN_WINDOW_NOTE = (
    "No {names} discount: its testing window is already open on the start date, and that "
    "discount is for an exam bought before its window opens."
)


def estimate_cost(
    codes: list[str],
    catalog: Catalog,
    discounts: tuple[str, ...],
    schedule: list[dict[str, Any]] | None = None,
    start: date | None = None,
) -> dict[str, Any]:
    """Exam fees for `codes`, each after the single best of the chosen discounts (never
    stacked unless the catalog says they combine), with items and the other costs.

    Given the dated plan (`schedule`, `start`), a discount for an exam bought before its
    window opens is not given to an exam in a window already open on `start`, and its item
    says why (`note`). `low` and `high` are the planning figure's total (every sum uses it);
    `range` is the total over the fee the sources give (`fee_range`), with the same discounts.
    """
    options = discount_options(catalog, discounts)
    late = open_windows_at(schedule, start) if schedule and start else set()
    lost = [
        catalog.discounts[d].name.lower()
        for d in dict.fromkeys(discounts)
        if catalog.discounts[d].only_before_window
    ]
    items: list[dict[str, Any]] = []
    low = high = 0.0
    for code in codes:
        course = catalog.courses[code]
        allowed = before_window_only(options) if code in late else options
        amount, option = best_option(course.exam_fee, allowed)
        band = course.fee_range or Hours(course.exam_fee, course.exam_fee)
        low += _discounted(band.low, option)
        high += _discounted(band.high, option)
        items.append(
            {
                "code": code,
                "fee": course.exam_fee,
                "amount": round(amount, 2),
                "discount": "+".join(d.id for d in option) or None,
                "verified": course.fee_verified,
                "fee_range": {"low": band.low, "high": band.high},
                "note": OPEN_WINDOW_NOTE.format(names=" or ".join(lost))
                if code in late and lost and course.exam_fee
                else None,
            }
        )
    # Start from 0.0: with no exam left the total is still a float, as CostSchema says.
    total = round(sum((item["amount"] for item in items), 0.0), 2)
    return {
        "low": total,
        "high": total,
        "currency": catalog.currency,
        "verified": all(item["verified"] for item in items),
        "discounts": list(discounts),
        "items": items,
        "range": {"low": round(low, 2), "high": round(high, 2)},
        "other_costs": [
            {
                "id": cost.id,
                "name": cost.name,
                "amount": cost.amount,
                "per": cost.per,
                "included": False,
                "description": cost.description,
                "verified": cost.verified,
            }
            for cost in catalog.other_costs
        ],
    }


def _discounted(fee: float, discounts: tuple[Discount, ...]) -> float:
    for discount in discounts:
        fee = discount.apply(fee)
    return fee


def milestones(
    plan: RoutePlan,
    schedule: list[dict[str, Any]],
    catalog: Catalog,
    held: tuple[str, ...],
    start: date | None = None,
) -> list[dict[str, Any]]:
    """When each designation of a route not yet held is earned, in the order earned.

    A designation is earned with the exam of the last remaining course that counts toward
    it (`after_course`, in that exam's window); with none left, `after_course` and the window
    are None. The CPCU's milestone carries its experience rule (docs/policy.md, "Milestones").
    Given the plan's `start`, each also says in how many months it is earned (`months`, as
    plan_months: the one clock), else `months` is None.
    """
    windows = {exam["code"]: exam for exam in schedule}
    order = {exam["code"]: index for index, exam in enumerate(schedule)}
    out = []
    for designation in ROUTE_DESIGNATIONS[plan.route]:
        if designation in held:
            continue
        needed = [
            s.code
            for s in plan.remaining
            if designation in catalog.courses[s.code].counts_toward and s.code in windows
        ]
        last = max(needed, key=lambda c: (windows[c]["window_start"], order[c]), default=None)
        exam = windows.get(last) if last else None
        out.append(
            {
                "designation": designation,
                "name": catalog.designations[designation].name,
                "after_course": last,
                "window_start": exam["window_start"] if exam else None,
                "window_end": exam["window_end"] if exam else None,
                **_requirements_of(designation, plan, catalog),
                "months": None
                if start is None
                else plan_months([e for e in schedule if e["code"] in needed], start),
            }
        )
    out.sort(
        key=lambda m: (
            m["window_start"] or "",
            ROUTE_DESIGNATIONS[plan.route].index(m["designation"]),
        )
    )
    return out


def _requirements_of(designation: str, plan: RoutePlan, catalog: Catalog) -> dict[str, Any]:
    """Whether a designation's requirements are confirmed, and what else it needs."""
    if designation == "CPCU":
        fact = next((f for f in catalog.facts if f.id == "cpcu-experience"), None)
        return {
            "verified": catalog.cpcu.verified and (fact is None or fact.verified),
            "experience_months": catalog.cpcu.experience_months,
            "note": fact.text if fact else None,
        }
    path = next((p for p in catalog.api_paths if p.id == plan.api_path), None)
    return {
        "verified": bool(path and path.verified),
        "experience_months": None,
        "note": None,
    }


def _window_of(catalog: Catalog, day: date) -> tuple[date, date]:
    """The testing window holding `day`, or else the last one that started before it."""
    found: tuple[date, date] | None = None
    for window in exam_windows(catalog, date(day.year - 1, 1, 1)):
        if window[0] > day:
            break
        found = window
    assert found is not None  # a window of the year before always started before `day`
    return found


def _months_between(first: date, later: date) -> int:
    return (later.year - first.year) * 12 + later.month - first.month


def plan_retake(
    code: str,
    failed_on: date,
    catalog: Catalog,
    discounts: tuple[str, ...] = (),
    *,
    retakes_in_window: int = 0,
    access_ends: date | None = None,
) -> dict[str, Any]:
    """Plan the retake of an exam failed on `failed_on` (docs/policy.md, "Discounts and
    retakes").

    The retake goes to the next possible window: the failed exam's own window when the
    failure is before its last day and fewer than the catalog's `per_window` retakes have
    been taken in it (`retakes_in_window`), else the next one. A same-window retake gets the
    catalog's retake discount; that and the person's own discounts are never stacked: the
    single best applies (discounts for exams bought before their window cannot apply to a
    window already open). A retake does not count toward the per-window exam limit. The
    answer says what the retake adds: `added_months` (from the failed window's end to the
    retake's) and `added_fees` (the retake's fee after its discount).
    """
    rules = catalog.exams.retakes
    course = catalog.courses[code]
    failed_start, failed_end = _window_of(catalog, failed_on)
    same = failed_start <= failed_on < failed_end and retakes_in_window < rules.per_window
    if same:
        window_start, window_end = failed_start, failed_end
    else:
        window_start, window_end = next(
            w for w in exam_windows(catalog, failed_on) if w[0] > failed_on
        )
    options = discount_options(catalog, discounts)
    if same:  # bought in a window already open: no discount for buying before it opens
        options = before_window_only(options)
    if same and rules.same_window_amount_off:
        retake = Discount(
            id="same_window_retake",
            name="Same-window retake",
            description="A retake in the same window as the failed exam.",
            source=rules.source,
            verified=rules.verified,
            amount_off=rules.same_window_amount_off,
        )
        options.append((retake,))
    amount, applied = best_discount(course.exam_fee, options)
    amount = round(amount, 2)
    return {
        "code": code,
        "failed_on": failed_on.isoformat(),
        "window_start": window_start.isoformat(),
        "window_end": window_end.isoformat(),
        "same_window": same,
        "fee": course.exam_fee,
        "amount": amount,
        "discount": applied,
        "added_fees": amount,
        "added_months": _months_between(failed_end, window_end),
        "counts_toward_limit": rules.count_toward_limit,
        "access_ok": access_ends is None or window_start <= access_ends,
        "verified": rules.verified and course.fee_verified,
    }


ATTEMPT_RESULTS = ("passed", "failed")


@dataclass(frozen=True)
class Attempt:
    """One sitting of a course's exam: the course, the day and the result."""

    course: str
    on: date
    result: str  # "passed" or "failed"; anything else (a scheduled exam) is no sitting


def retake_count(attempts: Iterable[Attempt], catalog: Catalog) -> tuple[date, int] | None:
    """One course's sittings counted for its next retake (docs/policy.md, "Retakes").

    None when its last sitting passed (or there is none); else the day of the last failure
    and how many retakes its window has had already: every sitting in that window but the
    course's very first one is a retake. With the catalog's one retake per window, a second
    failure in one window is retaken in the next window, at full price.
    """
    sittings = sorted((a for a in attempts if a.result in ATTEMPT_RESULTS), key=lambda a: a.on)
    if not sittings or sittings[-1].result != "failed":
        return None
    last = sittings[-1].on
    opens, closes = _window_of(catalog, last)
    retakes = sum(1 for a in sittings[1:] if opens <= a.on <= closes)
    return last, retakes


def plan_retakes(
    attempts: Iterable[Attempt],
    catalog: Catalog,
    discounts: tuple[str, ...] = (),
    access_ends: Mapping[str, date] | None = None,
) -> list[dict[str, Any]]:
    """The next retake of every course whose last sitting failed, counting every attempt.

    Each is plan_retake's answer for the course's last failure, with the retakes its window
    has had already, plus `attempts` (the course's sittings) and `failures`; in the order of
    the courses' first sittings.
    """
    by_course: dict[str, list[Attempt]] = {}
    for attempt in sorted(attempts, key=lambda a: a.on):
        by_course.setdefault(attempt.course, []).append(attempt)
    out = []
    for code, tried in by_course.items():
        counted = retake_count(tried, catalog)
        if counted is None:
            continue
        failed_on, retakes = counted
        retake = plan_retake(
            code,
            failed_on,
            catalog,
            discounts,
            retakes_in_window=retakes,
            access_ends=(access_ends or {}).get(code),
        )
        sittings = [a for a in tried if a.result in ATTEMPT_RESULTS]
        retake["attempts"] = len(sittings)
        retake["failures"] = sum(a.result == "failed" for a in sittings)
        out.append(retake)
    return out
