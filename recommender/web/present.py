"""What the result page shows, worked out from an answer: pure functions, no Flask."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from markupsafe import Markup, escape

from ..catalog import Catalog
from ..wording import listing, route_status
from .forms import FIT_LABELS, REQUIREMENT_LABELS
from .timeline import NARROW, WIDE, timeline_svg

STATUS_LABELS = {**FIT_LABELS, "held": "Already held", "in_progress": "In progress"}
_ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")

# Short explanations, shown where a word first appears on the page.
TERMS = {
    "concentration": "two CPCU courses in one line of business, personal or commercial",
    "elective": "one more CPCU course, from outside your concentration",
}


def nobreak_dates(text: Any) -> Markup:
    """Escape `text` and wrap each ISO date in a <time> that never breaks across lines."""
    return Markup(
        _ISO_DATE.sub(
            lambda m: f'<time class="date" datetime="{m[0]}">{m[0]}</time>', str(escape(text))
        )
    )


@dataclass(frozen=True)
class RouteCard:
    """A route as the page shows it: its status badge and the sentence under it."""

    route: dict[str, Any]
    status: str  # recommended, suitable, not_suitable, held or in_progress
    label: str
    note: str  # replaces the course count where the route needs none (held, in progress)


def route_cards(
    routes: list[dict[str, Any]], held: list[str], chosen: dict[str, Any] | None
) -> list[RouteCard]:
    """The cards of the routes not recommended, each with a badge that says what is meant."""
    cards = []
    for route in routes:
        if route is chosen:
            continue
        status, note = route_status(route, held, chosen["route"] if chosen else None, routes)
        cards.append(RouteCard(route, status, STATUS_LABELS[status], note))
    return cards


def api_path_hint(route: dict[str, Any], catalog: Catalog) -> str:
    """What an API path is, and which courses this route's path has."""
    path = next((p for p in catalog.api_paths if p.id == route.get("api_path")), None)
    if path is None:
        return ""
    return (
        f"An API path is one of the {len(catalog.api_paths)} sets of courses that earn the API; "
        f"this one is {listing(path.courses)}."
    )


def first_terms(route: dict[str, Any]) -> dict[str, Markup]:
    """{code: its requirement with the term explained}, for the first course of each term.

    The elective's explanation names the concentration; where no concentration course comes
    before it (the combined route lists 555 and 556 as API courses), it explains that too.
    """
    hints: dict[str, Markup] = {}
    explained: set[str] = set()
    for course in route["remaining_courses"]:
        requirement = course["requirement"]
        if requirement not in TERMS or requirement in explained:
            continue
        explained.add(requirement)
        hint = TERMS[requirement]
        if requirement == "elective" and "concentration" not in explained:
            explained.add("concentration")
            hint += Markup("; a <dfn>concentration</dfn> is ") + TERMS["concentration"]
        hints[course["code"]] = Markup("<dfn>{}</dfn> ({})").format(
            REQUIREMENT_LABELS[requirement], hint
        )
    return hints


def cost_rows(cost: dict[str, Any], catalog: Catalog) -> tuple[list[dict[str, Any]], bool]:
    """Each exam's fee and what is paid, with the name of the discount applied, if any."""
    rows = []
    for item in cost.get("items", []):
        discount = item.get("discount")
        rows.append(
            {
                **item,
                "discount_name": catalog.discounts[discount].name
                if discount in catalog.discounts
                else (discount or ""),
            }
        )
    return rows, any(r["discount_name"] or r.get("note") for r in rows)


def timelines(
    chosen: dict[str, Any], catalog: Catalog, hours_per_week: float, start: date
) -> tuple[Markup, Markup]:
    """The chosen route's timeline drawn twice: wide (desktop, print) and narrow (phones)."""
    codes = [c["code"] for c in chosen["remaining_courses"]]
    count = len(codes)
    title = f"Timeline of the {count} remaining course{'' if count == 1 else 's'}"
    drawn = [
        timeline_svg(
            codes,
            catalog,
            hours_per_week,
            title,
            exams=chosen["exam_schedule"],
            start=start,
            milestones=chosen.get("milestones") or [],
            layout=layout,
        )
        for layout in (WIDE, NARROW)
    ]
    return drawn[0], drawn[1]
