"""Words for people, shared by the web pages and the command line: counts, durations, profiles."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from .vocabulary import ROUTE_DESIGNATIONS

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
    facts += _credit_answers(profile)
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


def _credit_answers(profile: Mapping[str, Any]) -> list[str]:
    """How the held API and CPCU were earned, as the person said (or did not)."""
    held = profile.get("designations") or ()
    out = []
    if "API" in held:
        path = profile.get("api_path")
        out.append(
            f"API earned by {path.replace('path-', 'Path ')}"
            if path and path != "not_sure"
            else "API path not given (Path 2 assumed, to confirm)"
        )
    if "CPCU" in held:
        concentration = profile.get("cpcu_concentration")
        elective = profile.get("cpcu_elective")
        said = [
            f"CPCU {concentration} concentration"
            if concentration not in (None, "not_sure")
            else "",
            f"CPCU elective {elective}" if elective not in (None, "not_sure") else "",
        ]
        out += [s for s in said if s] or []
        if not all(said):
            out.append("CPCU concentration or elective not given (assumed, to confirm)")
    return out


def is_past(day: str | date, today: date) -> bool:
    """Whether an ISO date (or a date) lies before `today`."""
    return (date.fromisoformat(day) if isinstance(day, str) else day) < today


def route_status(
    route: Mapping[str, Any],
    held: Iterable[str],
    recommended: str | None,
    routes: Iterable[Mapping[str, Any]] = (),
) -> tuple[str, str]:
    """What a route's badge should say, and a sentence where the bare fit would mislead.

    A route is "not suitable" for a person who already holds its designations, or who is half
    way along it (an API holder on the combined route): say "held" or "in progress" instead.
    A route is never said to be completed by a route that does not suit the person (`routes`:
    every route of the answer): a commercial-lines CPCU holder's combined route stays "not
    suitable", saying why its rest does not fit.
    """
    fit = str(route["fit"])
    wanted = ROUTE_DESIGNATIONS.get(str(route["route"]), ())
    have = [d for d in wanted if d in set(held)]
    if fit != "not_suitable" or not have:
        return fit, ""
    if len(have) == len(wanted):
        return "held", f"You hold the {listing(have)}."
    rest = [d for d in wanted if d not in have]
    unfit = [r for r in routes if r["route"] in rest and r["fit"] == "not_suitable"]
    if unfit:
        why = " ".join(str(r["reasons"][0]["text"]) for r in unfit)
        why = "the" + why[3:] if why.startswith("The ") else why
        return "not_suitable", f"Its rest, the {listing(rest)}, does not fit you: {why}"
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


def plan_values(
    route: Mapping[str, Any], hours_per_week: float, crediting: Iterable[str] = ()
) -> dict[str, str]:
    """What a rule's `{placeholders}` say of one route's dated plan (rulebook.PLAN_PLACEHOLDERS).

    `crediting`: the designations held that credit courses, for `{credit}`.
    """
    milestones = route.get("milestones") or []
    first = next((m["months"] for m in milestones if m.get("months")), None)
    return {
        "months": months_phrase(route["estimated_months"]),
        "first_months": months_phrase(first or route["estimated_months"]),
        "hours": number(hours_per_week),
        "courses": plural(len(route["remaining_courses"]), "course"),
        "credit": credit_phrase(route, crediting),
        "carry_over": carry_over_phrase(route),
    }


def carry_over_phrase(route: Mapping[str, Any]) -> str:
    """ ", and 2 of its courses also count toward the CPCU" for an API route whose plan has
    courses that do (Path 2's CPCU 555 and 556), else nothing (ethics is not counted)."""
    codes = [
        c["code"]
        for c in [*route["remaining_courses"], *(route.get("credits") or [])]
        if c["requirement"] != "ethics" and "CPCU" in c.get("counts_toward", ())
    ]
    if route["route"] != "API" or not codes:
        return ""
    return f", and {len(codes)} of its courses ({listing(codes)}) also count toward the CPCU"


ROUTE_OWNERS = {"API": "the API's", "CPCU": "the CPCU's", "API_THEN_CPCU": "the combined route's"}
TO_CONFIRM = "to confirm with The Institutes"


def credit_phrase(route: Mapping[str, Any], crediting: Iterable[str]) -> str:
    """What the designations held credit toward a route, as its plan credits it.

    "your API credits 2 of the CPCU's 8 courses (CPCU 555 and CPCU 556); if you earned your
    API by Path 1 (four courses), none: to confirm with The Institutes". Ethics is left out
    of the counts (every route needs it once); a credit the person did not confirm, or the
    catalog does not, is marked to confirm, and each open question says what the other
    answer credits (the route's `credit_alternatives`).
    """
    credits = [c for c in route.get("credits") or [] if c["requirement"] != "ethics"]
    left = [c for c in route["remaining_courses"] if c["requirement"] != "ethics"]
    total = plural(len(credits) + len(left), "course")
    owner = ROUTE_OWNERS.get(str(route["route"]), "its")
    parts = []
    for holder in crediting:
        mine = [c for c in credits if holder in c["by"]]
        codes = [c["code"] for c in mine]
        text = f"your {holder} credits " + (
            f"{len(codes)} of {owner} {total} ({listing(codes)})"
            if codes
            else f"none of {owner} {total}"
        )
        for other in route.get("credit_alternatives") or []:
            if other["holder"] == holder:
                count = len(other["credited_by_holder"])
                text += f"; if {other['assumption']}, {count or 'none'}"
        if any(not c["verified"] for c in mine) or any(
            o["holder"] == holder for o in route.get("credit_alternatives") or []
        ):
            text += f": {TO_CONFIRM}"
        parts.append(text)
    return "; ".join(parts) or f"nothing you hold credits {owner} courses"


def fill(text: str, values: Mapping[str, str]) -> str:
    """A rule's text with its placeholders filled in (the rulebook checked their names)."""
    return text.format_map(values) if "{" in text else text


def fee_band(cost: Mapping[str, Any]) -> tuple[float, float]:
    """The highest fee of one exam that the sources give, over a cost's items (low, high)."""
    bands = [(i["fee_range"]["low"], i["fee_range"]["high"]) for i in cost.get("items", [])]
    return max(bands, default=(0.0, 0.0))
