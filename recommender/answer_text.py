"""A recommendation as plain text for a person, as the command line prints it: the route, why,
the plan with its dates and costs, the other routes, and what is to confirm."""

from __future__ import annotations

from datetime import date
from typing import Any

from .wording import (
    REQUIREMENT_WORDS,
    duration,
    fee_band,
    humanise,
    is_past,
    plural,
    profile_facts,
    route_status,
)


def format_recommendation(
    result: dict[str, Any],
    discount_names: dict[str, str] | None = None,
    today: date | None = None,
) -> str:
    """A plain-text answer for a person: the route, why, the plan, its dates and costs, the rest."""
    names = discount_names or {}
    profile = result["profile"]
    routes = {r["route"]: r for r in result["routes"]}
    chosen = routes.get(result["recommended_route"] or "")
    out = [
        f"Recommended: {chosen['name'] if chosen else 'no new route'}",
        humanise(result["summary"]),
        f"Prepared for: {', '.join(profile_facts(profile, names))}.",
    ]
    if today is not None and is_past(profile["start_date"], today):
        out.append(f"Note: the start date {profile['start_date']} has passed.")
    out.append("")
    if chosen:
        out += ["Why:", *(f"  - {humanise(r['text'])}{_reason_mark(r)}" for r in chosen["reasons"])]
        out.append("")
        out += _plan_lines(chosen, profile["hours_per_week"])
        out += _milestone_lines(chosen.get("milestones") or [])
        out += _exam_lines(chosen["exam_schedule"])
        out += _cost_lines(chosen["estimated_cost"], names)
    if result.get("what_would_change"):
        out += ["What would change the advice:"]
        out += [f"  - {humanise(c['change'])}" for c in result["what_would_change"]]
        out.append("")
    out += _other_route_lines(result, chosen)
    # The chosen route's warnings only: the others' may not concern this person at all.
    warnings = chosen["warnings"] if chosen else []
    if warnings:
        out += ["", "Warnings:"]
        out += [f"  ! {humanise(w['text'])}{_confirm(w.get('verified', True))}" for w in warnings]
    if result["also_consider"]:
        out += ["", "Also consider:"]
        out += [
            f"  {a['designation']} - {a['name']}: {a['reason']}{_confirm(a.get('verified', True))}"
            for a in result["also_consider"]
        ]
    # As the page: the plan's own points, then every catalog fact no official source confirms.
    confirm = [
        *(chosen["to_confirm"] if chosen else []),
        *(f["text"] for f in result.get("facts_to_confirm") or []),
    ]
    if confirm:
        out += ["", "To confirm with The Institutes:", *(f"  ? {t}" for t in confirm)]
    out += [
        "",
        "This is guidance, not a hiring or promotion decision.",
        f"Details: rules version {result['rules_version']}; "
        f"rules that fired: {', '.join(result['fired_rules'])}.",
    ]
    return "\n".join(out)


def _confirm(verified: bool) -> str:
    return "" if verified else " [to confirm]"


def _reason_mark(reason: dict[str, Any]) -> str:
    """[to confirm] after a reason that states an unconfirmed fact and does not say so."""
    return "" if "to confirm" in reason["text"] else _confirm(reason.get("verified", True))


def _plan_lines(route: dict[str, Any], hours_per_week: float) -> list[str]:
    months = route["estimated_months"]
    remaining = route["remaining_courses"]
    path = f", API {route['api_path'].replace('path-', 'Path ')}" if route["api_path"] else ""
    band = duration(months["low"], months["high"])
    out = [
        f"Course plan ({plural(len(remaining), 'course')} to go{path}, {band} at "
        f"{plural(hours_per_week, 'hour')} a week):"
    ]
    for number, course in enumerate(remaining, start=1):
        toward = ", ".join(course["counts_toward"])
        confirm = "" if course["verified"] else "  [to confirm with The Institutes]"
        out.append(
            f"  {number:>2}. {course['code']:<9} {course['title']} "
            f"({REQUIREMENT_WORDS.get(course['requirement'], course['requirement'])}; "
            f"counts toward {toward}){confirm}"
        )
    credited = _credited(route)
    if credited:
        out.append(f"  Already credited: {credited}")
    for other in route.get("credit_alternatives") or []:
        out.append(f"  ? {humanise(other['text'])}")
    out.append("")
    return out


def _credited(route: dict[str, Any]) -> str:
    """The credited courses, each unconfirmed credit marked to confirm."""
    credits = route.get("credits")
    if credits is None:  # an answer of an older shape: the codes alone
        return ", ".join(route["credited_courses"])
    return ", ".join(c["code"] + _confirm(c["verified"]) for c in credits)


def _section(title: str, lines: list[str]) -> list[str]:
    """A titled block of lines with a blank line after it; nothing when there are no lines."""
    return [f"{title}:", *lines, ""] if lines else []


def _milestone_lines(milestones: list[dict[str, Any]]) -> list[str]:
    lines = []
    for m in milestones:
        lines.append(
            f"  {m['designation']}: earned after {m['after_course']}, testing window "
            f"{m['window_start']} to {m['window_end']}{_confirm(m.get('verified', True))}"
        )
        if m.get("note"):
            lines.append(f"    {m['note']}")
    return _section("Milestones", lines)


def _exam_lines(exams: list[dict[str, Any]]) -> list[str]:
    return _section(
        "Exam dates",
        [
            f"  {e['code']:<9} study done by {e['ready']}, testing window "
            f"{e['window_start']} to {e['window_end']}"
            + ("" if e.get("access_ok", True) else f" (course access ends {e['access_ends']})")
            for e in exams
        ],
    )


def _cost_lines(cost: dict[str, Any], names: dict[str, str]) -> list[str]:
    if not cost["items"]:
        return []
    currency = cost["currency"]
    total = f"{cost['low']:,.0f}" + ("" if cost["high"] == cost["low"] else f"-{cost['high']:,.0f}")
    out = [f"Exam fees: about {total} {currency}{_confirm(cost['verified'])}"]
    band = cost.get("range")
    if band and band["high"] != band["low"]:
        low, high = fee_band(cost)
        out.append(
            f"  The sources disagree on the fee ({low:,.0f} to {high:,.0f} {currency} an "
            f"exam): {band['low']:,.0f} to {band['high']:,.0f} {currency} in all; the plan "
            f"counts {total}."
        )
    for item in cost["items"]:
        line = f"  {item['code']:<9} {item['amount']:>7,.0f}"
        if item["amount"] != item["fee"]:
            line += f" (fee {item['fee']:,.0f}"
            discount = item.get("discount")
            line += f", {names.get(discount, discount)} discount)" if discount else ")"
        if item.get("note"):
            line += f" - {item['note']}"
        out.append(line)
    others = cost.get("other_costs") or []
    if others:
        out.append("Not in the exam fees:")
        for other in others:
            if other["amount"] is None:
                price = "not included"
            else:
                per = f" a {other['per']}" if other.get("per") else ""
                price = f"{other['amount']:,.0f} {currency}{per}"
            out.append(
                f"  {other['name']}: {price}. {other['description']}{_confirm(other['verified'])}"
            )
    return [*out, ""]


def _other_route_lines(result: dict[str, Any], chosen: dict[str, Any] | None) -> list[str]:
    held = result["profile"]["designations"]
    out = ["Other routes:" if chosen else "Routes:"]
    for route in result["routes"]:
        if route is chosen:
            continue
        status, note = route_status(
            route, held, chosen["route"] if chosen else None, result["routes"]
        )
        reason = humanise(route["reasons"][0]["text"])
        text = note if status == "in_progress" else reason
        if status == "not_suitable" and note:
            text += f" {note}"
        out.append(f"  {route['route']} ({status.replace('_', ' ')}): {text}")
    return out
