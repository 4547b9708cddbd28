"""The recommender keeps engine answers, changes and plans: the same answers, less work."""

from __future__ import annotations

import gc
import itertools
import weakref
from typing import Any

import pytest

from recommender.config import DEFAULT_RULES_DIR
from recommender.planner import Profile
from recommender.recommendation import ENGINE_CACHE_SIZE, Recommender
from recommender.vocabulary import GOALS, LINES


@pytest.fixture
def fresh() -> Recommender:
    """A recommender of its own, so that no other test has filled its cache."""
    return Recommender.from_dir(DEFAULT_RULES_DIR)


def counting_engine_runs(recommender: Recommender, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    runs: list[Any] = []
    evaluate = recommender.engine.evaluate

    def counting(event: dict[str, Any], fact: dict[str, Any] | None = None) -> list[str]:
        runs.append(event)
        return evaluate(event, fact)

    monkeypatch.setattr(recommender.engine, "evaluate", counting)
    return runs


def test_a_repeated_profile_does_not_run_the_engine_again(
    fresh: Recommender, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = counting_engine_runs(fresh, monkeypatch)
    profile = fresh.load_profile({"role": "agent", "lines": "personal", "years_experience": 4})
    first = fresh.recommend(profile)
    assert runs
    runs.clear()
    assert fresh.recommend(profile) == first
    assert runs == []


def test_the_kept_answers_are_the_answers_worked_out_afresh(fresh: Recommender) -> None:
    profiles = [
        fresh.load_profile(
            {"role": "underwriter", "lines": lines, "goal": goal, "years_experience": years}
            | {"designations": held, "hours_per_week": hours}
        )
        for lines, goal, years, held, hours in itertools.product(
            LINES,
            GOALS,
            (0, 2.5, 3, 9.99, 10, 40),
            ([], ["API"], ["CPCU"], ["API", "CPCU"]),
            (2, 4),
        )
    ]
    kept = [fresh.recommend(p) for p in profiles * 2]
    afresh = []
    for profile in profiles * 2:
        fresh.clear_cache()
        afresh.append(fresh.recommend(profile))
    assert kept == afresh


def test_a_caller_cannot_change_a_kept_answer(fresh: Recommender) -> None:
    profile = Profile(role="claims", lines="both", years_experience=5)
    fresh.fired_rules(profile).append("not-a-rule")
    answer = fresh.recommend(profile)
    answer["what_would_change"][0]["change"] = "changed"
    cpcu = answer["routes"][1]
    cpcu["exam_schedule"][0]["ready"] = "changed"
    cpcu["estimated_months"]["low"] = -1
    cpcu["estimated_cost"]["items"][0]["amount"] = -1
    cpcu["estimated_cost"]["discounts"].append("changed")
    again = fresh.recommend(profile)
    assert "not-a-rule" not in again["fired_rules"]
    assert again["what_would_change"][0]["change"] != "changed"
    cpcu = again["routes"][1]
    assert cpcu["exam_schedule"][0]["ready"] != "changed"
    assert cpcu["estimated_months"]["low"] != -1
    assert cpcu["estimated_cost"]["items"][0]["amount"] != -1
    assert cpcu["estimated_cost"]["discounts"] == []


def test_the_cache_is_bounded(fresh: Recommender) -> None:
    for n in range(ENGINE_CACHE_SIZE + 10):
        fresh.decide(Profile(role="agent", lines="personal", years_experience=n / 1000))
    assert fresh._run_rules.cache_info().currsize == ENGINE_CACHE_SIZE


def test_a_dropped_recommender_is_freed_at_once_not_by_the_garbage_collector() -> None:
    # A reference cycle would leave its engine to the collector, which may run inside
    # another engine's call, under the engine lock that freeing the engine takes.
    recommender = Recommender.from_dir(DEFAULT_RULES_DIR)
    recommender.recommend(Profile(role="agent", lines="personal", years_experience=4))
    gone = weakref.ref(recommender)
    gc.disable()
    try:
        del recommender
        assert gone() is None
    finally:
        gc.enable()
