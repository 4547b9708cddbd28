"""Credits asked, not assumed: what each credited course rests on, and the other possibilities.

A held API credits the courses of the path it was earned by, a held CPCU its concentration
and elective: the person is asked. Where they do not say (or are not sure), the plan takes the
default and marks the credit to confirm, and each route says what the other answers would
leave (docs/policy.md, "Credits"). Pure functions of a profile and the catalog.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

from ..catalog import ApiPath, Catalog
from ..vocabulary import NOT_SURE
from ..wording import months_phrase, plural
from .profile import Profile, RoutePlan


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


@dataclass(frozen=True)
class Alternative:
    """Another answer to a question the person left open, and the profile it gives."""

    field: str  # the profile field: api_path, cpcu_concentration, cpcu_elective, designations
    value: str  # the other answer (for designations: the designation not crediting)
    assumption: str  # "you earned your API by Path 1 (four courses)", for a sentence
    holder: str  # the held designation whose credit it changes
    profile: Profile


def credit_items(
    plan: RoutePlan, sources: dict[str, tuple[Credit, ...]], catalog: Catalog
) -> list[dict[str, object]]:
    """The route's credited courses, each with what credits it and whether it is confirmed.

    `by` lists the held designations (or "passed") that credit it; a course of a route whose
    designations are all held is credited by holding them.
    """
    requirements = {step.code: step.requirement for step in plan.steps}
    items = []
    for code in plan.credited_codes:
        credits = sources.get(code, ())
        items.append(
            {
                "code": code,
                "requirement": requirements[code],
                "counts_toward": list(catalog.courses[code].counts_toward),
                "by": [c.by for c in credits] or ["held"],
                # A course passed is the person's own word; otherwise every source confirmed.
                "verified": any(c.by == PASSED for c in credits)
                or all(c.verified for c in credits),
                "assumed": bool(credits) and all(c.assumed for c in credits),
            }
        )
    return items


def alternatives(profile: Profile, catalog: Catalog) -> Iterator[Alternative]:
    """The other answers to each credit question the person left open, most telling first.

    A held API with no path said: each other path. A held CPCU with no concentration said: the
    other one; with no elective said: each other elective outside the concentration. A held
    designation whose credits the catalog does not confirm (the AINS): not crediting them.
    """
    held = profile.designations
    if "API" in held and profile.api_path in (None, NOT_SURE):
        yield from _other_paths(profile, catalog)
    if "CPCU" in held:
        yield from _other_cpcu_answers(profile, catalog)
    for code in held:
        credited = catalog.credits.get(code, ())
        if code in ("API", "CPCU") or not credited:
            continue
        if not all(catalog.courses[c].verified for c in credited):
            yield Alternative(
                "designations",
                code,
                f"your {code} does not credit {' and '.join(credited)}",
                code,
                replace(profile, designations=tuple(d for d in held if d != code)),
            )


def _other_paths(profile: Profile, catalog: Catalog) -> Iterator[Alternative]:
    assumed, _ = held_api_path(profile, catalog)
    for path in catalog.api_paths:
        if path.id != assumed.id:
            yield Alternative(
                "api_path",
                path.id,
                f"you earned your API by {path.name}",
                "API",
                replace(profile, api_path=path.id),
            )


def _other_cpcu_answers(profile: Profile, catalog: Catalog) -> Iterator[Alternative]:
    concentration, c_said, elective, e_said = held_cpcu(profile, catalog)
    if not c_said:
        for other in catalog.cpcu.concentrations:
            if other != concentration:
                yield Alternative(
                    "cpcu_concentration",
                    other,
                    f"your CPCU's concentration was the {other} one",
                    "CPCU",
                    replace(profile, cpcu_concentration=other),
                )
    if not e_said:
        inside = catalog.cpcu.concentrations[concentration]
        for other in catalog.cpcu.electives:
            if other != elective and other not in inside:
                yield Alternative(
                    "cpcu_elective",
                    other,
                    f"your CPCU's elective was {other}",
                    "CPCU",
                    replace(profile, cpcu_elective=other),
                )


CreditAnswers = dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]]


def credit_answers(
    profile: Profile,
    catalog: Catalog,
    plans_of: Callable[[Profile], Mapping[str, RoutePlan]],
    months_of: Callable[[tuple[str, ...]], Mapping[str, int]],
) -> CreditAnswers:
    """Each route's credited courses with what they rest on (credit_items), and, for each
    credit question left open, what the other answer leaves of the route.

    `plans_of` plans a profile's routes (plan_routes, kept by the caller), `months_of` gives
    the dated plan's months of a list of courses (the caller's pace, start and discounts).
    """
    plans = plans_of(profile)
    sources = credit_sources(profile, catalog)
    out: CreditAnswers = {
        route: (credit_items(plan, sources, catalog), []) for route, plan in plans.items()
    }
    for alternative in alternatives(profile, catalog):
        other_plans = plans_of(alternative.profile)
        other_sources = credit_sources(alternative.profile, catalog)
        for route, plan in plans.items():
            other = other_plans[route]
            codes = tuple(s.code for s in other.remaining)
            if codes == tuple(s.code for s in plan.remaining):
                continue
            months = months_of(codes)
            by_holder = [
                s.code
                for s in other.steps
                if s.requirement != "ethics"
                and s.code in other.credited
                and any(c.by == alternative.holder for c in other_sources.get(s.code, ()))
            ]
            out[route][1].append(
                {
                    "field": alternative.field,
                    "value": alternative.value,
                    "holder": alternative.holder,
                    "assumption": alternative.assumption,
                    "remaining_courses": list(codes),
                    "credited_by_holder": by_holder,
                    "estimated_months": dict(months),
                    "text": f"If {alternative.assumption}: "
                    f"{plural(len(codes), 'course')} to go, {months_phrase(months)}.",
                }
            )
    return out


def copy_credit_answers(kept: CreditAnswers) -> CreditAnswers:
    """A copy of kept credit answers, lists and dicts and all: each answer is its caller's."""
    return {
        route: (
            [{**c, "counts_toward": list(c["counts_toward"]), "by": list(c["by"])} for c in items],
            [
                {
                    **a,
                    "remaining_courses": list(a["remaining_courses"]),
                    "credited_by_holder": list(a["credited_by_holder"]),
                    "estimated_months": dict(a["estimated_months"]),
                }
                for a in others
            ],
        )
        for route, (items, others) in kept.items()
    }
