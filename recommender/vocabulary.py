"""The fixed words of the domain (docs/policy.md), how people spell them, near misses."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable

ROLES = ("agent", "broker", "claims", "underwriter", "customer_service")
LINES = ("personal", "commercial", "both")
GOALS = ("master_personal_lines", "advance_to_leadership", "quick_credential", "undecided")
ROUTES = ("API", "CPCU", "API_THEN_CPCU")
# The designations each route leads to, in the order they are earned.
ROUTE_DESIGNATIONS = {"API": ("API",), "CPCU": ("CPCU",), "API_THEN_CPCU": ("API", "CPCU")}
FITS = ("recommended", "suitable", "not_suitable")

# How a held designation was earned, when it changes the plan (docs/policy.md, "Credits"):
# an answer the person is not sure of is planned as not given, and marked to confirm.
NOT_SURE = "not_sure"
CONCENTRATION_ANSWERS = ("personal", "commercial", NOT_SURE)

YEARS_RANGE = (0, 60)
HOURS_RANGE = (1, 40)
DEFAULT_GOAL = "undecided"
DEFAULT_HOURS_PER_WEEK = 4

ROUTE_NAMES = {
    "API": "the Associate in Personal Insurance (API)",
    "CPCU": "the Chartered Property Casualty Underwriter (CPCU)",
    "API_THEN_CPCU": "the combined route: the API first, then the CPCU",
}
ROUTE_TITLES = {
    "API": "The Associate in Personal Insurance (API)",
    "CPCU": "The Chartered Property Casualty Underwriter (CPCU)",
    "API_THEN_CPCU": "The API first, then the CPCU",
}


def as_word(text: str) -> str:
    """A spelling as the vocabulary writes it: 'Customer Service' -> 'customer_service'."""
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


def suggestion(
    value: str, choices: Iterable[str], fold: Callable[[str], str] = as_word
) -> str | None:
    """The one choice closest to `value` when one is close (a near miss), else None."""
    folded = {fold(choice): choice for choice in choices}
    close = difflib.get_close_matches(fold(value), list(folded), n=1, cutoff=0.6)
    return folded[close[0]] if close else None


def choice_message(value: str, choices: Iterable[str], fold: Callable[[str], str] = as_word) -> str:
    """'Must be one of: a, b, c.', with "did you mean 'b'?" when `value` is a near miss."""
    choices = list(choices)
    near = suggestion(value, choices, fold)
    hint = f"; did you mean {near!r}?" if near else "."
    return f"Must be one of: {', '.join(choices)}{hint}"
