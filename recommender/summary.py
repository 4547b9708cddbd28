"""What a recommendation says in words: its summary and its also-consider list.

Pure functions of the deciding rule, the routes as answered and the profile: the summary's
time is the recommended route's dated plan (docs/policy.md, "One clock"), a goal set aside is
said with the quickest credential that fits ("A stated goal is never ignored"), and whatever
is to confirm is said to be ("Every unverified fact is marked").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .catalog import Catalog
from .planner import Profile
from .rulebook import Rule
from .wording import TO_CONFIRM, fill, listing, plan_values


def crediting(profile: Profile, catalog: Catalog) -> list[str]:
    """The designations held that credit courses (the API, the CPCU, the catalog's)."""
    return [d for d in profile.designations if d in ("API", "CPCU") or d in catalog.credits]


def also_consider(
    rules: Sequence[Rule], profile: Profile, catalog: Catalog
) -> list[dict[str, Any]]:
    """The designations the advice rules suggest, each once and none held, in firing order."""
    held = set(profile.designations)
    out: list[dict[str, Any]] = []
    for rule in rules:
        for code in rule.suggest:
            if code in held or any(item["designation"] == code for item in out):
                continue
            designation = catalog.designations[code]
            out.append(
                {
                    "designation": code,
                    "name": designation.name,
                    "reason": rule.reason,
                    "rule": rule.id,
                    "verified": designation.verified,
                }
            )
    return out


def summary(
    decision: Rule,
    routes: list[dict[str, Any]],
    profile: Profile,
    rules: Sequence[Rule],
    suggested: list[dict[str, Any]],
    held: list[str],
) -> str:
    """The summary: the route and its plan, then any goal set aside and what fits it.

    `suggested`: the answer's also-consider list; `held`: the designations held that credit
    courses (crediting()).
    """
    text = route_summary(decision, routes, profile, held)
    note = decision.goal_notes.get(profile.goal)
    if not note:
        return text
    chosen = next((r for r in routes if r["route"] == decision.recommend), None)
    if chosen is not None:  # the rulebook allows placeholders only where a route is
        note = fill(note, plan_values(chosen, profile.hours_per_week, held))
    # The deciding rule set the person's goal aside: say so, and name the quickest
    # credential that fits from also-consider (docs/policy.md, "A stated goal").
    shown = {item["designation"]: item for item in suggested}
    rule = next(
        (r for r in rules if r.if_goal_set_aside and any(code in shown for code in r.suggest)),
        None,
    )
    quickest = rule.if_goal_set_aside if rule else None
    if rule and quickest:
        named = next(shown[code] for code in rule.suggest if code in shown)
        if not named["verified"]:  # every unverified fact marked, summaries included
            quickest += f" What we know of the {named['designation']} is {TO_CONFIRM}."
    return " ".join(part for part in (text, note, quickest) if part)


def route_summary(
    decision: Rule, routes: list[dict[str, Any]], profile: Profile, held: list[str]
) -> str:
    """The summary's first part: the recommended route and its dated plan, or none."""
    if decision.recommend is None:
        if decision.summary:
            return decision.summary
        reasons = " ".join(dict.fromkeys(r["reasons"][0]["text"] for r in routes))
        return f"No new route is recommended. {reasons}"
    route = next(r for r in routes if r["route"] == decision.recommend)
    if decision.summary:
        return fill(decision.summary, plan_values(route, profile.hours_per_week, held))
    count = len(route["remaining_courses"])
    months = route["estimated_months"]
    hours = f"{profile.hours_per_week:g}"
    last = max(route["exam_schedule"], key=lambda e: e["window_end"], default=None)
    confirm = (
        f" ({TO_CONFIRM})" if any(not c["verified"] for c in route["remaining_courses"]) else ""
    )
    plan = (
        f"{count} course{'s' if count != 1 else ''} to go{confirm}, about {months['low']} to "
        f"{months['high']} months at {hours} hours a week: the last exam is in the testing "
        f"window {last['window_start']} to {last['window_end']}."
        if count and last
        else "No courses are left to take."
    )
    return f"We recommend {route['name']}. {plan}"


def fact_verified(catalog: Catalog, fact_id: str | None) -> bool:
    """Whether the catalog fact a text states is verified (a text of no fact is)."""
    return fact_id is None or next(f.verified for f in catalog.facts if f.id == fact_id)


def route_warnings(
    rules: Sequence[Rule], schedule: list[dict[str, Any]], hours: float, catalog: Catalog
) -> list[dict[str, Any]]:
    """A route's warnings: those of the warn rules that fired for it, each marked to confirm
    while the fact it states is, and the planner's own when course access runs out."""
    warnings: list[dict[str, Any]] = [
        {"rule": r.id, "text": r.warn, "verified": fact_verified(catalog, r.fact)} for r in rules
    ]
    late = [e["code"] for e in schedule if not e["access_ok"]]
    if late:
        months = catalog.exams.access_months
        warnings.append(
            {
                "rule": None,
                "text": f"At {hours:g} hours a week, course access ({months} months) ends "
                f"before you can sit the exam of {', '.join(late)}: study more each week or "
                "plan to renew access.",
                "verified": catalog.exams.verified,
            }
        )
    return warnings


def to_confirm(remaining: list[dict[str, Any]], credits: list[dict[str, Any]]) -> list[str]:
    """What of a route's plan is to confirm with The Institutes: its courses, its credits."""
    out = []
    courses = [c["code"] for c in remaining if not c["verified"]]
    if courses:
        out.append(f"Course codes and titles {TO_CONFIRM}: {', '.join(courses)}.")
    unconfirmed = [c for c in credits if not c["verified"]]
    if unconfirmed:
        named = ", ".join(f"{c['code']} (from your {listing(c['by'])})" for c in unconfirmed)
        out.append(f"Credits {TO_CONFIRM}: {named}.")
    return out
