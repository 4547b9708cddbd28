"""`rules check`'s guards of advice that never contradicts itself (issue 18, docs/policy.md).

Each reads a recommendation (the JSON answer) as a person would and holds it to its own dated
plan, independently of the code that made it: time figures agree with the dated plan; no
early-purchase price in a window already open; no reason claims more credit than the plan
gives; no route is described as completed by a route that does not suit the person.
"""

from __future__ import annotations

import functools
import math
import re
from collections import Counter
from datetime import date
from typing import Any

from .catalog import Catalog
from .vocabulary import ROUTE_DESIGNATIONS

DAYS_PER_MONTH = 30.4375  # an average month: 365.25 / 12

# --- time figures agree with the dated plan ---------------------------------------------

_TIME_WORD = re.compile(r"\b(?:months?|years?|weeks?|soon)\b", re.I)
_PLAN_FIGURE = re.compile(r"\babout (\d+) to (\d+) months\b")
_TYPICAL = re.compile(r"\btypically \d+ to \d+ (?:months|years)\b")
# Years and months that are not a time estimate: experience, the conferment rule, a pace.
_NOT_AN_ESTIMATE = re.compile(
    r"\d+(?:\.\d+)? (?:or more )?years of experience|\d+ months of insurance work"
    r"|\d+ years before|years behind you|\d+ hours a week|a week\b",
    re.I,
)


def dated_band(exams: list[dict[str, Any]], start: date) -> dict[str, int]:
    """The whole months from `start` in which a dated plan's last exam can be sat."""
    if not exams:
        return {"low": 0, "high": 0}
    earliest = max(
        max(date.fromisoformat(e["ready"]), date.fromisoformat(e["window_start"]), start)
        for e in exams
    )
    latest = max(date.fromisoformat(e["window_end"]) for e in exams)
    return {
        "low": math.floor((earliest - start).days / DAYS_PER_MONTH),
        "high": max(1, math.ceil((latest - start).days / DAYS_PER_MONTH)),
    }


def _schedule_breaches(name: str, exams: list[dict[str, Any]], catalog: Catalog) -> list[str]:
    """The dated plan keeps the clock: each exam in a window after its study, at most the
    catalog's limit of exams in one window."""
    problems = []
    for exam in exams:
        if exam["ready"] > exam["window_end"]:
            problems.append(f"{name}: {exam['code']} is sat before it is studied")
    crowded = Counter(e["window_start"] for e in exams)
    for window, count in crowded.items():
        if count > catalog.exams.max_per_window:
            problems.append(f"{name}: {count} exams in the window of {window}")
    return problems


def _figures(route: dict[str, Any]) -> set[tuple[int, int]]:
    bands = [route["estimated_months"], *(m.get("months") for m in route["milestones"])]
    return {(b["low"], b["high"]) for b in bands if b}


def _stray_time_words(text: str, figures: set[tuple[int, int]]) -> list[str]:
    """Words of time in `text` that are not one of the plan's `figures`, nor a typical duration
    quoted next to one, nor experience or pace."""
    covered: list[tuple[int, int]] = []
    planned = False
    for match in _PLAN_FIGURE.finditer(text):
        if (int(match[1]), int(match[2])) in figures:
            covered.append(match.span())
            planned = True
    for match in _TYPICAL.finditer(text):
        # Quoted next to the plan's own figure, or of a designation not planned here (the
        # sentence that points to "also consider").
        sentence_end = text.find(".", match.end())
        if planned or "also consider" in text[match.end() : sentence_end]:
            covered.append(match.span())
    covered += [m.span() for m in _NOT_AN_ESTIMATE.finditer(text)]
    stray = []
    for match in _TIME_WORD.finditer(text):
        if not any(start <= match.start() < end for start, end in covered):
            stray.append(text[max(0, match.start() - 30) : match.end()].strip())
    return stray


def time_breaches(result: dict[str, Any], catalog: Catalog) -> list[str]:
    """Every time figure a person reads comes from the dated plan (docs/policy.md, "One
    clock"): each route's months and each milestone's are its dated plan's, and the summary's
    and reasons' words of time are those figures (a typical duration only quoted next to one).
    """
    start = date.fromisoformat(result["profile"]["start_date"])
    problems = []
    routes = {r["route"]: r for r in result["routes"]}
    for name, route in routes.items():
        exams = route["exam_schedule"]
        problems += _schedule_breaches(name, exams, catalog)
        expected = dated_band(exams, start)
        if route["estimated_months"] != expected:
            problems.append(
                f"{name}: estimated_months {route['estimated_months']} is not its dated plan's "
                f"{expected}"
            )
        for milestone in route["milestones"]:
            needed = [
                e
                for e in exams
                if milestone["designation"] in catalog.courses[e["code"]].counts_toward
            ]
            if milestone.get("months") != dated_band(needed, start):
                problems.append(f"{name}: the {milestone['designation']} milestone's months")
        for reason in route["reasons"]:
            for words in _stray_time_words(reason["text"], _figures(route)):
                problems.append(f"{name}: a reason's time is not its plan's: {words!r}")
    chosen = routes.get(result["recommended_route"] or "")
    figures = _figures(chosen) if chosen else set()
    for words in _stray_time_words(result["summary"], figures):
        problems.append(f"the summary's time is not the plan's: {words!r}")
    return problems


# --- no early-purchase price in an open window ------------------------------------------


def price_breaches(result: dict[str, Any], catalog: Catalog) -> list[str]:
    """No exam planned in a window already open on the start date is priced with a discount
    for buying before its window opens; one that lost it says why."""
    start = result["profile"]["start_date"]
    before = {d.id for d in catalog.discounts.values() if d.only_before_window}
    problems = []
    for route in result["routes"]:
        windows = {e["code"]: e["window_start"] for e in route["exam_schedule"]}
        for item in route["estimated_cost"]["items"]:
            applied = set((item["discount"] or "").split("+"))
            if windows[item["code"]] <= start and applied & before:
                problems.append(
                    f"{route['route']}: {item['code']} at an early-purchase price in the window "
                    "open on the start date"
                )
    return problems


# --- no reason claims more credit than the plan gives -----------------------------------

_CREDIT_CLAIM = re.compile(r"credit|count(?:s)? (?:again|toward)|reuse|carr(?:y|ies) over", re.I)
_COUNT_CLAIM = re.compile(r"your (\w+) credits (\d+|none) of [^()]*?(\d+) courses?", re.I)
_MOST = re.compile(r"\b(most|all|every|nearly all|almost all)\b", re.I)


def _clauses(text: str) -> list[str]:
    """The text's clauses, a conditional one ("if you earned ...") left out."""
    parts = re.split(r"(?<=[.;])\s+", text)
    return [p for p in parts if not p.lower().startswith("if ")]


def credit_breaches(result: dict[str, Any], catalog: Catalog) -> list[str]:
    """A reason's credit claims are the plan's credits (docs/policy.md, "Credits"): the
    courses it says are credited are, its counts and "most" are the plan's, and a credit the
    plan marks to confirm is said to be to confirm."""
    code_pattern = _code_pattern(tuple(catalog.courses))
    problems = []
    for route in result["routes"]:
        name = route["route"]
        credits = {c["code"]: c for c in route.get("credits") or []}
        steps = [
            c
            for c in [*route["remaining_courses"], *credits.values()]
            if c["requirement"] != "ethics"
        ]
        credited = [c for c in credits.values() if c["requirement"] != "ethics"]
        for reason in route["reasons"]:
            for clause in _clauses(reason["text"]):
                if not _CREDIT_CLAIM.search(clause):
                    continue
                problems += _clause_breaches(
                    name, clause, reason["text"], code_pattern, credits, steps, credited
                )
    return problems


@functools.lru_cache(maxsize=8)
def _code_pattern(codes: tuple[str, ...]) -> re.Pattern[str]:
    """A pattern matching any of the catalog's course codes, the longest first."""
    return re.compile("|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True)))


def _clause_breaches(
    name: str,
    clause: str,
    text: str,
    code_pattern: re.Pattern[str],
    credits: dict[str, dict[str, Any]],
    steps: list[dict[str, Any]],
    credited: list[dict[str, Any]],
) -> list[str]:
    problems = []
    toward = re.search(r"count(?:s)? toward", clause, re.I) and "credit" not in clause.lower()
    named = code_pattern.findall(clause)
    if not toward:
        for code in named:
            if code not in credits:
                problems.append(f"{name}: a reason says {code} is credited; the plan does not")
            elif not credits[code]["verified"] and "to confirm" not in text:
                problems.append(f"{name}: a reason gives the credit of {code} as certain")
    else:
        mine = {c["code"] for c in steps}
        problems += [
            f"{name}: a reason counts {code} toward it, which is not in its plan"
            for code in named
            if code not in mine
        ]
    for holder, count, total in _COUNT_CLAIM.findall(clause):
        given = sum(holder.upper() in c["by"] for c in credited)
        said = 0 if count.lower() == "none" else int(count)
        if (said, int(total)) != (given, len(steps)):
            problems.append(
                f"{name}: a reason says the {holder} credits {count} of {total} courses; the plan "
                f"credits {given} of {len(steps)}"
            )
    most = _MOST.search(clause)
    if most and steps and not toward:
        share = len(credited) / len(steps)
        enough = share == 1 if most[1].lower() in ("all", "every") else share > 0.5
        if not enough:
            problems.append(
                f"{name}: a reason says {most[1]!r} of the courses are credited; the plan "
                f"credits {len(credited)} of {len(steps)}"
            )
    return problems


# --- no route completed by a route that is not suitable ---------------------------------


def completion_breaches(result: dict[str, Any]) -> list[str]:
    """No route is said to be completed by (or in progress toward) a route that does not
    suit the person."""
    held = set(result["profile"]["designations"])
    routes = {r["route"]: r for r in result["routes"]}
    problems = []
    for name, route in routes.items():
        note = route.get("status_note") or ""
        if route.get("status") != "in_progress" and "completes" not in note:
            continue
        rest = [d for d in ROUTE_DESIGNATIONS[name] if d not in held]
        for other in rest:
            if other in routes and routes[other]["fit"] == "not_suitable":
                problems.append(
                    f"{name}: described as completed by the {other} route, which is not suitable"
                )
    return problems


def advice_breaches(result: dict[str, Any], catalog: Catalog) -> list[str]:
    """Every breach of issue 18's invariants in one recommendation."""
    return [
        *time_breaches(result, catalog),
        *price_breaches(result, catalog),
        *credit_breaches(result, catalog),
        *completion_breaches(result),
    ]
