"""Compile a rulebook to a durable_rules ruleset, and the fact the rules see for a profile."""

from __future__ import annotations

import math
from typing import Any

from ..catalog import Catalog
from .model import ADVISE, DECIDE, Rule, Rulebook


def years_value(years: float) -> int:
    """Years as the whole number of millionths of a year that the rules compare.

    durable_rules 2.0.28 cannot parse a number in exponent form (Python writes 0.00001 as
    1e-05), so the engine only ever sees integers; a millionth of a year is 32 seconds.
    Rounded down, so that nobody is counted as past a threshold they have not reached;
    the inner round only absorbs binary noise (2.3 * 1e6 is 2299999.9999999995).
    """
    return math.floor(round(years * 1_000_000, 3))


def holds_attribute(code: str) -> str:
    """The fact attribute saying whether a designation is held."""
    return f"holds_{code}"


def _one_of(attribute: str, values: tuple[str, ...]) -> dict[str, Any]:
    terms = [{attribute: v} for v in values]
    return terms[0] if len(terms) == 1 else {"$or": terms}


def compile_condition(rule: Rule) -> list[dict[str, Any]]:
    """Translate a rule's condition into durable_rules expressions, all of which must hold."""
    when = rule.when
    terms: list[dict[str, Any]] = []
    for attribute in ("role", "lines", "goal"):
        values = getattr(when, attribute)
        if values:
            terms.append(_one_of(attribute, values))
    terms += [{holds_attribute(code): True} for code in when.holds]
    terms += [{holds_attribute(code): False} for code in when.not_holds]
    if when.years_below is not None:
        terms.append({"$lt": {"years": years_value(when.years_below)}})
    if when.years_at_least is not None:
        terms.append({"$gte": {"years": years_value(when.years_at_least)}})
    if rule.suggest:
        # Never suggest what is held: the rule only fires if one suggestion is not held.
        terms.append(_not_all_held(rule.suggest))
    return terms


def _not_all_held(codes: tuple[str, ...]) -> dict[str, Any]:
    """'Not every one of codes is held', as mutually exclusive branches.

    durable_rules fires a rule once per matching branch of an `$or`, so the branches must
    not overlap: the first code not held is c1, or c1 is held and c2 is not, and so on.
    """
    branches = []
    for index, code in enumerate(codes):
        held_before = [{holds_attribute(c): True} for c in codes[:index]]
        branch = [*held_before, {holds_attribute(code): False}]
        branches.append(branch[0] if len(branch) == 1 else {"$and": branch})
    return branches[0] if len(branches) == 1 else {"$or": branches}


def compile_ruleset(rulebook: Rulebook) -> dict[str, Any]:
    """Return the durable_rules definition of the rulebook: {rule id: rule}.

    Decision rules match the `decide` event; the event is consumed by the first matching
    rule in file order (`pri`), which is how "the first matching row decides" is enforced.
    Advice rules match the `advise` fact; every one that matches fires, in file order.
    """
    definition: dict[str, Any] = {}
    for priority, rule in enumerate(rulebook.rules, start=1):
        kind = DECIDE if rule.kind == "decision" else ADVISE
        terms = [{"kind": kind}, *compile_condition(rule)]
        definition[rule.id] = {
            "pri": priority,
            "all": [{"m": {"$and": terms} if len(terms) > 1 else terms[0]}],
            "run": rule.id,
        }
    return definition


def profile_fact(profile: Any, catalog: Catalog) -> dict[str, Any]:
    """The flat fact the rules see for a profile (at most 255 properties, by durable_rules)."""
    held = set(profile.designations)
    fact: dict[str, Any] = {
        "role": profile.role,
        "lines": profile.lines,
        "goal": profile.goal,
        "years": years_value(profile.years_experience),
    }
    for code in catalog.designations:
        fact[holds_attribute(code)] = code in held
    return fact
