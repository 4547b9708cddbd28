"""The encoded answer kept per profile and day: the same bytes as encoding recommend()'s."""

from __future__ import annotations

from datetime import date
from typing import Any

import orjson
import pytest

import recommender.recommendation as recommendation
from recommender.config import DEFAULT_RULES_DIR
from recommender.recommendation import ENCODED_CACHE_SIZE, Recommender
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
    assert fresh.recommend_json(fresh.load_profile(dict(AGENT))) is first
    assert len(calls) == 1
    fresh.clear_cache()
    assert fresh.recommend_json(profile) == first
    assert len(calls) == 2


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
    for years in range(ENCODED_CACHE_SIZE + 5):
        fresh.recommend_json(fresh.load_profile({**AGENT, "years_experience": years / 4}))
    assert len(fresh._encoded) == ENCODED_CACHE_SIZE
