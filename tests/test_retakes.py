"""Retakes counted from every attempt (issue 18): one retake per window, then the next."""

from __future__ import annotations

from datetime import date

import pytest

from recommender.catalog import Catalog
from recommender.planner import Attempt, plan_retake, plan_retakes, retake_count
from recommender.recommendation import Recommender


@pytest.fixture(scope="module")
def catalog(recommender: Recommender) -> Catalog:
    return recommender.catalog


def failed(day: date, code: str = "API 29") -> Attempt:
    return Attempt(code, day, "failed")


def test_a_first_failure_is_retaken_in_its_window_at_the_retake_price(catalog: Catalog) -> None:
    (retake,) = plan_retakes([failed(date(2027, 2, 1))], catalog)
    assert (retake["window_start"], retake["same_window"]) == ("2027-01-15", True)
    assert (retake["amount"], retake["discount"]) == (335, "same_window_retake")
    assert (retake["attempts"], retake["failures"]) == (1, 1)
    # The single-failure call gives the same retake.
    single = plan_retake("API 29", date(2027, 2, 1), catalog)
    assert {k: retake[k] for k in single} == single


def test_a_second_failure_in_one_window_is_retaken_in_the_next_at_full_price(
    catalog: Catalog,
) -> None:
    # Issue 18: a second failure in one window was planned as another same-window retake.
    attempts = [failed(date(2027, 2, 1)), failed(date(2027, 2, 20))]
    assert retake_count(attempts, catalog) == (date(2027, 2, 20), 1)
    (retake,) = plan_retakes(attempts, catalog)
    assert (retake["window_start"], retake["window_end"]) == ("2027-04-15", "2027-06-15")
    assert retake["same_window"] is False
    assert (retake["amount"], retake["discount"]) == (415, None)
    assert (retake["attempts"], retake["failures"]) == (2, 2)


def test_a_failed_retake_in_a_later_window_goes_on_to_the_window_after(catalog: Catalog) -> None:
    # Failed in January's window, retaken (and failed) at full price in April's: that was
    # April's one retake, so the next goes to July's.
    attempts = [failed(date(2027, 2, 1)), failed(date(2027, 3, 1)), failed(date(2027, 5, 1))]
    assert retake_count(attempts, catalog) == (date(2027, 5, 1), 1)
    (retake,) = plan_retakes(attempts, catalog)
    assert (retake["window_start"], retake["same_window"], retake["amount"]) == (
        "2027-07-15",
        False,
        415,
    )


def test_a_failure_on_a_windows_last_day_retakes_in_the_next_window(catalog: Catalog) -> None:
    (retake,) = plan_retakes([failed(date(2027, 3, 15))], catalog)
    assert (retake["window_start"], retake["same_window"]) == ("2027-04-15", False)


def test_a_pass_after_failures_needs_no_retake_and_a_scheduled_exam_is_no_sitting(
    catalog: Catalog,
) -> None:
    passed = [failed(date(2027, 2, 1)), Attempt("API 29", date(2027, 2, 20), "passed")]
    assert retake_count(passed, catalog) is None
    assert plan_retakes(passed, catalog) == []
    scheduled = [failed(date(2027, 2, 1)), Attempt("API 29", date(2027, 2, 25), "scheduled")]
    (retake,) = plan_retakes(scheduled, catalog)
    assert retake["same_window"] is True and retake["attempts"] == 1


def test_each_course_is_counted_on_its_own_in_order_of_first_sitting(catalog: Catalog) -> None:
    attempts = [
        failed(date(2027, 2, 10), "CPCU 556"),
        failed(date(2027, 2, 1), "CPCU 555"),
        failed(date(2027, 2, 20), "CPCU 555"),
        failed(date(2027, 2, 25), "CPCU 556"),
        Attempt("API 29", date(2027, 2, 2), "passed"),
    ]
    retakes = plan_retakes(attempts, catalog, access_ends={"CPCU 555": date(2027, 4, 1)})
    assert [(r["code"], r["window_start"]) for r in retakes] == [
        ("CPCU 555", "2027-04-15"),
        ("CPCU 556", "2027-04-15"),
    ]
    assert retakes[0]["access_ok"] is False and retakes[1]["access_ok"] is True


def test_a_retake_in_the_next_window_may_be_bought_before_it_opens(catalog: Catalog) -> None:
    attempts = [failed(date(2027, 2, 1)), failed(date(2027, 2, 20))]
    (retake,) = plan_retakes(attempts, catalog, ("early_purchase",))
    assert (retake["amount"], retake["discount"]) == (335, "early_purchase")
    # In the window already open, early purchase never applies: the retake discount does.
    (same,) = plan_retakes(attempts[:1], catalog, ("early_purchase",))
    assert same["discount"] == "same_window_retake"
