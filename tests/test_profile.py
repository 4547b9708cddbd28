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


@pytest.mark.parametrize("text", ["1_0", "１０", "٤", "1e1", "nan", "inf", "0x10", "4,5", "+4", ""])
@pytest.mark.parametrize("field", ["years_experience", "hours_per_week"])
def test_only_plain_ascii_digits_are_read_as_numbers(
    recommender: Recommender, field: str, text: str
) -> None:
    if field == "hours_per_week" and text == "":
        return  # a blank optional field is "not given" (forms and CSV send it)
    with pytest.raises(ProfileError) as caught:
        recommender.load_profile({**VALID, field: text})
    what = {
        "years_experience": "your years of experience",
        "hours_per_week": "the hours you can study each week",
    }[field]
    assert caught.value.errors[field] == [f"Enter {what} as a number in digits, e.g. 4 or 2.5."]


@pytest.mark.parametrize("text", ["4", " 4 ", "2.5", "10.", ".5"])
def test_plain_numbers_in_text_are_read(recommender: Recommender, text: str) -> None:
    assert recommender.load_profile({**VALID, "years_experience": text}).years_experience == float(
        text
    )


@pytest.mark.parametrize("value", [10**400, float("nan"), float("inf"), "4", True], ids=repr)
def test_a_json_profile_takes_json_numbers_of_a_sane_size_only(
    recommender: Recommender, value: object
) -> None:
    with pytest.raises(ProfileError) as caught:
        recommender.load_json_profile({**VALID, "years_experience": value})
    (message,) = caught.value.errors["years_experience"]
    assert message.startswith("Enter your years of experience")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("completed_courses", ["CPCU\x00555"]),
        ("designations", ["API\x00"]),
        ("discounts", ["early_purchase\x1b"]),
        ("role", "agent\x00"),
        ("lines", "personal\n"),
        ("goal", "undecided\x7f"),
        ("completed_courses", ["CPCU 555\ud800"]),
    ],
)
def test_control_characters_in_any_text_are_refused_naming_the_field(
    recommender: Recommender, field: str, value: object
) -> None:
    with pytest.raises(ProfileError) as caught:
        recommender.load_profile({**VALID, field: value})
    assert caught.value.errors[field] == [
        "Must not contain control characters (such as NUL or a line break)."
    ]


@pytest.mark.parametrize(
    ("change", "field", "near"),
    [
        ({"role": "underwritter"}, "role", "underwriter"),
        ({"role": "custmer service"}, "role", "customer_service"),
        ({"lines": "comercial"}, "lines", "commercial"),
        ({"goal": "quick credentail"}, "goal", "quick_credential"),
        ({"designations": ["CPUC"]}, "designations", "CPCU"),
        ({"completed_courses": ["CPCU 5555"]}, "completed_courses", "CPCU 555"),
        ({"discounts": ["early purchse"]}, "discounts", "early_purchase"),
    ],
)
def test_a_near_miss_is_answered_with_a_suggestion(
    recommender: Recommender, change: dict, field: str, near: str
) -> None:
    with pytest.raises(ProfileError) as caught:
        recommender.load_profile({**VALID, **change})
    (message,) = caught.value.errors[field]
    assert message.endswith(f"did you mean {near!r}?") or message.endswith(
        f"Did you mean {near!r}?"
    )


def test_an_invalid_role_lists_the_choices_as_the_contract_says(recommender: Recommender) -> None:
    with pytest.raises(ProfileError) as caught:
        recommender.load_profile({**VALID, "role": "underwritr"})
    assert caught.value.errors["role"] == [
        "Must be one of: agent, broker, claims, underwriter, customer_service; "
        "did you mean 'underwriter'?"
    ]
    with pytest.raises(ProfileError) as caught:
        recommender.load_profile({**VALID, "role": "astronaut"})
    assert "did you mean" not in caught.value.errors["role"][0]


@pytest.mark.parametrize(
    ("role", "lines"),
    [
        ("Agent", "Personal"),
        ("Customer Service", "BOTH"),
        ("customer service", "both"),
        ("customer-service", " commercial "),
    ],
)
def test_words_are_read_as_people_spell_them(
    recommender: Recommender, role: str, lines: str
) -> None:
    for load in (recommender.load_profile, recommender.load_json_profile):
        profile = load({**VALID, "role": role, "lines": lines, "discounts": ["Early purchase"]})
        assert profile.role in ("agent", "customer_service")
        assert profile.lines == lines.strip().lower()
        assert profile.discounts == ("early_purchase",)
