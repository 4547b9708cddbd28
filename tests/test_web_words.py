"""Words for people: counts, durations, restated answers, badges, form sentences, milestones."""

from __future__ import annotations

import copy
import math
import re
from datetime import date
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask

from recommender.extensions import current_recommender
from recommender.planner import course_schedule
from recommender.recommendation import Recommender
from recommender.web import forms, present
from recommender.web.timeline import NARROW, WIDE, timeline_svg
from recommender.wording import duration, humanise, plural, profile_facts, route_status


@pytest.mark.parametrize(
    ("count", "word", "expected"),
    [
        (1, "hour", "1 hour"),
        (4, "hour", "4 hours"),
        (1.5, "hour", "1.5 hours"),
        (0, "exam", "0 exams"),
        (2490, "dollar", "2,490 dollars"),
        (1.0, "year", "1 year"),
    ],
)
def test_counts_are_pluralised(count: float, word: str, expected: str) -> None:
    assert plural(count, word) == expected


@pytest.mark.parametrize(
    ("low", "high", "expected"),
    [
        (10, 16, "about 10 to 16 months"),
        (1, 1, "under a month"),
        (0, 0, "nothing left"),
        (5, 5, "about 5 months"),
        (24, 35, "about 2 to 3 years"),
        (130, 180, "about 11 to 15 years"),
        (20, 26, "about 2 years"),
        (30, 42, "about 3 to 4 years"),  # 2.5 years rounds up
        (0, 2, "about 1 to 2 months"),
    ],
)
def test_durations_read_in_months_or_in_years_when_long(low: int, high: int, expected: str) -> None:
    assert duration(low, high) == expected


def test_generated_sentences_are_rewritten_for_people() -> None:
    text = "8 courses to go, about 130 to 180 months at 1 hours a week; 1 courses left."
    assert (
        humanise(text) == "8 courses to go, about 11 to 15 years at 1 hour a week; 1 course left."
    )
    assert humanise("about 10 to 16 months at 4 hours a week") == (
        "about 10 to 16 months at 4 hours a week"
    )


def test_the_profile_is_restated_in_words() -> None:
    profile = {
        "role": "customer_service",
        "lines": "both",
        "years_experience": 2.5,
        "designations": ["AINS", "CISR"],
        "completed_courses": ["CPCU 500"],
        "goal": "advance_to_leadership",
        "hours_per_week": 4,
        "start_date": "2027-01-04",
        "discounts": ["early_purchase", "student_teacher_regulator"],
    }
    names = {"early_purchase": "Early purchase"}
    assert profile_facts(profile, names) == [
        "customer service",
        "personal and commercial lines",
        "2.5 years of experience",
        "holds AINS and CISR",
        "passed CPCU 500",
        "goal: move into leadership",
        "4 hours of study a week",
        "starting 2027-01-04",
        "discounts: Early purchase and student teacher regulator",
    ]


def _route(route: str, fit: str) -> dict[str, Any]:
    return {"route": route, "fit": fit}


def test_a_route_badge_says_held_or_in_progress_instead_of_not_suitable() -> None:
    combined = _route("API_THEN_CPCU", "not_suitable")
    assert route_status(combined, ["API"], "CPCU") == (
        "in_progress",
        "In progress: you hold the API; the CPCU plan above completes this route.",
    )
    assert route_status(combined, ["API"], None)[1].endswith("the CPCU route completes this route.")
    assert route_status(combined, ["API", "CPCU"], None) == ("held", "You hold the API and CPCU.")
    assert route_status(_route("API", "not_suitable"), ["API"], "CPCU")[0] == "held"
    # Not suitable for another reason (commercial lines): the badge keeps saying so.
    assert route_status(_route("API", "not_suitable"), [], "CPCU") == ("not_suitable", "")
    # A fit the rules gave is never overridden.
    assert route_status(_route("CPCU", "suitable"), ["CPCU"], "API") == ("suitable", "")


@pytest.mark.parametrize(
    ("errors", "expected"),
    [
        ({"role": ["Missing data for required field."]}, {"role": ["Choose a role."]}),
        (
            {"role": ["Must be one of: agent, broker; did you mean 'underwriter'?"]},
            {"role": ["Choose a role. Did you mean Underwriter?"]},
        ),
        (
            {
                "years_experience": [
                    "Must be greater than or equal to 0 and less than or equal to 60."
                ]
            },
            {"years_experience": ["Enter your years of experience, from 0 to 60."]},
        ),
        (
            {"hours_per_week": ["Not a valid number."]},
            {"hours_per_week": ["Enter the hours you can study in a week, from 1 to 40."]},
        ),
        (
            {"start_date": ["Not a valid date."]},
            {"start_date": ["Enter the start date as a date, for example 2027-01-04."]},
        ),
        (
            {"completed_courses": ["Unknown course code 'CPCU 5555'; did you mean 'CPCU 555'?"]},
            {
                "completed_courses": [
                    "We do not know the course “CPCU 5555”: tick the courses you passed in the "
                    "list. Did you mean CPCU 555?"
                ]
            },
        ),
        (
            {"designations": ["Unknown designation 'XYZ'; known: API, CPCU."]},
            {
                "designations": [
                    "We do not know the designation “XYZ”: tick those you hold in the list."
                ]
            },
        ),
        (
            {"_schema": ["A profile must be a JSON object."]},
            {"_schema": ["A profile must be a JSON object."]},
        ),
    ],
)
def test_form_errors_are_sentences_for_people(
    errors: dict[str, list[str]], expected: dict[str, list[str]]
) -> None:
    assert forms.error_sentences(errors, example="2027-01-04") == expected


def test_a_near_miss_suggestion_is_shown_in_the_form(
    app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The schema's "did you mean" (added to its message) reaches the page as a sentence."""
    from recommender.errors import ProfileError

    with app.app_context():
        recommender = current_recommender()
    real = recommender.load_profile

    def load(values: dict[str, Any]) -> Any:
        if values.get("role") == "underwritter":
            raise ProfileError({"role": ["Must be one of: agent; did you mean 'underwriter'?"]})
        return real(values)

    monkeypatch.setattr(recommender, "load_profile", load)
    html = app.test_client().get("/plan?role=underwritter&lines=personal&years_experience=3")
    text = html.get_data(as_text=True)
    assert html.status_code == 422
    assert "Choose a role. Did you mean Underwriter?" in text


MILESTONES = [
    {
        "designation": "API",
        "after_course": "CPCU 556",
        "window_start": "2027-10-15",
        "window_end": "2027-12-15",
        "verified": False,
    },
    {
        "designation": "CPCU",
        "after_course": "CPCU 551",
        "window_start": "2029-04-15",
        "window_end": "2029-06-15",
        "verified": False,
        "note": "Conferment also needs 24 months of insurance work.",
    },
]


@pytest.mark.parametrize("layout", [WIDE, NARROW], ids=["wide", "narrow"])
def test_milestones_get_a_row_and_a_diamond_on_the_timeline(
    recommender: Recommender, layout: Any
) -> None:
    codes = ["ETH 311", "API 29", "CPCU 555", "CPCU 556"]
    start = date(2027, 1, 4)
    svg = str(
        timeline_svg(
            codes,
            recommender.catalog,
            4,
            "t",
            start=start,
            milestones=MILESTONES[:1],
            layout=layout,
        )
    )
    assert svg.count('class="milestone"') == 1
    assert re.findall(r'class="code[^"]*"[^>]*>([^<]+)<', svg) == [*codes, "API"]
    assert "API earned after CPCU 556, testing window 2027-10-15 to 2027-12-15" in svg
    assert f'viewBox="0 0 {layout.width} ' in svg and f'id="timeline-{layout.name}-title"' in svg
    # The diamond sits at the end of the window: 345 days after the start, in months.
    x = float(re.search(r'class="milestone" d="M([\d.]+) ', svg)[1])
    at = 345 / 30.44
    span = math.ceil(max(course_schedule(codes, recommender.catalog, 4)[-1][2], at))
    scale = (layout.width - layout.label - 12) / span
    assert x == pytest.approx(layout.label + at * scale, abs=0.2)
    without = str(timeline_svg(codes, recommender.catalog, 4, "t", start=start, layout=layout))
    assert "milestone" not in without


def test_dates_are_wrapped_so_they_do_not_break_and_text_is_escaped() -> None:
    assert str(present.nobreak_dates("from 2027-10-15 <b>")) == (
        'from <time class="date" datetime="2027-10-15">2027-10-15</time> &lt;b&gt;'
    )


@pytest.fixture
def with_milestones(app: Flask, monkeypatch: pytest.MonkeyPatch) -> Flask:
    """The app, its combined route given these milestones (the rendering of a known answer)."""
    with app.app_context():
        recommender = current_recommender()
    real = recommender.recommend

    def recommend(profile: Any) -> dict[str, Any]:
        answer = copy.deepcopy(real(profile))
        for route in answer["routes"]:
            if route["route"] == "API_THEN_CPCU":
                route["milestones"] = copy.deepcopy(MILESTONES)
        return answer

    monkeypatch.setattr(recommender, "recommend", recommend)
    return app


LEADER = {
    "role": "agent",
    "lines": "personal",
    "years_experience": "4",
    "goal": "advance_to_leadership",
    "start_date": "2027-01-04",
}


def test_the_result_page_lists_the_milestones_and_marks_them(with_milestones: Flask) -> None:
    html = with_milestones.test_client().get("/result?" + urlencode(LEADER)).get_data(as_text=True)
    section = re.search(r'<section aria-labelledby="milestones">(.*?)</section>', html, re.S)
    assert section, "a milestones section"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", section[1]))
    assert "The API: after CPCU 556, in the testing window 2027-10-15 to 2027-12-15." in text
    assert "Conferment also needs 24 months of insurance work." in text
    assert text.count("to confirm with The Institutes") == 2
    assert html.count('class="milestone"') == 4  # two diamonds in each of the two drawings
    assert "Diamonds: when you earn each designation." in html


@pytest.mark.parametrize("given", ["absent", "empty"])
def test_no_milestones_render_nothing(
    app: Flask, monkeypatch: pytest.MonkeyPatch, given: str
) -> None:
    with app.app_context():
        recommender = current_recommender()
    real = recommender.recommend

    def recommend(profile: Any) -> dict[str, Any]:
        answer = copy.deepcopy(real(profile))
        for route in answer["routes"]:
            route.pop("milestones", None)
            if given == "empty":
                route["milestones"] = []
        return answer

    monkeypatch.setattr(recommender, "recommend", recommend)
    html = app.test_client().get("/result?" + urlencode(LEADER)).get_data(as_text=True)
    assert "Recommended: The API first, then the CPCU" in html
    assert 'aria-labelledby="milestones"' not in html and "Diamonds" not in html
    assert 'class="milestone"' not in html


def test_cost_items_that_name_a_discount_are_shown_with_it(recommender: Recommender) -> None:
    cost = {
        "items": [
            {"code": "API 29", "fee": 415.0, "amount": 335.0, "discount": "early_purchase"},
            {"code": "ETH 311", "fee": 0.0, "amount": 0.0, "discount": None},
        ]
    }
    rows, any_discount = present.cost_rows(cost, recommender.catalog)
    assert any_discount and [r["discount_name"] for r in rows] == ["Early purchase", ""]
    assert (
        present.cost_rows({"items": [{"code": "X", "fee": 1, "amount": 1}]}, recommender.catalog)[1]
        is False
    )
