"""The encoded answer kept per profile and day: the same bytes as encoding recommend()'s."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
import pytest

import recommender.recommendation as recommendation
from recommender.config import DEFAULT_RULES_DIR
from recommender.recommendation import ENCODED_CACHE_SIZE, ENCODED_SEEN_SIZE, Recommender
from recommender.schemas import RecommendationSchema

AGENT = {"role": "agent", "lines": "personal", "years_experience": 4}


@pytest.fixture
def fresh() -> Recommender:
    """A recommender of its own, so that no other test has filled its caches."""
    return Recommender.from_dir(DEFAULT_RULES_DIR)


def test_the_encoded_answer_is_recommends_answer_as_the_schema_dumps_it(fresh: Recommender) -> None:
    other = {**AGENT, "designations": ["CPCU"], "goal": "quick_credential", "hours_per_week": 2}
    for data in (AGENT, other):
        profile = fresh.load_profile(data)
        encoded = fresh.recommend_json(profile)
        assert encoded == orjson.dumps(fresh.recommend(profile))
        dumped = RecommendationSchema().dump(fresh.recommend(profile))
        assert orjson.loads(encoded) == dumped


def test_a_repeated_profile_is_a_look_up_until_the_cache_is_cleared(
    fresh: Recommender, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Any] = []
    recommend = fresh.recommend
    monkeypatch.setattr(fresh, "recommend", lambda p: calls.append(p) or recommend(p))
    profile = fresh.load_profile(AGENT)
    first = fresh.recommend_json(profile)
    second = fresh.recommend_json(fresh.load_profile(dict(AGENT)))
    assert second == first  # kept on this second sighting
    assert fresh.recommend_json(profile) == second
    assert len(calls) == 2
    fresh.clear_cache()
    assert fresh.recommend_json(profile) == first
    assert len(calls) == 3


def test_a_profile_seen_once_is_not_kept(fresh: Recommender) -> None:
    profiles = [fresh.load_profile({**AGENT, "years_experience": y}) for y in range(40)]
    for profile in profiles:
        fresh.recommend_json(profile)
    assert len(fresh._encoded) == 0
    fresh.recommend_json(profiles[0])
    assert len(fresh._encoded) == 1


def test_a_profile_without_a_start_is_answered_afresh_on_a_new_day(
    fresh: Recommender, monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = fresh.load_profile(AGENT)
    answers = []
    for day in (date(2031, 3, 1), date(2031, 3, 2)):

        class Today(date):
            @classmethod
            def today(cls, day: date = day) -> date:
                return day

        monkeypatch.setattr(recommendation, "date", Today)
        answers.append(orjson.loads(fresh.recommend_json(profile)))
    assert [a["profile"]["start_date"] for a in answers] == ["2031-03-01", "2031-03-02"]


def test_the_cache_is_bounded(fresh: Recommender) -> None:
    profiles = [fresh.load_profile({**AGENT, "years_experience": y / 4}) for y in range(170)]
    for profile in profiles * 2:
        fresh.recommend_json(profile)
    assert len(fresh._encoded) == ENCODED_CACHE_SIZE


def test_a_second_sighting_counts_only_within_the_window(fresh: Recommender) -> None:
    data = [
        {**AGENT, "years_experience": y / 4, "hours_per_week": h}
        for y in range(100)
        for h in range(1, 7)
    ]
    profiles = [fresh.load_profile(d) for d in data[: ENCODED_SEEN_SIZE + 1]]
    for profile in profiles:
        fresh.recommend_json(profile)
    fresh.recommend_json(profiles[0])  # forgotten: seen once more, not kept
    fresh.recommend_json(profiles[-1])  # still in the window: kept
    assert list(fresh._encoded._items) == [(profiles[-1], date.today())]
