"""The web form and result page, through the test client: content, errors, safety."""

from __future__ import annotations

import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlencode, urlsplit

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
    response = client.get(path, follow_redirects=True)
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
    assert '<svg class="timeline timeline-wide"' in html
    assert (
        '<title id="timeline-wide-title">' in html and '<title id="timeline-narrow-title">' in html
    )
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
    # Every route is one the person has finished: say so, not "not suitable".
    assert html.count('<span class="fit">Already held</span>') == 3
    assert "Not suitable" not in html
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
    assert "Enter your years of experience, from 0 to 60." in html
    assert "Choose a role." in html
    assert "We do not know the course “CPCU 999”: tick the courses you passed" in html
    assert "Missing data" not in html and "less than or equal" not in html
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
    wide = html[html.index('<svg class="timeline timeline-wide"') :]
    assert wide[: wide.index("</svg>")].count('class="window"') == 9  # a bracket per exam
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
    assert f"Enter the start date as a date, for example {date.today().isoformat()}." in html


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


def _query_of(location: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(location).query)


def test_a_result_url_without_a_start_date_is_pinned_to_today(client: FlaskClient) -> None:
    response = client.get("/result?" + urlencode(LEADER))
    assert response.status_code == 302
    query = _query_of(response.headers["Location"])
    assert query["start_date"] == [date.today().isoformat()]
    assert query["role"] == ["agent"] and query["completed_courses"] == ["CPCU 500"]


def test_the_form_submits_to_a_check_that_redirects_to_a_pinned_result(
    client: FlaskClient,
) -> None:
    html = page(client, "/")
    assert 'action="/plan"' in html
    response = client.get("/plan?" + urlencode(LEADER))
    assert response.status_code == 303
    location = response.headers["Location"]
    assert urlsplit(location).path == "/result"
    assert _query_of(location)["start_date"] == [date.today().isoformat()]
    later = (date.today() + timedelta(days=30)).isoformat()
    response = client.get("/plan?" + urlencode({**LEADER, "start_date": later}))
    assert _query_of(response.headers["Location"])["start_date"] == [later]


def test_the_form_refuses_a_start_date_that_has_passed(client: FlaskClient) -> None:
    past = (date.today() - timedelta(days=1)).isoformat()
    html = page(client, "/plan?" + urlencode({**LEADER, "start_date": past}), status=422)
    assert 'id="start_date-error"' in html
    assert (
        f"The start date {past} has passed: choose today ({date.today().isoformat()}) "
        "or a later date." in html
    )
    assert re.search(rf'id="start_date"[^>]*value="{past}"', html)


def test_an_old_bookmark_keeps_its_date_and_says_it_has_passed(client: FlaskClient) -> None:
    html = page(client, "/result?" + urlencode({**LEADER, "start_date": "2025-01-06"}))
    assert "Recommended: The API first, then the CPCU" in html
    assert "a date that has passed" in html
    assert 'datetime="2025-01-06"' in html
    again = re.search(r'<a href="([^"]+)">Plan again from today</a>', html)
    assert again and urlsplit(again[1].replace("&amp;", "&")).path == "/plan"
    assert "start_date" not in again[1]  # planned again from today
    change = re.search(r'href="([^"]+)">Change my answers', html)
    assert change and "start_date" not in change[1]
    fresh = page(client, "/result?" + urlencode({**LEADER, "start_date": date.today()}))
    assert "a date that has passed" not in fresh


def test_the_result_restates_the_answers_it_is_based_on(client: FlaskClient) -> None:
    start = (date.today() + timedelta(days=40)).isoformat()
    profile = {
        "role": "claims",
        "lines": "personal",
        "years_experience": "1",
        "goal": "quick_credential",
        "hours_per_week": "1",
        "start_date": start,
        "discounts": "early_purchase",
    }
    html = page(client, "/result?" + urlencode(profile))
    prepared = re.search(r'<p class="prepared-for">(.*?)</p>', html, re.S)
    assert prepared
    text = re.sub(r"<[^>]+>", "", prepared[1])
    assert text == (
        "Prepared for: claims, personal lines, 1 year of experience, no designations held, "
        "goal: a recognised credential quickly, 1 hour of study a week, "
        f"starting {start}, discounts: Early purchase."
    )
    assert "1 hours" not in html
    assert "at 1 hour a week" in html


def test_long_plans_read_in_years_and_short_ones_in_months(client: FlaskClient) -> None:
    slow = {"role": "underwriter", "lines": "commercial", "years_experience": "12"}
    html = page(client, "/result?" + urlencode({**slow, "hours_per_week": "1"}))
    plan = re.search(r'<h2 id="plan">Your course plan</h2>\s*<p>(.*?)</p>', html, re.S)
    # One clock (issue 18): the dated plan's band is its last window, so it may read as one figure.
    assert plan and re.search(r"about \d+( to \d+)? years at 1 hour a week", plan[1])
    assert not re.search(r"about \d+ to \d+ months", html)
    quick = {
        "role": "agent",
        "lines": "personal",
        "years_experience": "1",
        "goal": "quick_credential",
    }
    html = page(client, "/result?" + urlencode({**quick, "hours_per_week": "20"}))
    assert re.search(r"about \d+ to \d+ months at 20 hours a week", html)


def test_an_api_holders_combined_route_is_in_progress_not_unsuitable(client: FlaskClient) -> None:
    html = page(client, "/result?role=claims&lines=personal&years_experience=4&designations=API")
    assert "<h1>Recommended: The Chartered Property Casualty Underwriter (CPCU)</h1>" in html
    card = re.search(r'<div class="route-card status-in_progress">(.*?)</div>', html, re.S)
    assert card, "the combined route is shown as in progress"
    assert "The API first, then the CPCU" in card[1]
    assert '<span class="fit">In progress</span>' in card[1]
    assert "In progress: you hold the API; the CPCU plan above completes this route." in card[1]
    api = re.search(r'<div class="route-card status-held">(.*?)</div>', html, re.S)
    assert api and "Already held" in api[1]
    assert "Not suitable" not in html


def test_words_are_explained_where_they_first_appear(client: FlaskClient) -> None:
    html = page(client, "/result?" + urlencode(LEADER))
    assert "<dfn>API Path 2</dfn>" in html
    assert "An API path is one of the 2 sets of courses that earn the API" in html
    # The combined route lists 555 and 556 as API courses: the elective explains both words.
    assert html.count("<dfn>CPCU elective</dfn> (one more CPCU course") == 1
    assert html.count("<dfn>concentration</dfn> is two CPCU courses in one line") == 1
    html = page(client, "/result?role=underwriter&lines=commercial&years_experience=12")
    assert html.count("<dfn>CPCU concentration</dfn> (two CPCU courses") == 1
    assert html.count("<dfn>CPCU elective</dfn> (one more CPCU course") == 1
    assert "<dfn>concentration</dfn>" not in html
    form_html = page(client, "/")
    for term in ("API path", "CPCU concentration", "elective"):
        assert f"<dfn>{term}</dfn>" in form_html


def test_rule_ids_and_the_rules_version_are_only_in_the_details_line(client: FlaskClient) -> None:
    html = page(client, "/result?" + urlencode(LEADER))
    details = re.search(r'<p class="details">Details: rules version ([^;]+); rules applied: ', html)
    assert details
    assert html.count("goal-leadership-combined") == 1
    assert html.count(details[1]) == 1


def test_the_navigation_names_the_developer_docs_and_they_lead_back(client: FlaskClient) -> None:
    html = page(client, "/")
    assert '<a href="/api/docs">For developers: JSON API</a>' in html
    assert '<a href="/api/docs">API</a>' not in html
    docs = client.get("/api/docs").get_data(as_text=True)
    assert re.search(r'<a href="/">[^<]*Back to career-path', docs)


def test_dates_are_marked_so_they_never_break(client: FlaskClient) -> None:
    html = page(client, "/result?" + urlencode({**LEADER, "start_date": "2027-01-04"}))
    exams = html[html.index('id="exams"') : html.index('id="cost"')]
    dates = re.findall(r"\d{4}-\d{2}-\d{2}", re.sub(r'(?:datetime|href)="[^"]+"', "", exams))
    assert len(dates) >= 27  # 9 exams: ready, window start and end
    assert exams.count('<time class="date"') == len(dates)


def test_a_past_start_date_is_refused_along_with_other_mistakes(client: FlaskClient) -> None:
    html = page(client, "/plan?role=&lines=personal&years_experience=99&start_date=2020-01-01", 422)
    for sentence in (
        "Choose a role.",
        "Enter your years of experience, from 0 to 60.",
        "The start date 2020-01-01 has passed",
    ):
        assert sentence in html
