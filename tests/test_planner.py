"""The planner: credits, path choice, order of courses and time estimates."""

from __future__ import annotations

import pytest

from recommender.catalog import Catalog
from recommender.planner import (
    Profile,
    choose_api_path,
    credited_courses,
    estimate_months,
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
    assert combined[:3] == ["api", "api", "api"], "the API courses come first"
    assert combined[-1] == "ethics"


def test_ethics_is_required_once_per_route(catalog: Catalog) -> None:
    for plan in plan_routes(person(), catalog).values():
        assert [s.code for s in plan.steps].count("ETH 311") == 1


def test_the_cpcu_lists_foundation_before_concentration_before_elective(catalog: Catalog) -> None:
    steps = [s.requirement for s in plan_routes(person(), catalog)["CPCU"].steps]
    assert steps == ["foundation"] * 5 + ["concentration"] * 2 + ["elective", "ethics"]


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
