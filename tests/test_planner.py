"""The planner: credits, path choice, order of courses and time estimates."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest

from recommender.catalog import Catalog
from recommender.planner import (
    Profile,
    Step,
    best_discount,
    choose_api_path,
    credited_courses,
    discount_options,
    estimate_cost,
    estimate_months,
    exam_schedule,
    milestones,
    plan_retake,
    plan_routes,
)
from recommender.recommendation import Recommender


@pytest.fixture(scope="module")
def catalog(recommender: Recommender) -> Catalog:
    return recommender.catalog


def person(**kwargs) -> Profile:
    base = {"role": "claims", "lines": "personal", "years_experience": 4}
    return Profile(**{**base, **kwargs})


def test_holding_the_api_credits_the_path_2_courses_and_ethics(catalog: Catalog) -> None:
    assert credited_courses(person(designations=("API",)), catalog) == {
        "API 29",
        "CPCU 555",
        "CPCU 556",
        "ETH 311",
    }


@pytest.mark.parametrize(
    ("lines", "concentration", "elective"),
    [
        ("personal", {"CPCU 555", "CPCU 556"}, "CPCU 551"),
        ("both", {"CPCU 551", "CPCU 552"}, "CPCU 555"),
        ("commercial", {"CPCU 551", "CPCU 552"}, "CPCU 555"),
    ],
)
def test_holding_the_cpcu_credits_foundation_ethics_a_concentration_and_an_elective(
    catalog: Catalog, lines: str, concentration: set[str], elective: str
) -> None:
    credited = credited_courses(person(lines=lines, designations=("CPCU",)), catalog)
    foundation = set(catalog.cpcu.foundation)
    assert credited == foundation | {"ETH 311", elective} | concentration


def test_holding_the_ains_credits_its_two_api_courses(catalog: Catalog) -> None:
    assert credited_courses(person(designations=("AINS",)), catalog) == {"AINS 21", "AINS 22"}


def test_other_designations_give_no_credit(catalog: Catalog) -> None:
    assert credited_courses(person(designations=("AIC", "CISR")), catalog) == frozenset()


def test_the_api_path_with_fewer_remaining_courses_wins_and_a_tie_goes_to_path_2(
    catalog: Catalog,
) -> None:
    assert choose_api_path(catalog, frozenset()) == "path-2"
    assert choose_api_path(catalog, frozenset({"AINS 21"})) == "path-2"
    assert choose_api_path(catalog, frozenset({"AINS 21", "AINS 22"})) == "path-1"


def test_the_combined_route_is_one_course_more_than_the_cpcu_alone(catalog: Catalog) -> None:
    plans = plan_routes(person(), catalog)
    assert len(plans["API_THEN_CPCU"].remaining) == len(plans["CPCU"].remaining) + 1
    combined = [s.requirement for s in plans["API_THEN_CPCU"].remaining]
    # docs/policy.md, "Course plans": ethics, then the API's courses, so the API comes first.
    assert combined[:4] == ["ethics", "api", "api", "api"]
    assert set(combined[4:]) == {"foundation", "elective"}


def test_ethics_is_required_once_per_route(catalog: Catalog) -> None:
    for plan in plan_routes(person(), catalog).values():
        assert [s.code for s in plan.steps].count("ETH 311") == 1


def test_the_cpcu_lists_foundation_before_concentration_before_elective(catalog: Catalog) -> None:
    steps = [s.requirement for s in plan_routes(person(), catalog)["CPCU"].steps]
    assert steps == ["ethics"] + ["foundation"] * 5 + ["concentration"] * 2 + ["elective"]


def test_a_held_route_has_nothing_left(catalog: Catalog) -> None:
    plans = plan_routes(person(lines="both", designations=("CPCU",)), catalog)
    assert plans["CPCU"].remaining == ()
    assert [s.code for s in plans["API"].remaining] == ["API 29", "CPCU 556"]


def test_a_path_2_api_at_four_hours_a_week_falls_within_the_published_12_to_18_months(
    catalog: Catalog,
) -> None:
    path_2 = ["API 29", "CPCU 555", "CPCU 556", "ETH 311"]
    months = estimate_months(path_2, catalog, 4)
    assert 12 <= months["low"] <= months["high"] <= 18


def test_the_estimate_follows_the_formula(catalog: Catalog) -> None:
    # (70 + 70 + 2) hours low, (100 + 100 + 4) high, at 8 h/week and 4.33 weeks a month.
    months = estimate_months(["CPCU 500", "CPCU 520", "ETH 311"], catalog, 8)
    assert months == {"low": 4, "high": 6}
    assert estimate_months([], catalog, 4) == {"low": 0, "high": 0}


def test_studying_more_each_week_shortens_the_estimate(catalog: Catalog) -> None:
    codes = ["CPCU 500", "CPCU 520", "CPCU 530"]
    slow, fast = estimate_months(codes, catalog, 2), estimate_months(codes, catalog, 10)
    assert fast["high"] < slow["low"]


# --- ethics first, milestones, discounts, course access and retakes (docs/policy.md) -----


def test_ethics_comes_first_in_every_plan(catalog: Catalog) -> None:
    for plan in plan_routes(person(), catalog).values():
        assert plan.steps[0] == Step("ETH 311", "ethics")


def _milestones(catalog: Catalog, route: str, **kwargs) -> list[dict]:
    profile = person(**kwargs)
    plan = plan_routes(profile, catalog)[route]
    codes = [s.code for s in plan.remaining]
    schedule = exam_schedule(codes, catalog, 4, date(2027, 1, 4))
    return milestones(plan, schedule, catalog, profile.designations)


def test_the_combined_route_earns_the_api_then_the_cpcu(catalog: Catalog) -> None:
    plan = plan_routes(person(), catalog)["API_THEN_CPCU"]
    schedule = exam_schedule([s.code for s in plan.remaining], catalog, 4, date(2027, 1, 4))
    by_code = {e["code"]: e for e in schedule}
    api, cpcu = milestones(plan, schedule, catalog, ())
    assert (api["designation"], api["after_course"]) == ("API", "CPCU 556")
    assert (cpcu["designation"], cpcu["after_course"]) == ("CPCU", "CPCU 551")
    assert api["window_start"] == by_code["CPCU 556"]["window_start"]
    assert api["window_end"] == by_code["CPCU 556"]["window_end"]
    assert api["window_end"] < cpcu["window_start"]
    assert api["verified"] is False  # the API paths are to confirm
    assert api["experience_months"] is None and api["note"] is None
    assert cpcu["experience_months"] == 24 and "24 months" in cpcu["note"]


def test_a_held_designation_has_no_milestone(catalog: Catalog) -> None:
    assert [
        m["designation"] for m in _milestones(catalog, "API_THEN_CPCU", designations=("API",))
    ] == ["CPCU"]
    assert _milestones(catalog, "API", designations=("API",)) == []


def test_a_designation_with_every_course_passed_is_earned_with_no_exam_left(
    catalog: Catalog,
) -> None:
    passed = ("ETH 311", "API 29", "CPCU 555", "CPCU 556")
    (api,) = _milestones(catalog, "API", completed_courses=passed)
    assert (api["after_course"], api["window_start"], api["window_end"]) == (None, None, None)


def test_each_exam_gets_the_single_best_discount_and_names_it(catalog: Catalog) -> None:
    both = ("early_purchase", "student_teacher_regulator")
    items = estimate_cost(["ETH 311", "API 29"], catalog, both)["items"]
    assert [(i["amount"], i["discount"]) for i in items] == [
        (0, None),  # nothing to take off a free exam
        (207.5, "student_teacher_regulator"),
    ]
    assert estimate_cost(["API 29"], catalog, ())["items"][0]["discount"] is None


def test_a_fixed_amount_wins_on_a_cheap_exam(catalog: Catalog) -> None:
    options = discount_options(catalog, ("early_purchase", "student_teacher_regulator"))
    assert best_discount(100, options) == (20, "early_purchase")
    assert best_discount(200, options) == (100, "student_teacher_regulator")
    assert best_discount(120, options[:1]) == (40, "early_purchase")


def test_discounts_combine_only_where_the_catalog_says_so(catalog: Catalog) -> None:
    early = dataclasses.replace(
        catalog.discounts["early_purchase"], combines_with=("student_teacher_regulator",)
    )
    combining = dataclasses.replace(
        catalog, discounts={**catalog.discounts, "early_purchase": early}
    )
    items = estimate_cost(["API 29"], combining, ("early_purchase", "student_teacher_regulator"))[
        "items"
    ]
    # 50% first, then $80: 415 / 2 - 80.
    assert (items[0]["amount"], items[0]["discount"]) == (
        127.5,
        "student_teacher_regulator+early_purchase",
    )


def test_a_course_ready_in_its_access_year_but_before_no_window_in_it_is_not_ok(
    catalog: Catalog,
) -> None:
    # Access bought on 2026-03-20 ends on 2027-03-20. At this pace API 29 (85 hours) is ready
    # on 2027-03-18: within the access year, but after the window that ended on 15 March; the
    # next window opens on 15 April, after access has ended.
    start = date(2026, 3, 20)
    hours_per_week = 85 / ((date(2027, 3, 18) - start).days / 7)
    (exam,) = exam_schedule(["API 29"], catalog, hours_per_week, start)
    assert exam["ready"] == "2027-03-18" and exam["access_ends"] == "2027-03-20"
    assert exam["window_start"] == "2027-04-15"
    assert exam["access_ok"] is False


def test_a_course_ready_inside_an_open_window_before_access_ends_is_ok(catalog: Catalog) -> None:
    start = date(2026, 3, 20)
    hours_per_week = 85 / ((date(2027, 3, 10) - start).days / 7)
    (exam,) = exam_schedule(["API 29"], catalog, hours_per_week, start)
    assert exam["window_start"] == "2027-01-15" and exam["access_ok"] is True


def test_a_retake_in_the_same_window_gets_the_retake_discount(catalog: Catalog) -> None:
    retake = plan_retake("API 29", date(2027, 2, 1), catalog)
    assert (retake["window_start"], retake["window_end"]) == ("2027-01-15", "2027-03-15")
    assert retake["same_window"] is True
    assert (retake["amount"], retake["discount"]) == (335, "same_window_retake")
    assert (retake["added_months"], retake["added_fees"]) == (0, 335)
    assert retake["counts_toward_limit"] is False


def test_the_retake_discount_does_not_stack_with_the_eligibility_discount(
    catalog: Catalog,
) -> None:
    retake = plan_retake("API 29", date(2027, 2, 1), catalog, ("student_teacher_regulator",))
    assert (retake["amount"], retake["discount"]) == (207.5, "student_teacher_regulator")
    # Early purchase is for an exam bought before its window: not for a window already open.
    early = plan_retake("API 29", date(2027, 2, 1), catalog, ("early_purchase",))
    assert early["discount"] == "same_window_retake"


def test_a_second_retake_or_a_failure_on_the_last_day_goes_to_the_next_window(
    catalog: Catalog,
) -> None:
    for retake in (
        plan_retake("API 29", date(2027, 2, 1), catalog, retakes_in_window=1),
        plan_retake("API 29", date(2027, 3, 15), catalog),
    ):
        assert (retake["window_start"], retake["window_end"]) == ("2027-04-15", "2027-06-15")
        assert retake["same_window"] is False
        assert (retake["amount"], retake["discount"]) == (415, None)
        assert (retake["added_months"], retake["added_fees"]) == (3, 415)
    late = plan_retake("API 29", date(2027, 12, 15), catalog, ("early_purchase",))
    assert late["window_start"] == "2028-01-15" and late["discount"] == "early_purchase"


def test_a_retake_after_course_access_ends_is_not_ok(catalog: Catalog) -> None:
    retake = plan_retake("API 29", date(2027, 3, 15), catalog, access_ends=date(2027, 4, 1))
    assert retake["access_ok"] is False
    assert plan_retake("API 29", date(2027, 2, 1), catalog, access_ends=date(2027, 4, 1))[
        "access_ok"
    ]
