"""One clock (issue 18): every time figure comes from the dated plan; windows on weekends."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import pytest

from recommender.catalog import Catalog
from recommender.errors import RulesError
from recommender.planner import (
    exam_schedule,
    exam_windows,
    months_between,
    next_business_day,
    plan_months,
    plan_retake,
)
from recommender.recommendation import Recommender
from recommender.wording import duration, humanise


@pytest.fixture(scope="module")
def catalog(recommender: Recommender) -> Catalog:
    return recommender.catalog


def answer(recommender: Recommender, **fields) -> dict:
    profile = {"role": "agent", "lines": "personal", "years_experience": 5, **fields}
    return recommender.recommend(recommender.load_profile(profile))


def route(result: dict, name: str) -> dict:
    return next(r for r in result["routes"] if r["route"] == name)


# --- a window whose last day is on a weekend runs to the next business day --------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2029, 9, 15), date(2029, 9, 17)),  # Saturday -> Monday
        (date(2026, 3, 15), date(2026, 3, 16)),  # Sunday -> Monday
        (date(2027, 3, 15), date(2027, 3, 15)),  # a Monday stays
    ],
)
def test_a_weekend_day_moves_to_the_next_business_day(day: date, expected: date) -> None:
    assert next_business_day(day) == expected


def test_windows_ending_on_a_weekend_run_to_the_monday_after(catalog: Catalog) -> None:
    assert next(exam_windows(catalog, date(2029, 1, 1))) == (
        date(2029, 1, 15),
        date(2029, 3, 15),  # a Thursday
    )
    found = {}
    for start, end in exam_windows(catalog, date(2029, 1, 1)):
        if start.year > 2030:
            break
        found[start] = end
    assert found[date(2029, 7, 15)] == date(2029, 9, 17)  # 15 Sep 2029 is a Saturday
    assert found[date(2029, 10, 15)] == date(2029, 12, 17)  # 15 Dec 2029 is a Saturday
    assert found[date(2030, 4, 15)] == date(2030, 6, 17)  # 15 Jun 2030 is a Saturday
    assert all(end.weekday() < 5 for end in found.values())


def test_a_catalog_may_keep_weekend_dates_as_written(rules_copy: Path) -> None:
    path = rules_copy / "catalog.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("last_day_on_weekend: next_business_day", "last_day_on_weekend: kept"),
        encoding="utf-8",
    )
    kept = Recommender.from_dir(rules_copy).catalog
    assert next(exam_windows(kept, date(2029, 9, 1))) == (date(2029, 7, 15), date(2029, 9, 15))


def test_a_failure_on_the_saturday_is_retaken_in_the_same_window_and_on_the_monday_not(
    catalog: Catalog,
) -> None:
    saturday = plan_retake("API 29", date(2029, 9, 15), catalog)
    assert (saturday["window_end"], saturday["same_window"]) == ("2029-09-17", True)
    monday = plan_retake("API 29", date(2029, 9, 17), catalog)
    assert (monday["window_start"], monday["same_window"]) == ("2029-10-15", False)


# --- the dated plan's months -------------------------------------------------------------


def test_the_months_are_those_of_the_last_window_of_the_dated_plan(catalog: Catalog) -> None:
    start = date(2027, 1, 4)
    exams = exam_schedule(["ETH 311", "API 29", "CPCU 555"], catalog, 4, start)
    last = exams[-1]
    months = plan_months(exams, start)
    opens = max(date.fromisoformat(last["window_start"]), date.fromisoformat(last["ready"]))
    assert months["low"] == math.floor(months_between(start, opens))
    assert months["high"] == math.ceil(
        months_between(start, date.fromisoformat(last["window_end"]))
    )
    assert plan_months([], start) == {"low": 0, "high": 0}


def test_an_exam_on_the_start_day_takes_under_a_month(catalog: Catalog) -> None:
    # Ethics (3 hours) at 40 hours a week is studied on the day, the window's last day.
    exams = exam_schedule(["ETH 311"], catalog, 40, date(2027, 3, 15))
    assert exams[0]["window_end"] == "2027-03-15"
    assert plan_months(exams, date(2027, 3, 15)) == {"low": 0, "high": 1}


def test_the_issue_example_reads_the_months_of_its_own_milestones(
    recommender: Recommender,
) -> None:
    # Issue 18: "about 3 to 6 months" while its milestones put the CPCU in the
    # 15 Jul-15 Sep 2027 window, 6.4 to 8.4 months away.
    result = answer(
        recommender, goal="advance_to_leadership", hours_per_week=40, start_date="2027-01-04"
    )
    combined = route(result, "API_THEN_CPCU")
    cpcu = combined["milestones"][-1]
    assert (cpcu["window_start"], cpcu["window_end"]) == ("2027-07-15", "2027-09-15")
    start = date(2027, 1, 4)
    assert combined["estimated_months"]["low"] <= months_between(start, date(2027, 7, 15))
    assert combined["estimated_months"]["high"] >= months_between(start, date(2027, 9, 15))
    assert combined["estimated_months"] == {"low": 6, "high": 9}
    assert cpcu["months"] == combined["estimated_months"]
    assert "about 6 to 9 months at 40 hours a week" in result["summary"]
    assert "3 to 6 months" not in result["summary"]


def test_each_milestone_says_in_how_many_months_it_is_earned(recommender: Recommender) -> None:
    result = answer(recommender, goal="advance_to_leadership", start_date="2027-01-04")
    start = date(2027, 1, 4)
    for r in result["routes"]:
        for milestone in r["milestones"]:
            end = date.fromisoformat(milestone["window_end"])
            assert milestone["months"]["high"] == math.ceil(months_between(start, end))
    api, cpcu = route(result, "API_THEN_CPCU")["milestones"]
    assert api["months"]["high"] <= cpcu["months"]["low"]


@pytest.mark.parametrize("hours", [1, 2, 4, 10, 40])
@pytest.mark.parametrize("start", ["2027-01-04", "2027-02-01", "2027-03-15", "2027-12-20"])
def test_every_routes_months_hold_the_days_its_last_exam_can_be_sat(
    recommender: Recommender, hours: int, start: str
) -> None:
    result = answer(recommender, hours_per_week=hours, start_date=start)
    day = date.fromisoformat(start)
    for r in result["routes"]:
        exams = r["exam_schedule"]
        months = r["estimated_months"]
        latest = max(date.fromisoformat(e["window_end"]) for e in exams)
        earliest = max(
            max(date.fromisoformat(e["ready"]), date.fromisoformat(e["window_start"]))
            for e in exams
        )
        assert months["low"] <= months_between(day, earliest)
        assert months["high"] >= months_between(day, latest)
        assert months["high"] - months_between(day, latest) < 1
        assert months_between(day, earliest) - months["low"] < 1


def test_the_summary_and_the_plan_heading_read_the_same_months(
    recommender: Recommender,
) -> None:
    result = answer(recommender, goal="quick_credential", hours_per_week=2, start_date="2027-01-04")
    api = route(result, "API")
    words = duration(api["estimated_months"]["low"], api["estimated_months"]["high"])
    assert words == "about 3 years"  # 30 to 33 months: the last window, 2029-07-15 to 09-17
    assert words in humanise(result["summary"])


# --- reasons say the plan's time, quoting a typical duration only next to it -------------


def test_a_quick_credential_reason_quotes_the_typical_duration_next_to_the_plans(
    recommender: Recommender,
) -> None:
    # Issue 18: at 2 hours a week the reason said "typically 12 to 18 months" above a plan
    # of 2 to 3 years.
    result = answer(recommender, goal="quick_credential", hours_per_week=2, start_date="2027-01-04")
    api = route(result, "API")
    text = humanise(api["reasons"][0]["text"])
    assert "typically 12 to 18 months" in text
    plan = duration(api["estimated_months"]["low"], api["estimated_months"]["high"])
    assert f"your plan takes {plan} at 2 hours a week" in text


@pytest.mark.parametrize(
    ("fields", "name"),
    [
        ({"goal": "advance_to_leadership"}, "CPCU"),  # "you would wait years"
        ({"years_experience": 1}, "API"),  # "within a year or so"
        ({"years_experience": 5}, "API_THEN_CPCU"),  # "the API soon and the CPCU later"
    ],
)
@pytest.mark.parametrize("hours", [1, 40])
def test_reasons_say_the_plans_months_not_a_fixed_duration(
    recommender: Recommender, fields: dict, name: str, hours: int
) -> None:
    result = answer(recommender, hours_per_week=hours, start_date="2027-02-01", **fields)
    r = route(result, name)
    text = r["reasons"][0]["text"]
    for vague in ("years for", "within a year", " soon ", "several years"):
        assert vague not in text
    first = r["milestones"][0]["months"]
    assert f"about {first['low']} to {first['high']} months" in text


def test_a_goal_set_aside_says_the_cpcus_time_from_the_plan(recommender: Recommender) -> None:
    result = answer(
        recommender,
        lines="commercial",
        goal="quick_credential",
        hours_per_week=40,
        start_date="2027-01-04",
    )
    months = route(result, "CPCU")["estimated_months"]
    assert "several years" not in result["summary"]
    assert (
        f"takes about {months['low']} to {months['high']} months in your plan"
        in (result["summary"])
    )


def _rule_text(rules_copy: Path, old: str, new: str) -> None:
    path = rules_copy / "decision.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_an_unknown_placeholder_is_a_rules_error_naming_file_and_rule(rules_copy: Path) -> None:
    _rule_text(rules_copy, "{first_months} in your plan.", "{weeks} in your plan.")
    with pytest.raises(RulesError, match=r"decision.yaml.*goal-quick-credential-api.*\{weeks\}"):
        Recommender.from_dir(rules_copy)


def test_a_placeholder_in_a_summary_without_a_route_is_a_rules_error(rules_copy: Path) -> None:
    _rule_text(
        rules_copy,
        "neither route adds to your commercial-lines work.",
        "neither route adds to your work in {months}.",
    )
    with pytest.raises(RulesError, match="needs a recommended route"):
        Recommender.from_dir(rules_copy)


def test_advice_rules_take_no_placeholder(rules_copy: Path) -> None:
    path = rules_copy / "advice.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("typically 9 to 15 months and fits", "{months} and fits", 1), encoding="utf-8"
    )
    with pytest.raises(RulesError, match="advice.yaml.*unknown placeholder"):
        Recommender.from_dir(rules_copy)
