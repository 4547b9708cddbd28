"""Words for people, shared by the web pages and the command line: counts, durations, profiles."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

ROLE_WORDS = {
    "agent": "agent",
    "broker": "broker",
    "claims": "claims",
    "underwriter": "underwriter",
    "customer_service": "customer service",
}
LINES_WORDS = {
    "personal": "personal lines",
    "commercial": "commercial lines",
    "both": "personal and commercial lines",
}
GOAL_WORDS = {
    "undecided": "not decided yet",
    "quick_credential": "a recognised credential quickly",
    "master_personal_lines": "master personal lines",
    "advance_to_leadership": "move into leadership",
}
REQUIREMENT_WORDS = {
    "api": "API course",
    "foundation": "CPCU foundation",
    "concentration": "CPCU concentration",
    "elective": "CPCU elective",
    "ethics": "Ethics",
}
# A plan this long or longer reads in years: "about 30 to 44 months" is hard to picture.
YEARS_FROM_MONTHS = 24


def number(value: float) -> str:
    """A count as people write it: 4, 1.5, 2,490."""
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def plural(count: float, word: str, many: str | None = None) -> str:
    """`count` and `word`, pluralised: "1 hour", "4 hours", "1.5 hours", "2 courses"."""
    return f"{number(count)} {word if count == 1 else (many or word + 's')}"


def duration(low: int, high: int) -> str:
    """A band of months in words: "about 10 to 16 months", or in years when it is long."""
    if high <= 0:
        return "nothing left"
    if high >= YEARS_FROM_MONTHS:
        # Half a year rounds up (round() would take 2.5 to 2).
        low_years, high_years = (max(1, math.floor(m / 12 + 0.5)) for m in (low, high))
        if low_years == high_years:
            return f"about {plural(high_years, 'year')}"
        return f"about {low_years} to {plural(high_years, 'year')}"
    if high <= 1:
        return "under a month"
    if low == high:
        return f"about {plural(high, 'month')}"
    return f"about {max(low, 1)} to {plural(high, 'month')}"


_MONTH_BAND = re.compile(r"\babout (\d+) to (\d+) months\b")
_COUNT_NOUN = re.compile(r"\b1 (hour|course|exam|month|year)s\b")


def humanise(text: str) -> str:
    """Rewrite a generated sentence's month bands in words and fix "1 hours" and the like."""
    text = _MONTH_BAND.sub(lambda m: duration(int(m[1]), int(m[2])), text)
    return _COUNT_NOUN.sub(r"1 \1", text)


def listing(items: Iterable[str], last: str = "and") -> str:
    """Items joined for a sentence: "a", "a and b", "a, b and c"."""
    words = list(items)
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {last} {words[-1]}"


def profile_facts(
    profile: Mapping[str, Any], discount_names: Mapping[str, str] | None = None
) -> list[str]:
    """The answers a plan is based on, one short phrase each, in the form's order."""
    names = discount_names or {}
    facts = [
        ROLE_WORDS.get(profile["role"], profile["role"]),
        LINES_WORDS.get(profile["lines"], profile["lines"]),
        f"{plural(profile['years_experience'], 'year')} of experience",
        "holds " + listing(profile["designations"])
        if profile.get("designations")
        else "no designations held",
    ]
    if profile.get("completed_courses"):
        facts.append("passed " + listing(profile["completed_courses"]))
    facts += [
        "goal: " + GOAL_WORDS.get(profile["goal"], profile["goal"]),
        f"{plural(profile['hours_per_week'], 'hour')} of study a week",
        f"starting {profile['start_date']}",
    ]
    discounts = [names.get(d, d.replace("_", " ")) for d in profile.get("discounts") or ()]
    facts.append("discounts: " + (listing(discounts) if discounts else "none"))
    return facts


def is_past(day: str | date, today: date) -> bool:
    """Whether an ISO date (or a date) lies before `today`."""
    return (date.fromisoformat(day) if isinstance(day, str) else day) < today


# The designations a route leads to, in the order they are earned.
ROUTE_DESIGNATIONS = {"API": ("API",), "CPCU": ("CPCU",), "API_THEN_CPCU": ("API", "CPCU")}


def route_status(
    route: Mapping[str, Any], held: Iterable[str], recommended: str | None
) -> tuple[str, str]:
    """What a route's badge should say, and a sentence where the bare fit would mislead.

    A route is "not suitable" for a person who already holds its designations, or who is half
    way along it (an API holder on the combined route): say "held" or "in progress" instead.
    """
    fit = str(route["fit"])
    wanted = ROUTE_DESIGNATIONS.get(str(route["route"]), ())
    have = [d for d in wanted if d in set(held)]
    if fit != "not_suitable" or not have:
        return fit, ""
    if len(have) == len(wanted):
        return "held", f"You hold the {listing(have)}."
    rest = [d for d in wanted if d not in have]
    where = (
        f"the {listing(rest)} plan above" if recommended in rest else f"the {listing(rest)} route"
    )
    return (
        "in_progress",
        f"In progress: you hold the {listing(have)}; {where} completes this route.",
    )


def months_phrase(months: Mapping[str, int] | None) -> str:
    """A dated plan's months as a generated sentence writes them ("about 6 to 9 months").

    Kept in months, so that the JSON answer keeps the plan's figure; the page and the command
    line read it through humanise(), which says long ones in years.
    """
    if not months or months["high"] <= 0:
        return "no time: nothing is left to take"
    return f"about {months['low']} to {months['high']} months"


def plan_values(route: Mapping[str, Any], hours_per_week: float) -> dict[str, str]:
    """What a rule's `{placeholders}` say of one route's dated plan (rulebook.PLAN_PLACEHOLDERS)."""
    milestones = route.get("milestones") or []
    first = next((m["months"] for m in milestones if m.get("months")), None)
    return {
        "months": months_phrase(route["estimated_months"]),
        "first_months": months_phrase(first or route["estimated_months"]),
        "hours": number(hours_per_week),
        "courses": plural(len(route["remaining_courses"]), "course"),
    }


def fill(text: str, values: Mapping[str, str]) -> str:
    """A rule's text with its placeholders filled in (the rulebook checked their names)."""
    return text.format_map(values) if "{" in text else text


def fee_band(cost: Mapping[str, Any]) -> tuple[float, float]:
    """The highest fee of one exam that the sources give, over a cost's items (low, high)."""
    bands = [(i["fee_range"]["low"], i["fee_range"]["high"]) for i in cost.get("items", [])]
    return max(bands, default=(0.0, 0.0))
