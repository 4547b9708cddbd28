"""The profile form: what it shows (choices, groups, labels) and how its answers are read."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from werkzeug.datastructures import MultiDict

from ..catalog import Catalog
from ..schemas import PROFILE_FIELDS, PROFILE_LIST_FIELDS
from ..vocabulary import DEFAULT_HOURS_PER_WEEK, HOURS_RANGE, YEARS_RANGE
from ..wording import REQUIREMENT_WORDS, listing

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
    "api_path": "How you earned your API",
    "cpcu_concentration": "Your CPCU's concentration",
    "cpcu_elective": "Your CPCU's elective",
    "_schema": "Form",
}
NOT_SURE_LABEL = "Not sure"
CONCENTRATION_LABELS = {
    "personal": "Personal lines",
    "commercial": "Commercial lines",
    "not_sure": NOT_SURE_LABEL,
}
REQUIREMENT_LABELS = REQUIREMENT_WORDS
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


def credit_questions(catalog: Catalog) -> dict[str, dict[str, str]]:
    """The choices of the questions on how a held API or CPCU was earned, from the catalog."""
    cpcu = catalog.cpcu
    return {
        "api_path": {
            **{p.id: f"{p.name}: {listing(p.courses)}" for p in catalog.api_paths},
            "not_sure": NOT_SURE_LABEL,
        },
        "cpcu_concentration": {
            name: f"{label} ({listing(cpcu.concentrations[name])})"
            if name in cpcu.concentrations
            else label
            for name, label in CONCENTRATION_LABELS.items()
        },
        "cpcu_elective": {
            **{c: f"{c} – {catalog.courses[c].title}" for c in cpcu.electives},
            "not_sure": NOT_SURE_LABEL,
        },
    }


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


# What a person is asked to do about each field, whatever the schema said was wrong with it.
ERROR_SENTENCES = {
    "role": "Choose a role.",
    "lines": "Choose the lines of business you work in.",
    "years_experience": "Enter your years of experience, from {years[0]} to {years[1]}.",
    "goal": "Choose a career goal.",
    "hours_per_week": "Enter the hours you can study in a week, from {hours[0]} to {hours[1]}.",
    "start_date": "Enter the start date as a date, for example {example}.",
    "api_path": "Choose how you earned your API from the list, or “Not sure”.",
    "cpcu_concentration": "Choose your CPCU's concentration from the list, or “Not sure”.",
    "cpcu_elective": "Choose your CPCU's elective from the list, or “Not sure”.",
}
# For list fields, the schema's message names the value it did not know.
UNKNOWN_SENTENCES = {
    "designations": "We do not know the designation “{value}”: tick those you hold in the list.",
    "completed_courses": "We do not know the course “{value}”: tick the courses you passed in "
    "the list.",
    "discounts": "We do not know the discount “{value}”: tick those that apply in the list.",
}
CHOICE_LABELS = {
    "role": ROLE_LABELS,
    "lines": LINES_LABELS,
    "goal": GOAL_LABELS,
    "cpcu_concentration": CONCENTRATION_LABELS,
}
_QUOTED = re.compile(r"'([^']*)'")
_SUGGESTION = re.compile(r"did you mean '([^']*)'\?", re.IGNORECASE)


def _suggestion(field: str, message: str) -> str:
    """The suggestion to show for a message ending in "did you mean 'x'?", or nothing."""
    match = _SUGGESTION.search(message)
    if not match:
        return ""
    value = match[1]
    return f" Did you mean {CHOICE_LABELS.get(field, {}).get(value, value)}?"


def error_sentences(errors: dict[str, list[str]], example: str) -> dict[str, list[str]]:
    """The schema's messages as sentences for people, each with its near-miss suggestion."""
    out: dict[str, list[str]] = {}
    for field, messages in errors.items():
        if field in UNKNOWN_SENTENCES:
            sentences = []
            for message in messages:
                quoted = _QUOTED.search(message)
                if quoted is None:
                    sentences.append(message)
                    continue
                sentence = UNKNOWN_SENTENCES[field].format(value=quoted[1])
                sentences.append(sentence + _suggestion(field, message))
            out[field] = sentences
        elif field in ERROR_SENTENCES:
            sentence = ERROR_SENTENCES[field].format(
                years=YEARS_RANGE, hours=HOURS_RANGE, example=example
            )
            own = [m for m in messages if m.startswith("The start date")]  # already a sentence
            suggestions = "".join(dict.fromkeys(_suggestion(field, m) for m in messages))
            out[field] = own or [sentence + suggestions]
        else:
            out[field] = list(messages)
    return out


def past_start_date(raw: str | None, today: date) -> dict[str, list[str]]:
    """The form's refusal of a start date that has passed; nothing for any other value."""
    try:
        start = date.fromisoformat(raw or "")
    except ValueError:
        return {}  # blank means today; a value that is no date is the schema's to report
    if start >= today:
        return {}
    return {
        "start_date": [
            f"The start date {start.isoformat()} has passed: choose today ({today.isoformat()}) "
            "or a later date."
        ]
    }
