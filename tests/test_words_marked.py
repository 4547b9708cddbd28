"""Words (issue 18): no route completed by an unfit one; every unverified fact marked."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

from recommender.cli import format_recommendation
from recommender.recommendation import Recommender

COMMERCIAL_CPCU = {
    "role": "underwriter",
    "lines": "commercial",
    "years_experience": 8,
    "designations": ["CPCU"],
    "start_date": "2027-01-04",
}


def answer(recommender: Recommender, **fields: Any) -> dict:
    return recommender.recommend(recommender.load_profile(fields))


def route(result: dict, name: str) -> dict:
    return next(r for r in result["routes"] if r["route"] == name)


def test_a_commercial_cpcu_holders_combined_route_is_not_completed_by_the_api(
    recommender: Recommender, client: FlaskClient
) -> None:
    # Issue 18: "in progress… the API route completes this route" while the API is not
    # suitable for them.
    result = answer(recommender, **COMMERCIAL_CPCU)
    combined = route(result, "API_THEN_CPCU")
    assert route(result, "API")["fit"] == "not_suitable"
    assert combined["status"] == "not_suitable"
    assert "completes" not in combined["status_note"]
    assert "does not fit you: the API covers personal lines only" in combined["status_note"]
    text = format_recommendation(result)
    assert "in progress" not in text and "completes this route" not in text
    assert "API_THEN_CPCU (not suitable): " in text
    html = client.get("/result?" + urlencode(COMMERCIAL_CPCU, doseq=True)).get_data(as_text=True)
    assert "completes this route" not in html and "In progress" not in html


def test_an_api_holders_combined_route_stays_in_progress(recommender: Recommender) -> None:
    result = answer(
        recommender, role="claims", lines="personal", years_experience=4, designations=["API"]
    )
    combined = route(result, "API_THEN_CPCU")
    assert combined["status"] == "in_progress"
    assert combined["status_note"].endswith("the CPCU plan above completes this route.")
    assert route(result, "API")["status"] == "held"


def test_the_command_line_prints_the_facts_to_confirm_as_the_page_does(
    recommender: Recommender, client: FlaskClient
) -> None:
    profile = {"role": "agent", "lines": "personal", "years_experience": 3}
    result = answer(recommender, **profile)
    unverified = [f for f in recommender.catalog.facts if not f.verified]
    assert [f["id"] for f in result["facts_to_confirm"]] == [f.id for f in unverified]
    text = format_recommendation(result)
    section = text.split("To confirm with The Institutes:")[1]
    html = client.get("/result?" + urlencode(profile), follow_redirects=True).get_data(as_text=True)
    for fact in unverified:
        assert f"  ? {fact.text}" in section
        assert fact.text.replace("'", "&#39;") in html


@pytest.mark.parametrize(("role", "code"), [("agent", "AAI"), ("claims", "AIC")])
def test_also_consider_lines_carry_to_confirm_where_the_catalog_says_unverified(
    recommender: Recommender, role: str, code: str
) -> None:
    result = answer(recommender, role=role, lines="personal", years_experience=3)
    item = next(a for a in result["also_consider"] if a["designation"] == code)
    assert item["verified"] is False
    line = next(
        line for line in format_recommendation(result).splitlines() if line.startswith(f"  {code}")
    )
    assert line.endswith("[to confirm]")


def test_a_verified_suggestion_carries_no_mark(recommender: Recommender) -> None:
    result = answer(recommender, role="underwriter", lines="commercial", years_experience=12)
    line = next(
        line for line in format_recommendation(result).splitlines() if line.startswith("  AU ")
    )
    assert not line.endswith("[to confirm]")


def test_the_summary_marks_an_unverified_quickest_credential(recommender: Recommender) -> None:
    result = answer(
        recommender, role="agent", lines="commercial", years_experience=3, goal="quick_credential"
    )
    assert "the AAI (Accredited Adviser in Insurance)" in result["summary"]
    assert "What we know of the AAI is to confirm with The Institutes." in result["summary"]
    underwriter = answer(
        recommender,
        role="underwriter",
        lines="commercial",
        years_experience=3,
        goal="quick_credential",
    )
    assert "What we know of the AU" not in underwriter["summary"]  # the AU is verified


def test_the_summary_marks_a_plan_of_courses_to_confirm(recommender: Recommender) -> None:
    result = answer(recommender, role="agent", lines="personal", years_experience=3)
    assert "courses to go (to confirm with The Institutes)" in result["summary"]


def test_a_reason_stating_an_unverified_fact_is_marked(
    recommender: Recommender, client: FlaskClient
) -> None:
    profile = {
        "role": "agent",
        "lines": "personal",
        "years_experience": 4,
        "goal": "advance_to_leadership",
    }
    result = answer(recommender, **profile)
    (reason,) = route(result, "API_THEN_CPCU")["reasons"]
    assert reason["verified"] is False  # "after three courses": the API paths are to confirm
    assert "You earn the API after three courses" in format_recommendation(result)
    assert any(
        line.startswith("  - You earn the API") and line.endswith("[to confirm]")
        for line in format_recommendation(result).splitlines()
    )
    html = client.get("/result?" + urlencode(profile), follow_redirects=True).get_data(as_text=True)
    why = html.split('<h2 id="why">Why</h2>')[1].split("</section>")[0]
    assert '<span class="badge-confirm">to confirm with The Institutes</span>' in why
    quick = answer(
        recommender, role="agent", lines="personal", years_experience=4, goal="quick_credential"
    )
    assert route(quick, "API")["reasons"][0]["verified"] is True  # 12 to 18 months: verified
