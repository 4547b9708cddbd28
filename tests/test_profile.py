"""Profile validation: every bad field named, codes normalised, defaults applied."""

from __future__ import annotations

import pytest

from recommender.errors import ProfileError
from recommender.recommendation import Recommender

VALID = {"role": "agent", "lines": "personal", "years_experience": 4}


def test_defaults_are_undecided_and_four_hours_a_week(recommender: Recommender) -> None:
    profile = recommender.load_profile(VALID)
    assert profile.goal == "undecided"
    assert profile.hours_per_week == 4
    assert profile.designations == () and profile.completed_courses == ()


def test_codes_are_normalised_and_deduplicated(recommender: Recommender) -> None:
    profile = recommender.load_profile(
        {
            **VALID,
            "designations": ["ains", "AINS"],
            "completed_courses": ["cpcu555", "Cpcu 556", "CPCU 555"],
        }
    )
    assert profile.designations == ("AINS",)
    assert profile.completed_courses == ("CPCU 555", "CPCU 556")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": "ceo"}, "role"),
        ({"lines": "marine"}, "lines"),
        ({"years_experience": -1}, "years_experience"),
        ({"years_experience": 61}, "years_experience"),
        ({"years_experience": "four"}, "years_experience"),
        ({"years_experience": True}, "years_experience"),
        ({"goal": "retire"}, "goal"),
        ({"hours_per_week": 0}, "hours_per_week"),
        ({"hours_per_week": 41}, "hours_per_week"),
        ({"designations": ["XYZ"]}, "designations"),
        ({"designations": "API"}, "designations"),
        ({"completed_courses": ["CPCU 999"]}, "completed_courses"),
        ({"colour": "blue"}, "colour"),
    ],
)
def test_a_bad_field_is_named(recommender: Recommender, change: dict, field: str) -> None:
    with pytest.raises(ProfileError) as caught:
        recommender.load_profile({**VALID, **change})
    assert field in caught.value.errors


def test_missing_required_fields_are_all_named(recommender: Recommender) -> None:
    with pytest.raises(ProfileError) as caught:
        recommender.load_profile({})
    assert set(caught.value.errors) == {"role", "lines", "years_experience"}


def test_an_unknown_course_is_named_by_its_code(recommender: Recommender) -> None:
    with pytest.raises(ProfileError) as caught:
        recommender.load_profile({**VALID, "completed_courses": ["CPCU 500", "ZZZ 1", "API 99"]})
    messages = " ".join(caught.value.errors["completed_courses"])
    assert "'ZZZ 1'" in messages and "'API 99'" in messages and "CPCU 500" not in messages


def test_a_profile_must_be_an_object(recommender: Recommender) -> None:
    with pytest.raises(ProfileError):
        recommender.load_profile(["agent"])
