"""Credits asked, not assumed: what each credited course rests on, and the other possibilities.

A held API credits the courses of the path it was earned by, a held CPCU its concentration
and elective: the person is asked. Where they do not say (or are not sure), the plan takes the
default and marks the credit to confirm, and each route says what the other answers would
leave (docs/policy.md, "Credits"). Pure functions of a profile and the catalog.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace

from .catalog import Catalog
from .planner import PASSED, Credit, Profile, RoutePlan, held_api_path, held_cpcu
from .vocabulary import NOT_SURE


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
