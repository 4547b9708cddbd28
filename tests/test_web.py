"""The web form and result page, through the test client: content, errors, safety."""

from __future__ import annotations

import re
from urllib.parse import urlencode

import pytest
from flask.testing import FlaskClient

LEADER = {
    "role": "agent",
    "lines": "personal",
    "years_experience": "4",
    "goal": "advance_to_leadership",
    "completed_courses": "CPCU 500",
}


def page(client: FlaskClient, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, response.data[:500]
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_every_control_of_the_form_has_a_visible_label(client: FlaskClient) -> None:
    html = page(client, "/")
    ids = re.findall(r'<(?:input|select)[^>]*\bid="([^"]+)"', html)
    assert len(ids) > 20
    for control_id in ids:
        assert f'<label for="{control_id}"' in html, control_id
    for name in (
        "role",
        "lines",
        "years_experience",
        "designations",
        "completed_courses",
        "goal",
        "hours_per_week",
    ):
        assert f'name="{name}"' in html


def test_the_form_has_sensible_defaults_and_groups_courses(client: FlaskClient) -> None:
    html = page(client, "/")
    assert re.search(r'id="goal-undecided"[^>]*checked', html)
    assert 'id="hours_per_week"' in html and 'value="4"' in html
    for group in (
        "API, Path 2",
        "API, Path 1",
        "CPCU foundation",
        "CPCU commercial concentration",
        "Ethics",
    ):
        assert group in html
    assert html.count('value="ETH 311"') == 1


def test_the_result_names_the_route_the_reasons_and_the_plan(client: FlaskClient) -> None:
    html = page(client, "/result?" + urlencode(LEADER))
    assert "<h1>Recommended: The API first, then the CPCU</h1>" in html
    assert "reuse two of them toward the CPCU" in html
    assert "Already credited:</strong> CPCU 500" in html
    assert '<svg class="timeline"' in html and '<title id="timeline-title">' in html
    assert "to confirm with The Institutes" in html
    assert "not a hiring or promotion decision" in html
    assert "Accredited Adviser in Insurance" in html  # also consider, for an agent
    assert "The other routes" in html and "Suitable" in html


def test_the_result_shows_warnings_and_no_route_when_both_are_held(client: FlaskClient) -> None:
    html = page(
        client,
        "/result?role=claims&lines=personal&years_experience=12&designations=API&designations=CPCU",
    )
    assert "<h1>No new route recommended</h1>" in html
    assert html.count("Not suitable") == 3
    html = page(
        client, "/result?role=claims&lines=personal&years_experience=1&goal=advance_to_leadership"
    )
    assert "24 months of insurance work" in html


def test_a_blank_form_submission_goes_back_to_the_form(client: FlaskClient) -> None:
    response = client.get("/result")
    assert response.status_code == 302 and response.headers["Location"].endswith("/")


def test_errors_appear_next_to_their_fields_and_the_input_is_kept(client: FlaskClient) -> None:
    query = (
        urlencode({**LEADER, "years_experience": "99", "role": ""}) + "&completed_courses=CPCU+999"
    )
    html = page(client, "/result?" + query, status=422)
    assert 'id="years_experience-error"' in html and 'id="role-error"' in html
    assert "&#39;CPCU 999&#39;" in html or "'CPCU 999'" in html
    assert re.search(r'id="years_experience"[^>]*value="99"', html)
    assert re.search(r'id="completed_courses-CPCU-500"[^>]*checked', html)
    assert 'aria-invalid="true"' in html
    assert "Please check these answers" in html


def test_change_my_answers_prefills_the_form(client: FlaskClient) -> None:
    html = page(client, "/?" + urlencode(LEADER))
    assert re.search(r'id="goal-advance_to_leadership"[^>]*checked', html)
    assert re.search(r'<option value="agent" selected>', html)


def test_input_is_escaped(client: FlaskClient) -> None:
    html = page(
        client,
        "/result?role=%3Cscript%3Ealert(1)%3C/script%3E&lines=personal&years_experience=1",
        status=422,
    )
    assert "<script>alert(1)</script>" not in html


@pytest.mark.parametrize("path", ["/", "/result?" + urlencode(LEADER), "/result?role=x"])
def test_pages_have_no_inline_scripts_or_styles_and_no_external_assets(
    client: FlaskClient, path: str
) -> None:
    html = client.get(path).get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert "<style" not in html and " style=" not in html
    assert not re.search(r'(?:src|href)="(?:https?:)?//', html)


def test_static_assets_are_served(client: FlaskClient) -> None:
    for path in ("/static/web/site.css", "/static/web/print.js", "/static/web/favicon.svg"):
        with client.get(path) as response:
            assert response.status_code == 200


def test_an_unknown_page_is_an_html_page_in_the_sites_look(client: FlaskClient) -> None:
    response = client.get("/no-such-page", headers={"Accept": "text/html"})
    assert response.status_code == 404
    html = response.get_data(as_text=True)
    assert "site.css" in html and "Page not found" in html


def test_the_result_shows_what_would_change_it_the_exam_windows_and_the_cost(
    client: FlaskClient,
) -> None:
    query = urlencode({**LEADER, "start_date": "2026-11-01", "discounts": "early_purchase"})
    html = page(client, "/result?" + query)
    assert "What would change this advice" in html
    assert "With 10 or more years of experience, the CPCU directly would be recommended." in html
    assert "When to sit the exams" in html and "2027-04-15 to 2027-06-15" in html
    assert html.count('class="window"') == 9  # one bracket per remaining exam
    assert "What it costs" in html and "2,680 USD" in html  # 8 exams at $415 - $80, ethics free
    assert 'href="/result.ics?' in html


def test_the_calendar_download_matches_the_result(client: FlaskClient) -> None:
    query = urlencode({**LEADER, "start_date": "2026-11-01"})
    response = client.get("/result.ics?" + query)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    assert text.count("BEGIN:VEVENT") == 9
    assert "DTSTART;VALUE=DATE:20270415" in text
    assert client.get("/result.ics?role=agent").status_code == 422


def test_the_form_asks_for_a_start_date_and_discounts(client: FlaskClient) -> None:
    html = page(client, "/")
    assert '<label for="start_date">Start date</label>' in html
    assert 'type="date"' in html
    assert 'value="early_purchase"' in html and 'value="student_teacher_regulator"' in html
    html = page(client, "/result?role=agent&lines=personal&years_experience=3&start_date=soon", 422)
    assert 'id="start_date-error"' in html


def test_a_server_error_is_an_html_page_with_the_request_id(app) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def fail() -> str:
        raise RuntimeError("boom")

    app.add_url_rule("/fail", "fail", fail)
    response = app.test_client().get("/fail", headers={"Accept": "text/html"})
    assert response.status_code == 500
    html = response.get_data(as_text=True)
    assert "site.css" in html and "Something went wrong" in html
    assert response.headers["X-Request-ID"] in html
    assert "boom" not in html and "Traceback" not in html
