"""The recommender keeps engine answers, changes and plans: the same answers, less work."""

from __future__ import annotations

import gc
import itertools
import weakref
from typing import Any

import pytest

from recommender.changes import RulebookRoutes, changes_worth_trying, what_would_change
from recommender.config import DEFAULT_RULES_DIR
from recommender.planner import Profile
from recommender.recommendation import ENGINE_CACHE_SIZE, Recommender
from recommender.rulebook import ADVISE, DECIDE, profile_fact
from recommender.vocabulary import GOALS, LINES, ROLES


@pytest.fixture
def fresh() -> Recommender:
    """A recommender of its own, so that no other test has filled its cache."""
    return Recommender.from_dir(DEFAULT_RULES_DIR)


def counting_engine_runs(recommender: Recommender, monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Record the events of every engine session the recommender starts."""
    runs: list[Any] = []
    evaluate_batch = recommender.engine.evaluate_batch

    def counting(events: list[dict[str, Any]], fact: dict[str, Any] | None = None) -> Any:
        runs.append(events)
        return evaluate_batch(events, fact)

    monkeypatch.setattr(recommender.engine, "evaluate_batch", counting)
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
    codes = list(fresh.catalog.designations)
    held = [c for n in range(3) for c in itertools.combinations(codes, n)]
    # Distinct rule facts past the cache's size, each in the first years band.
    facts = list(itertools.product(ROLES, LINES, GOALS, held))[: ENGINE_CACHE_SIZE + 10]
    assert len(facts) == ENGINE_CACHE_SIZE + 10
    for role, lines, goal, designations in facts:
        fresh.decide(Profile(role, lines, 1, designations, goal=goal))
    assert len(fresh.answers._decisions) == ENGINE_CACHE_SIZE


def test_one_fresh_recommendation_is_one_engine_session(
    fresh: Recommender, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = counting_engine_runs(fresh, monkeypatch)
    fresh.recommend(Profile(role="agent", lines="personal", years_experience=4))
    assert len(runs) == 1
    # The profile and the changed profiles that may move its route, decided together.
    assert len(runs[0]) > 1


def test_years_in_one_band_share_the_engine_answer_and_each_band_is_decided(
    fresh: Recommender, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = counting_engine_runs(fresh, monkeypatch)
    thresholds = fresh.rulebook.thresholds()
    assert thresholds, "the shipped rules test years of experience"
    for years in (0, thresholds[0] / 4, thresholds[0] / 2, thresholds[0] - 0.01):
        fresh.fired_rules(Profile(role="claims", lines="both", years_experience=years))
    assert len(runs) == 1  # the first band, decided once
    for years in thresholds:
        fresh.fired_rules(Profile(role="claims", lines="both", years_experience=years))
    assert len(runs) == 1 + len(thresholds)  # and every other band by the engine too


def test_band_answers_are_the_answers_for_the_exact_years() -> None:
    banded = Recommender.from_dir(DEFAULT_RULES_DIR)
    exact = Recommender.from_dir(DEFAULT_RULES_DIR)
    for years in (0, 0.5, 2.999999, 3, 4.2, 9.9999, 10, 10.5, 60):
        for goal in GOALS:
            profile = Profile(role="agent", lines="personal", years_experience=years, goal=goal)
            fact = profile_fact(profile, exact.catalog)
            alone = exact.engine.evaluate({**fact, "kind": DECIDE}, {**fact, "kind": ADVISE})
            assert banded.fired_rules(profile) == alone


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


def test_the_rulebook_read_of_the_route_agrees_with_the_engine_on_the_whole_grid(
    fresh: Recommender,
) -> None:
    # The read only chooses which changes to try; a disagreement would hide a change.
    codes = list(fresh.catalog.designations)
    held = [c for n in range(3) for c in itertools.combinations(codes, n)]
    read = RulebookRoutes(fresh.rulebook.decision_rules)
    for role, lines, goal, designations in itertools.product(ROLES, LINES, GOALS, held):
        for years in (0, *fresh.rulebook.thresholds()):
            profile = Profile(role, lines, years, designations, goal=goal)
            assert read.route(profile) == fresh.decide(profile)


def test_the_changes_shown_are_those_every_change_tried_by_the_engine_gives(
    fresh: Recommender,
) -> None:
    deciding = fresh._deciding_designations
    for role, lines, goal, years, designations in itertools.product(
        ROLES, LINES, GOALS, (0, 2.5, 5, 12), ((), ("API",), ("CPCU",), ("AINS",))
    ):
        profile = Profile(role, lines, years, designations, goal=goal)
        route = fresh.decide(profile)
        every = changes_worth_trying(profile, route, fresh.rulebook.thresholds(), deciding)
        expected = what_would_change(route, every, fresh.decide_all)
        assert fresh.recommend(profile)["what_would_change"] == expected
