"""The profile form: what it shows (choices, groups, labels) and how its answers are read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from werkzeug.datastructures import MultiDict

from ..catalog import Catalog
from ..schemas import PROFILE_FIELDS, PROFILE_LIST_FIELDS
from ..vocabulary import DEFAULT_HOURS_PER_WEEK

LIST_FIELDS = PROFILE_LIST_FIELDS

ROLE_LABELS = {
    "agent": "Agent",
    "broker": "Broker",
    "claims": "Claims",
    "underwriter": "Underwriter",
    "customer_service": "Customer service",
}
LINES_LABELS = {
    "personal": "Personal lines",
    "commercial": "Commercial lines",
    "both": "Both personal and commercial",
}
GOAL_LABELS = {
    "undecided": "Not decided yet",
    "quick_credential": "A recognised credential quickly",
    "master_personal_lines": "Master personal lines",
    "advance_to_leadership": "Move into leadership",
}
FIELD_LABELS = {
    "role": "Role",
    "lines": "Lines of business",
    "years_experience": "Years in insurance",
    "designations": "Designations held",
    "completed_courses": "Courses already passed",
    "goal": "Career goal",
    "hours_per_week": "Study hours a week",
    "start_date": "Start date",
    "discounts": "Exam discounts",
    "_schema": "Form",
}
REQUIREMENT_LABELS = {
    "api": "API course",
    "foundation": "CPCU foundation",
    "concentration": "CPCU concentration",
    "elective": "CPCU elective",
    "ethics": "Ethics",
}
FIT_LABELS = {"recommended": "Recommended", "suitable": "Suitable", "not_suitable": "Not suitable"}


@dataclass(frozen=True)
class CourseGroup:
    title: str
    courses: tuple[tuple[str, str], ...]  # (code, title)


def course_groups(catalog: Catalog) -> list[CourseGroup]:
    """The catalog's courses grouped by designation and path, each course once."""
    seen: set[str] = set()
    groups: list[CourseGroup] = []

    def add(title: str, codes: tuple[str, ...]) -> None:
        fresh = list(dict.fromkeys(c for c in codes if c not in seen))
        seen.update(fresh)
        if fresh:
            groups.append(CourseGroup(title, tuple((c, catalog.courses[c].title) for c in fresh)))

    for path in catalog.api_paths:
        add(f"API, {path.name}", path.courses)
    cpcu = catalog.cpcu
    add("CPCU foundation", cpcu.foundation)
    for name, codes in cpcu.concentrations.items():
        add(f"CPCU {name} concentration", codes)
    add("Ethics", (catalog.api_ethics, cpcu.ethics))
    add("Other courses", tuple(catalog.courses))
    return groups


def form_values(args: MultiDict[str, str]) -> dict[str, Any]:
    """The profile fields of a submitted form; blank answers count as not given."""
    values: dict[str, Any] = {}
    for name in PROFILE_FIELDS:
        if name in LIST_FIELDS:
            items = [v.strip() for v in args.getlist(name) if v.strip()]
            if items:
                values[name] = items
        else:
            value = args.get(name, "").strip()
            if value:
                values[name] = value
    return values


def default_values() -> dict[str, Any]:
    """What a blank form shows."""
    return {"goal": "undecided", "hours_per_week": str(DEFAULT_HOURS_PER_WEEK)}
