"""Credits asked, not assumed (issue 18): how a held API or CPCU was earned, and its credits."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

from recommender.cli import format_recommendation
from recommender.errors import ProfileError
from recommender.recommendation import Recommender
from recommender.team import parse_roster, plan_team
from recommender.wording import humanise

BASE = {"role": "agent", "lines": "personal", "years_experience": 5, "start_date": "2027-01-04"}


def answer(recommender: Recommender, **fields: Any) -> dict:
    return recommender.recommend(recommender.load_profile({**BASE, **fields}))


def route(result: dict, name: str) -> dict:
    return next(r for r in result["routes"] if r["route"] == name)


def codes(items: list[dict]) -> list[str]:
    return [item["code"] for item in items]


# --- the questions, through the one profile schema ---------------------------------------


@pytest.mark.parametrize("spelling", ["path-1", "Path 1", "path_1", "PATH1"])
def test_how_an_api_was_earned_is_read_however_it_is_spelt(
    recommender: Recommender, spelling: str
) -> None:
    profile = recommender.load_profile({**BASE, "designations": ["API"], "api_path": spelling})
    assert profile.api_path == "path-1"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("api_path", "path 3", "did you mean 'path-2'?"),
        ("cpcu_concentration", "comercial", "did you mean 'commercial'?"),
        ("cpcu_elective", "CPCU 5566", "did you mean 'CPCU 556'?"),
        ("cpcu_elective", "CPCU 500", "CPCU 500 is not a CPCU elective."),
        ("cpcu_elective", "", "Length must be between 1 and 40."),
    ],
)
def test_an_unknown_answer_names_its_field_with_a_suggestion(
    recommender: Recommender, field: str, value: str, message: str
) -> None:
    with pytest.raises(ProfileError) as caught:
        recommender.load_json_profile({**BASE, "designations": ["CPCU", "API"], field: value})
    assert list(caught.value.errors) == [field]
    assert message in caught.value.errors[field][0]


def test_the_answers_are_read_only_for_a_designation_held(recommender: Recommender) -> None:
    profile = recommender.load_profile(
        {**BASE, "api_path": "path-1", "cpcu_concentration": "personal", "cpcu_elective": "cpcu551"}
    )
    assert (profile.api_path, profile.cpcu_concentration, profile.cpcu_elective) == (None,) * 3


# --- an API holder (issue 18: "Your API already credits CPCU 555 and CPCU 556") ----------


def test_an_api_earned_by_path_2_credits_cpcu_555_and_556_marked_to_confirm(
    recommender: Recommender,
) -> None:
    cpcu = route(answer(recommender, designations=["API"], api_path="path-2"), "CPCU")
    credits = {c["code"]: c for c in cpcu["credits"]}
    assert {"CPCU 555", "CPCU 556"} <= set(credits)
    # The catalog does not confirm the API's paths: even as said, the credit is to confirm.
    assert credits["CPCU 555"]["verified"] is False and credits["CPCU 555"]["assumed"] is False
    assert credits["ETH 311"]["verified"] is True  # ethics is required by every designation
    assert cpcu["credit_alternatives"] == []
    reason = cpcu["reasons"][0]["text"]
    assert "your API credits 2 of the CPCU's 8 courses (CPCU 555 and CPCU 556)" in reason
    assert "to confirm with The Institutes" in reason


def test_an_api_earned_by_path_1_credits_no_cpcu_course(recommender: Recommender) -> None:
    result = answer(recommender, designations=["API"], api_path="path-1")
    cpcu = route(result, "CPCU")
    assert result["recommended_route"] == "CPCU"
    assert cpcu["credited_courses"] == ["ETH 311"]
    assert {"CPCU 555", "CPCU 556"} <= set(codes(cpcu["remaining_courses"]))
    assert len(cpcu["remaining_courses"]) == 8
    reason = cpcu["reasons"][0]["text"]
    assert "your API credits none of the CPCU's 8 courses" in reason
    assert "CPCU 555" not in reason


def test_an_api_path_not_given_shows_both_possibilities(recommender: Recommender) -> None:
    for given in ({}, {"api_path": "not_sure"}):
        cpcu = route(answer(recommender, designations=["API"], **given), "CPCU")
        credits = {c["code"]: c for c in cpcu["credits"]}
        assert credits["CPCU 555"]["assumed"] is True
        (other,) = cpcu["credit_alternatives"]
        assert (other["field"], other["value"], other["holder"]) == ("api_path", "path-1", "API")
        assert len(other["remaining_courses"]) == 8 and other["credited_by_holder"] == []
        assert other["text"].startswith(
            "If you earned your API by Path 1 (four courses): 8 courses"
        )
        reason = cpcu["reasons"][0]["text"]
        assert "if you earned your API by Path 1 (four courses), none" in reason
        assert reason.endswith("to confirm with The Institutes.")


# --- a CPCU holder (issue 18: "credits most of the API's courses" above 1 of 3) ----------


def test_a_cpcu_holders_reason_says_what_the_plan_credits(recommender: Recommender) -> None:
    api = route(
        answer(recommender, lines="both", designations=["CPCU"], years_experience=12), "API"
    )
    assert codes(api["remaining_courses"]) == ["API 29", "CPCU 556"]
    reason = api["reasons"][0]["text"]
    assert "most" not in reason
    assert "your CPCU credits 1 of the API's 3 courses (CPCU 555)" in reason
    assert "to confirm with The Institutes" in reason
    fields = {(o["field"], o["value"]) for o in api["credit_alternatives"]}
    assert fields == {("cpcu_concentration", "personal"), ("cpcu_elective", "CPCU 556")}


@pytest.mark.parametrize(
    ("given", "remaining"),
    [
        ({"cpcu_concentration": "personal"}, ["API 29"]),
        ({"cpcu_concentration": "commercial", "cpcu_elective": "CPCU 556"}, ["API 29", "CPCU 555"]),
        ({"cpcu_concentration": "commercial", "cpcu_elective": "CPCU 551"}, None),
    ],
)
def test_a_cpcu_holders_concentration_and_elective_change_the_plan(
    recommender: Recommender, given: dict, remaining: list[str] | None
) -> None:
    api = route(answer(recommender, lines="both", designations=["CPCU"], **given), "API")
    if remaining is None:  # an elective inside the concentration credits nothing more
        remaining = ["API 29", "CPCU 555", "CPCU 556"]
    assert codes(api["remaining_courses"]) == remaining
    assert all(not c["assumed"] for c in api["credits"])
    assert api["credit_alternatives"] == []


# --- the AINS credit (issue 18: shown as certain on the command line) --------------------


def test_the_ains_credit_is_marked_to_confirm_everywhere(
    recommender: Recommender, client: FlaskClient
) -> None:
    fields = {"role": "claims", "years_experience": 0.5, "designations": ["AINS"]}
    result = answer(recommender, **fields)
    api = route(result, "API")
    assert [(c["code"], c["verified"]) for c in api["credits"]] == [
        ("AINS 21", False),
        ("AINS 22", False),
    ]
    (other,) = api["credit_alternatives"]
    assert other["text"].startswith("If your AINS does not credit AINS 21 and AINS 22:")
    text = format_recommendation(result)
    assert "Already credited: AINS 21 [to confirm], AINS 22 [to confirm]" in text
    assert f"  ? {humanise(other['text'])}" in text
    query = urlencode({**BASE, **fields}, doseq=True)
    html = client.get(f"/result?{query}").get_data(as_text=True)
    assert 'AINS 21 <span class="badge-confirm">to confirm</span>' in html
    assert "If your AINS does not credit AINS 21 and AINS 22:" in html


# --- the form, the command line, rosters and the document take them ----------------------


def test_the_form_asks_how_a_held_api_or_cpcu_was_earned(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    for name in ("api_path", "cpcu_concentration", "cpcu_elective"):
        assert f'<label for="{name}">' in html and f'<select id="{name}" name="{name}"' in html
    assert '<option value="path-1">Path 1 (four courses): AINS 21, AINS 22, API 29 and API 28' in (
        html
    )
    query = urlencode({**BASE, "designations": "API", "api_path": "path-1"})
    result = client.get(f"/result?{query}").get_data(as_text=True)
    assert "API earned by Path 1" in result
    assert "your API credits none of the CPCU&#39;s 8 courses" in result
    bad = client.get("/plan?" + urlencode({**BASE, "designations": "API", "api_path": "path 9"}))
    assert bad.status_code == 422
    assert "Choose how you earned your API from the list" in bad.get_data(as_text=True)


def test_the_command_line_takes_the_answers(capsys: pytest.CaptureFixture[str]) -> None:
    from recommender.cli import main

    code = main(
        [
            "recommend",
            "--role",
            "agent",
            "--lines",
            "both",
            "--years",
            "12",
            "--designation",
            "CPCU",
            "--cpcu-concentration",
            "personal",
            "--start-date",
            "2027-01-04",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "CPCU personal concentration" in out
    assert "Course plan (1 course to go" in out


def test_a_roster_takes_the_answers_as_columns(recommender: Recommender) -> None:
    roster = parse_roster(
        "name,role,lines,years_experience,designations,api_path,start_date\n"
        "Ann,claims,personal,4,API,path-1,2027-01-04\n"
        "Bob,claims,personal,4,API,Path 2,2027-01-04\n"
        "Cy,claims,personal,4,API,path 9,2027-01-04\n"
    )
    members = plan_team(recommender, roster)["members"]
    assert len(members[0]["remaining_courses"]) == 8  # Path 1: every CPCU course, not ethics
    assert len(members[1]["remaining_courses"]) == 6
    assert list(members[2]["errors"]) == ["api_path"]


def test_the_document_lists_the_answers(client: FlaskClient, recommender: Recommender) -> None:
    document = client.get("/api/openapi.json").get_json()
    profile = document["components"]["schemas"]["JsonProfile"]["properties"]
    assert profile["api_path"]["enum"] == ["path-2", "path-1", "not_sure", None]
    assert profile["cpcu_concentration"]["enum"] == ["personal", "commercial", "not_sure", None]
    assert profile["cpcu_elective"]["enum"] == [
        *recommender.catalog.cpcu.electives,
        "not_sure",
        None,
    ]
    route_schema = document["components"]["schemas"]["Route"]["properties"]
    assert {"credits", "credit_alternatives"} <= set(route_schema)
