"""Prices from the rules that apply (issue 18): early purchase, fee range, other costs."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask.testing import FlaskClient

from recommender.catalog import Catalog
from recommender.cli import format_recommendation
from recommender.planner import estimate_cost, exam_schedule
from recommender.recommendation import Recommender


@pytest.fixture(scope="module")
def catalog(recommender: Recommender) -> Catalog:
    return recommender.catalog


LEADER = {
    "role": "agent",
    "lines": "personal",
    "years_experience": 5,
    "goal": "advance_to_leadership",
    "hours_per_week": 40,
}


def chosen(recommender: Recommender, **fields) -> dict:
    result = recommender.recommend(recommender.load_profile({**LEADER, **fields}))
    return next(r for r in result["routes"] if r["route"] == result["recommended_route"])


def test_an_exam_in_the_window_open_at_the_start_is_at_full_price_and_says_why(
    recommender: Recommender,
) -> None:
    # Issue 18: from 2027-02-01 the exams of the window that opened on 15 January were
    # priced at the early-purchase rate.
    route = chosen(recommender, start_date="2027-02-01", discounts=["early_purchase"])
    start = date(2027, 2, 1)
    windows = {e["code"]: date.fromisoformat(e["window_start"]) for e in route["exam_schedule"]}
    open_now = [code for code, opens in windows.items() if opens <= start]
    assert open_now, "the plan has exams in the window open on the start date"
    for item in route["estimated_cost"]["items"]:
        if windows[item["code"]] <= start:
            assert item["discount"] is None
            assert item["amount"] == item["fee"]
            if item["fee"]:
                assert "already open on the start date" in item["note"]
        else:
            assert item["discount"] == "early_purchase" and item["note"] is None
            assert item["amount"] == item["fee"] - 80


def test_before_a_window_opens_its_exams_keep_the_early_purchase_price(
    recommender: Recommender,
) -> None:
    route = chosen(recommender, start_date="2027-01-04", discounts=["early_purchase"])
    paid = [i for i in route["estimated_cost"]["items"] if i["fee"]]
    assert paid and all(i["discount"] == "early_purchase" for i in paid)


def test_in_an_open_window_the_eligibility_discount_still_applies(
    recommender: Recommender,
) -> None:
    route = chosen(
        recommender,
        start_date="2027-02-01",
        discounts=["early_purchase", "student_teacher_regulator"],
    )
    for item in route["estimated_cost"]["items"]:
        if item["fee"]:
            assert item["discount"] == "student_teacher_regulator"
            assert item["amount"] == item["fee"] / 2


def test_the_planner_refuses_early_purchase_in_an_open_window_as_the_retake_planner_does(
    catalog: Catalog,
) -> None:
    start = date(2027, 2, 1)
    schedule = exam_schedule(["API 29"], catalog, 40, start)
    assert schedule[0]["window_start"] == "2027-01-15"
    (item,) = estimate_cost(["API 29"], catalog, ("early_purchase",), schedule, start)["items"]
    assert (item["amount"], item["discount"]) == (415, None)
    # Without the dates (the older call), nothing is known of the windows.
    (undated,) = estimate_cost(["API 29"], catalog, ("early_purchase",))["items"]
    assert undated["discount"] == "early_purchase"


def test_the_fee_is_the_sources_range_with_one_planning_figure(recommender: Recommender) -> None:
    route = chosen(recommender, start_date="2027-01-04")
    cost = route["estimated_cost"]
    paid = [i for i in cost["items"] if i["fee"]]
    assert all(i["fee_range"] == {"low": 415, "high": 455} for i in paid)
    assert cost["low"] == cost["high"] == 415 * len(paid)  # the planning figure sums
    assert cost["range"] == {"low": 415 * len(paid), "high": 455 * len(paid)}


def test_course_materials_and_transfers_are_their_own_lines(recommender: Recommender) -> None:
    cost = chosen(recommender, start_date="2027-01-04")["estimated_cost"]
    others = {o["id"]: o for o in cost["other_costs"]}
    assert others["course_materials"]["amount"] is None  # no figure: named as not included
    assert others["exam_transfer"]["amount"] == 95 and others["exam_transfer"]["per"] == "transfer"
    assert not any(o["included"] for o in others.values())


def test_the_command_line_shows_the_range_the_reason_and_the_other_costs(
    recommender: Recommender,
) -> None:
    profile = recommender.load_profile(
        {**LEADER, "start_date": "2027-02-01", "discounts": ["early_purchase"]}
    )
    text = format_recommendation(recommender.recommend(profile))
    assert re.search(r"The sources disagree on the fee \(415 to 455 USD an exam\)", text)
    assert re.search(r"API 29 +415 - No early purchase discount: its testing window", text)
    assert "Course materials: not included." in text
    assert "Exam transfer: 95 USD a transfer." in text


def test_the_page_shows_the_range_the_reason_and_the_other_costs(client: FlaskClient) -> None:
    query = "&".join(f"{k}={v}" for k, v in LEADER.items())
    html = client.get(f"/result?{query}&start_date=2027-02-01&discounts=early_purchase").get_data(
        as_text=True
    )
    assert "The sources disagree on the fee of an exam (415 to 455 USD)" in html
    assert "its testing window is already open on the start date" in html
    assert "<strong>Course materials:</strong> not included." in html
    assert "<strong>Exam transfer:</strong> 95 USD a transfer." in html
