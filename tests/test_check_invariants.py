"""`rules check` guards issue 18's four invariants: each broken on purpose makes it fail."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from recommender import planner
from recommender import recommendation as recommendation_module
from recommender.check import check_rules, dated_grid, profile_grid
from recommender.cli import main
from recommender.invariants import (
    completion_breaches,
    credit_breaches,
    price_breaches,
    time_breaches,
)
from recommender.recommendation import Recommender
from recommender.wording import listing


def rules_check(
    capsys: pytest.CaptureFixture[str], rules_dir: Path | None = None
) -> tuple[int, str]:
    """Run `career-path rules check --fail-fast` (on `rules_dir`); its status and output."""
    argv = ["--rules-dir", str(rules_dir)] if rules_dir else []
    code = main([*argv, "rules", "check", "--fail-fast"])
    return code, capsys.readouterr().out


def edit(rules_dir: Path, old: str, new: str, name: str = "decision.yaml") -> None:
    path = rules_dir / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def answer(recommender: Recommender, **fields: Any) -> dict:
    profile = {"role": "agent", "lines": "personal", "years_experience": 5, **fields}
    return recommender.recommend(recommender.load_profile(profile))


# --- the grid checks every kind of profile the issue names -------------------------------


def test_the_grids_cover_hours_starts_discounts_and_credit_answers(
    recommender: Recommender,
) -> None:
    dated = list(dated_grid(recommender.rulebook))
    assert {p.hours_per_week for p in dated} == {1, 2, 4, 10, 20, 40}
    starts = {p.start_date for p in dated}
    assert len(starts) == 6
    assert {p.discounts for p in dated} >= {(), ("early_purchase",)}
    assert {p.api_path for p in dated} == {None, "path-1", "path-2"}
    assert {(p.cpcu_concentration, p.cpcu_elective) for p in dated} >= {
        (None, None),
        ("commercial", "CPCU 556"),
    }
    whole = list(profile_grid(recommender.rulebook))
    assert {p.role for p in whole} == {
        "agent",
        "broker",
        "claims",
        "underwriter",
        "customer_service",
    }
    assert {p.api_path for p in whole if "API" in p.designations} == {None, "path-1", "path-2"}


# --- time figures agree with the dated plan ----------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "words"),
    [
        # A published duration with no plan figure next to it (issue 18's 2-hour example).
        (
            "typically 12 to 18 months of self-study; your plan takes {months} at {hours} hours "
            "a week.",
            "typically 12 to 18 months of self-study.",
            "typically 12 to 18 months",
        ),
        # A fixed duration where the plan's belongs.
        (
            "but your first credential would come only with its last course: {first_months} in "
            "your plan.",
            "but you would wait years for a first credential.",
            "wait years",
        ),
        (
            "The API is the designation dedicated to personal lines:",
            "The API is the designation dedicated to personal lines, about 3 to 6 months:",
            "3 to 6 months",
        ),
    ],
)
def test_a_time_figure_not_from_the_dated_plan_fails_rules_check(
    capsys: pytest.CaptureFixture[str], rules_copy: Path, old: str, new: str, words: str
) -> None:
    edit(rules_copy, old, new)
    code, out = rules_check(capsys, rules_copy)
    assert code == 1
    assert "time is not its plan's" in out and words in out


def test_months_from_study_hours_alone_fail_rules_check(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, recommender: Recommender
) -> None:
    # Issue 18's "about 3 to 6 months" while the milestones were 6.4 to 8.4 months away: the
    # estimate ignored the windows and the 4-exam limit.
    def study_hours_only(exams: list[dict], start: Any) -> dict[str, int]:
        codes = [e["code"] for e in exams]
        return planner.estimate_months(codes, recommender.catalog, 4)

    monkeypatch.setattr(recommendation_module, "plan_months", study_hours_only)
    code, out = rules_check(capsys)
    assert code == 1
    assert "estimated_months" in out and "is not its dated plan's" in out


def test_the_time_guard_reads_each_route_and_milestone(recommender: Recommender) -> None:
    result = answer(
        recommender, goal="advance_to_leadership", hours_per_week=40, start_date="2027-01-04"
    )
    catalog = recommender.catalog
    assert time_breaches(result, catalog) == []
    wrong = copy.deepcopy(result)
    combined = next(r for r in wrong["routes"] if r["route"] == "API_THEN_CPCU")
    combined["estimated_months"] = {"low": 3, "high": 6}
    combined["milestones"][0]["months"] = {"low": 9, "high": 12}
    wrong["summary"] = wrong["summary"].replace("about 6 to 9 months", "about 2 to 4 months")
    problems = time_breaches(wrong, catalog)
    assert any("estimated_months {'low': 3, 'high': 6}" in p for p in problems)
    assert "API_THEN_CPCU: the API milestone's months" in problems
    assert any("the summary's time is not the plan's: " in p for p in problems)


# --- no early-purchase price in an open window -------------------------------------------


def test_early_purchase_in_an_open_window_fails_rules_check(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The planner before issue 18: no window counted as open on the start date.
    monkeypatch.setattr(planner.costs, "open_windows_at", lambda schedule, start: set())
    code, out = rules_check(capsys)
    assert code == 1
    assert "at an early-purchase price in the window open on the start date" in out


def test_the_price_guard_reads_each_exam(recommender: Recommender) -> None:
    result = answer(
        recommender,
        goal="advance_to_leadership",
        hours_per_week=40,
        start_date="2027-02-01",
        discounts=["early_purchase"],
    )
    assert price_breaches(result, recommender.catalog) == []
    wrong = copy.deepcopy(result)
    route = next(r for r in wrong["routes"] if r["route"] == wrong["recommended_route"])
    item = next(i for i in route["estimated_cost"]["items"] if i["code"] == "API 29")
    item["discount"] = "early_purchase"
    assert price_breaches(wrong, recommender.catalog) == [
        "API_THEN_CPCU: API 29 at an early-purchase price in the window open on the start date"
    ]


# --- no reason claims more credit than the plan gives ------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        # Issue 18: true only for someone who earned the API by Path 2.
        (
            'reason: "With the API earned, the CPCU is your natural next step: {credit}."',
            'reason: "Your API already credits CPCU 555 and CPCU 556 toward the CPCU: it is your '
            'natural next step."',
            "CPCU 555",
        ),
        # Issue 18: "most" above a plan that credits one of three.
        (
            'reason: "Adding the API to your CPCU marks you out in personal lines, with {courses} '
            'left: {credit}."',
            "reason: \"Your CPCU already credits most of the API's courses, so it is a short step "
            'that marks you out in personal lines."',
            "'most' of the courses are credited",
        ),
        (
            'reason: "Adding the API to your CPCU marks you out in personal lines, with {courses} '
            'left: {credit}."',
            'reason: "Your CPCU credits 2 of the API\'s 3 courses: to confirm."',
            "credits 2 of 3 courses; the plan credits 1 of 3",
        ),
    ],
)
def test_a_reason_claiming_more_credit_than_the_plan_fails_rules_check(
    capsys: pytest.CaptureFixture[str], rules_copy: Path, old: str, new: str, problem: str
) -> None:
    edit(rules_copy, old, new)
    code, out = rules_check(capsys, rules_copy)
    assert code == 1
    assert problem in out


def test_the_credit_guard_wants_an_unconfirmed_credit_said_to_confirm(
    recommender: Recommender,
) -> None:
    result = answer(recommender, designations=["API"])
    assert credit_breaches(result, recommender.catalog) == []
    wrong = copy.deepcopy(result)
    cpcu = next(r for r in wrong["routes"] if r["route"] == "CPCU")
    cpcu["reasons"][0]["text"] = "Your API credits CPCU 555 and CPCU 556."
    assert credit_breaches(wrong, recommender.catalog) == [
        "CPCU: a reason gives the credit of CPCU 555 as certain",
        "CPCU: a reason gives the credit of CPCU 556 as certain",
    ]


# --- no route described as completed by a route that is not suitable --------------------


def _before_issue_18(
    route: dict, held: Any, recommended: str | None, routes: Any = ()
) -> tuple[str, str]:
    """route_status as it was: half a route held is "in progress", whatever the rest's fit."""
    wanted = planner.ROUTE_DESIGNATIONS[route["route"]]
    have = [d for d in wanted if d in set(held)]
    if route["fit"] != "not_suitable" or not have:
        return route["fit"], ""
    if len(have) == len(wanted):
        return "held", f"You hold the {listing(have)}."
    rest = [d for d in wanted if d not in have]
    return "in_progress", f"In progress: the {listing(rest)} route completes this route."


def test_a_route_completed_by_an_unsuitable_one_fails_rules_check(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(recommendation_module, "route_status", _before_issue_18)
    code, out = rules_check(capsys)
    assert code == 1
    assert "API_THEN_CPCU: described as completed by the API route, which is not suitable" in out
    assert "lines=commercial" in out and "holds=CPCU" in out


def test_the_completion_guard_reads_the_status_note(recommender: Recommender) -> None:
    result = answer(
        recommender,
        role="underwriter",
        lines="commercial",
        years_experience=8,
        designations=["CPCU"],
    )
    assert completion_breaches(result) == []
    wrong = copy.deepcopy(result)
    combined = next(r for r in wrong["routes"] if r["route"] == "API_THEN_CPCU")
    combined["status_note"] = "In progress: you hold the CPCU; the API route completes this route."
    assert completion_breaches(wrong) == [
        "API_THEN_CPCU: described as completed by the API route, which is not suitable"
    ]


def test_a_check_stopped_at_its_first_failure_names_no_rule_unreachable(
    rules_copy: Path,
) -> None:
    edit(
        rules_copy, "typically 12 to 18 months of self-study; your plan", "in 12 months; your plan"
    )
    report = check_rules(Recommender.from_dir(rules_copy), fail_fast=True)
    assert report.stopped and len(report.failures) >= 1
    assert report.unreachable == []
    assert report.profiles < 10_000 and report.seconds > 0
