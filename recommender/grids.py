"""The profiles `rules check` (and `rules diff`) evaluate: every decisive combination of a
profile, and dated plans at every kind of pace, start date and discount."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from typing import Any

from .planner import Profile
from .rulebook import Rulebook
from .vocabulary import GOALS, LINES, ROLES, YEARS_RANGE

# Typical passed courses, to check the grid with and without credits.
TYPICAL_COURSES = ("CPCU 500", "AINS 21", "CPCU 551")


def years_grid(rulebook: Rulebook) -> list[float]:
    """Years of experience at and around every threshold in the rules, plus both ends."""
    low, high = YEARS_RANGE
    values = {float(low), float(high)}
    for t in rulebook.thresholds():
        values.update(v for v in (t - 0.5, t, t + 0.5) if low <= v <= high)
    return sorted(values)


def held_combinations(rulebook: Rulebook) -> list[tuple[str, ...]]:
    """Held designations to try: every combination of those that credit courses or decide
    (API, CPCU, AINS...), each with nothing else, each other designation alone, or every
    designation one advice rule suggests together."""
    catalog = rulebook.catalog
    deciding = sorted(
        {c for r in rulebook.rules for c in (*r.when.holds, *r.when.not_holds)}
        | set(catalog.credits)
        | {"API", "CPCU"}
    )
    others: list[tuple[str, ...]] = [()]
    others += [(c,) for c in catalog.designations if c not in deciding]
    others += [r.suggest for r in rulebook.rules if len(r.suggest) > 1]
    combos = []
    for size in range(len(deciding) + 1):
        for base in itertools.combinations(deciding, size):
            for extra in others:
                combos.append(tuple(dict.fromkeys((*base, *extra))))
    return list(dict.fromkeys(combos))


# How a held API or CPCU was earned (docs/policy.md, "Credits"): not said, and each answer
# that changes a plan.
API_PATH_ANSWERS: tuple[str | None, ...] = (None, "path-1", "path-2")
CPCU_ANSWERS: tuple[tuple[str | None, str | None], ...] = (
    (None, None),
    ("personal", None),
    ("commercial", None),
    ("commercial", "CPCU 556"),
)
# The dated plans (docs/policy.md, "One clock", "Discounts"): paces from 1 to 40 hours a week;
# starts before a window, inside one, on its last day, between two, and in a year whose
# windows end on a weekend; no discount, early purchase, and both published ones.
HOURS = (1, 2, 4, 10, 20, 40)
START_DATES = (
    date(2027, 1, 4),
    date(2027, 2, 1),
    date(2027, 3, 15),
    date(2027, 12, 20),
    date(2029, 8, 20),
    date(2029, 9, 15),
)
DISCOUNTS: tuple[tuple[str, ...], ...] = (
    (),
    ("early_purchase",),
    ("early_purchase", "student_teacher_regulator"),
)
DATED_VARIANTS = 3  # dated plans tried for each profile of the dated grid


def answered(held: tuple[str, ...], rulebook: Rulebook) -> list[dict[str, Any]]:
    """The credit answers to try with `held`: every one that changes a plan for a held API or
    CPCU alone (with other designations too, only "not said")."""
    deciding = {"API", "CPCU", *rulebook.catalog.credits}
    paths = API_PATH_ANSWERS if "API" in held and set(held) <= deciding else (None,)
    cpcu = CPCU_ANSWERS if "CPCU" in held and set(held) <= deciding else ((None, None),)
    return [
        {"api_path": path, "cpcu_concentration": concentration, "cpcu_elective": elective}
        for path in paths
        for concentration, elective in cpcu
    ]


def profile_grid(rulebook: Rulebook) -> Iterator[Profile]:
    """Every role x lines x goal x held designations (with the credit answers) x years x
    with/without courses, from today at the default pace."""
    years_values = years_grid(rulebook)
    for role, lines, goal, held, courses in itertools.product(
        ROLES, LINES, GOALS, held_combinations(rulebook), ((), TYPICAL_COURSES)
    ):
        for answers in answered(held, rulebook):
            # Years innermost: check_rules works out one answer for a run of them.
            for years in years_values:
                yield Profile(role, lines, years, held, courses, goal, **answers)


def dated_grid(rulebook: Rulebook) -> Iterator[Profile]:
    """Profiles with dated plans: every role x lines x goal x held designations that credit
    (with the credit answers) x with/without courses, each at DATED_VARIANTS of the paces x
    starts x discounts in turn, so that every rule meets every kind of dated plan."""
    variants = list(itertools.product(HOURS, START_DATES, DISCOUNTS))
    deciding = sorted({"API", "CPCU", *rulebook.catalog.credits})
    held_sets = [
        combo
        for size in range(len(deciding) + 1)
        for combo in itertools.combinations(deciding, size)
    ]
    years = years_grid(rulebook)
    turn = 0
    for role, lines, goal, held, courses in itertools.product(
        ROLES, LINES, GOALS, held_sets, ((), TYPICAL_COURSES)
    ):
        for answers in answered(held, rulebook):
            for _ in range(DATED_VARIANTS):
                hours, start, discounts = variants[turn % len(variants)]
                person_years = years[turn % len(years)]
                turn += 1
                yield Profile(
                    role,
                    lines,
                    person_years,
                    held,
                    courses,
                    goal,
                    hours_per_week=hours,
                    start_date=start,
                    discounts=discounts,
                    **answers,
                )


def profile_label(profile: Profile) -> str:
    held = ",".join(profile.designations) or "none"
    courses = ",".join(profile.completed_courses) or "none"
    return (
        f"role={profile.role} lines={profile.lines} goal={profile.goal} "
        f"years={profile.years_experience:g} holds={held} courses={courses}"
    )
