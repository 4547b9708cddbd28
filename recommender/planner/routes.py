"""The three routes' course plans: ethics first, the API's path, the CPCU's concentration."""

from __future__ import annotations

from ..catalog import Catalog
from ..vocabulary import ROUTE_DESIGNATIONS
from .credits import cpcu_concentration, credited_courses
from .profile import Profile, RoutePlan, Step


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
