"""The saved team as a workspace, over HTTP: the roster's extra columns kept, shown and
exported; the fiscal year kept with the team; progress refused in the future and removed when
wrong; the header's links; names kept whole in the schedule. On SQLite and on PostgreSQL."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask.testing import FlaskClient

from recommender.store import accounts
from recommender.store import teams as store_teams

ROSTER = (
    "name,role,lines,years_experience,completed_courses,start_date,team,manager\n"
    '"Smith, Robert",agent,personal,2,CPCU 5555,2027-01-04,East,"Lee, Dana"\n'
    "Una Underwriter,underwriter,commercial,12,,2027-01-04,West,Dana Lee\n"
)


def _save(client: FlaskClient, csrf_token: Callable[[str], str], roster: str = ROSTER) -> str:
    token = csrf_token(client.get("/teams").get_data(as_text=True))
    response = client.post(
        "/teams",
        data={
            "name": "Claims team",
            "csrf_token": token,
            "roster": (io.BytesIO(roster.encode()), "roster.csv"),
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)
    return str(response.headers["Location"])


def _ids(client: FlaskClient) -> tuple[int, list[int]]:
    with client.application.app_context():
        team = min(store_teams.teams_of(accounts.user_by_email("ann@example.com")), key=_id)
        return team.id, [m.id for m in team.members]


def _id(team: Any) -> int:
    return int(team.id)


def _hidden(page: str, action: str) -> dict[str, str]:
    form = re.search(r'<form[^>]*action="' + re.escape(action) + r'"[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no form for {action}"
    return dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form.group(1)))


def test_extra_roster_columns_are_kept_shown_and_exported(
    web: FlaskClient, log_in: Callable[..., Any], csrf_token: Callable[[str], str]
) -> None:
    log_in(web, "ann@example.com")
    url = _save(web, csrf_token)
    page = web.get(url).get_data(as_text=True)
    assert "team: East · manager: Lee, Dana" in page
    assert "unknown course code &#39;CPCU 5555&#39;" in page  # planned, with a warning
    team_id, _ = _ids(web)
    rows = list(csv.DictReader(io.StringIO(web.get(f"/teams/{team_id}/plan.csv").text)))
    assert [(r["name"], r["team"], r["manager"]) for r in rows] == [
        ("Smith, Robert", "East", "Lee, Dana"),
        ("Una Underwriter", "West", "Dana Lee"),
    ]
    # One person is one name in the schedule: "Smith, Robert" is not read as two.
    assert "Smith, Robert; Una Underwriter" in page or "Una Underwriter; Smith, Robert" in page
    assert "2 members," in page and "with 2 members." in page
    one = _save(web, csrf_token, ROSTER.split("Una")[0])
    page = web.get(one).get_data(as_text=True)
    assert "with 1 member." in page and "1 member," in page and "1 members" not in page


def test_a_wrong_progress_entry_is_removed_and_a_future_one_refused(
    web: FlaskClient, log_in: Callable[..., Any], csrf_token: Callable[[str], str]
) -> None:
    log_in(web, "ann@example.com")
    url = _save(web, csrf_token)
    team_id, members = _ids(web)
    action = f"/teams/{team_id}/members/{members[1]}/progress"
    page = web.get(url).get_data(as_text=True)
    later = (date.today() + timedelta(days=30)).isoformat()
    refused = web.post(
        action,
        data={**_hidden(page, action), "course": "CPCU 500", "status": "passed", "date": later},
    )
    assert refused.status_code == 422
    assert "after today" in refused.get_data(as_text=True)
    today = date.today().isoformat()
    recorded = web.post(
        action,
        data={**_hidden(page, action), "course": "CPCU 500", "status": "failed", "date": today},
    )
    assert recorded.status_code == 303
    page = web.get(recorded.headers["Location"]).get_data(as_text=True)
    found = re.search(rf'action="({action}/(\d+)/remove)"', page)
    assert found, "no form to remove the entry"
    removed = web.post(found.group(1), data=_hidden(page, found.group(1)))
    assert removed.status_code == 303
    page = web.get(removed.headers["Location"]).get_data(as_text=True)
    assert "Removed the entry from Una Underwriter&#39;s progress." in page
    assert f"{action}/{found.group(2)}/remove" not in page
    history = page.split('id="history-heading"')[1]
    assert "ann@example.com" in history and "CPCU 500" in history


def test_the_fiscal_year_is_kept_with_the_team(
    web: FlaskClient, log_in: Callable[..., Any], csrf_token: Callable[[str], str]
) -> None:
    log_in(web, "ann@example.com")
    url = _save(web, csrf_token)
    team_id, _ = _ids(web)
    page = web.get(url).get_data(as_text=True)
    action = f"/teams/{team_id}/settings"
    assert "FY2027" in page
    bad = web.post(action, data={**_hidden(page, action), "fiscal_year_start": "13"})
    assert bad.status_code == 303
    assert "Choose the month the fiscal year starts in." in web.get(url).get_data(as_text=True)
    page = web.get(url).get_data(as_text=True)
    saved = web.post(action, data={**_hidden(page, action), "fiscal_year_start": "7"})
    assert saved.status_code == 303
    page = web.get(url).get_data(as_text=True)
    assert "FY2028" in page  # July 2027 to June 2028
    assert '<option value="7" selected>' in page
    with web.application.app_context():
        team = store_teams.teams_of(accounts.user_by_email("ann@example.com"))[0]
        assert team.settings == {"fiscal_year_start": 7, "align": False}


def test_every_page_links_to_log_in_or_the_saved_teams(
    web: FlaskClient, log_in: Callable[..., Any]
) -> None:
    for path in ("/", "/team", "/login"):
        page = web.get(path).get_data(as_text=True)
        assert 'href="/login"' in page, path
    log_in(web, "ann@example.com")
    for path in ("/", "/team", "/teams"):
        page = web.get(path).get_data(as_text=True)
        assert 'href="/teams"' in page and 'href="/logout"' in page, path
        assert "ann@example.com" in page, path


def test_the_member_form_asks_as_the_profile_form_does(
    web: FlaskClient, log_in: Callable[..., Any], csrf_token: Callable[[str], str]
) -> None:
    log_in(web, "ann@example.com")
    url = _save(web, csrf_token)
    team_id, _ = _ids(web)
    new = f"/teams/{team_id}/members/new"
    page = web.get(new).get_data(as_text=True)
    public = web.get("/").get_data(as_text=True)
    for widget in (
        '<select id="role" name="role"',
        'type="radio" id="lines-personal"',
        'type="checkbox" id="designations-API"',
        'type="checkbox" id="discounts-early_purchase"',
        'type="checkbox" id="completed_courses-API-29"',
        'step="0.5"',
        "Whole or half years, from 0 to 60.",
    ):
        assert widget in page and widget in public, widget
    hidden = _hidden(page, new)
    bad = web.post(new, data={**hidden, "name": " ", "lines": "personal", "years_experience": "x"})
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422
    assert "Choose a role." in text and "Enter the member&#39;s name." in text
    assert "Enter your years of experience, from 0 to 60." in text
    assert "Missing data for required field" not in text
    assert 'value="personal"\n               checked' in text or 'value="personal" checked' in text
    good = web.post(
        new,
        data={
            **hidden,
            "name": "Hana Half",
            "role": "claims",
            "lines": "both",
            "years_experience": "1.5",
            "designations": ["API"],
            "discounts": ["early_purchase", "student_teacher_regulator"],
            "completed_courses": ["CPCU 500"],
        },
    )
    assert good.status_code == 303, good.get_data(as_text=True)
    with web.application.app_context():
        team = store_teams.team_for(accounts.user_by_email("ann@example.com"), team_id)
        profile = next(m.profile for m in team.members if m.name == "Hana Half")
    assert profile["years_experience"] == "1.5"
    assert profile["designations"] == ["API"]
    assert profile["discounts"] == ["early_purchase", "student_teacher_regulator"]
    edit = web.get(f"/teams/{team_id}/members/{_ids(web)[1][-1]}/edit").get_data(as_text=True)
    assert 'id="designations-API" name="designations"\n           value="API" checked' in edit
    assert url


def test_an_adviser_keeps_a_client_from_a_result(
    web: FlaskClient, log_in: Callable[..., Any], csrf_token: Callable[[str], str]
) -> None:
    start = (date.today() + timedelta(days=7)).isoformat()
    result = (
        "/result?role=agent&lines=personal&years_experience=4&goal=advance_to_leadership"
        f"&discounts=early_purchase&start_date={start}"
    )
    assert "Keep as a client" not in web.get(result).get_data(as_text=True)  # no account
    log_in(web, "bob@example.com")
    page = web.get(result).get_data(as_text=True)
    assert "Keep as a client" in page
    hidden = _hidden(page, "/clients")
    assert hidden["role"] == "agent" and hidden["discounts"] == "early_purchase"
    unnamed = web.post("/clients", data={**hidden, "client_name": " "})
    assert unnamed.status_code == 303
    assert "Give the client&#39;s name" in web.get(unnamed.headers["Location"]).text
    kept = web.post("/clients", data={**hidden, "client_name": "Carla Client"})
    assert kept.status_code == 303
    team_page = web.get(kept.headers["Location"]).get_data(as_text=True)
    assert "Kept Carla Client as a client." in team_page and "1 member," in team_page
    link = re.search(r'<a href="(/result\?[^"]+)">Their whole recommendation</a>', team_page)
    assert link, "no link to the whole recommendation"
    whole = web.get(link.group(1).replace("&amp;", "&"))
    assert whole.status_code == 200
    text = whole.get_data(as_text=True)
    for section in ("What would change", "Also consider", start):
        assert section in text, section
    listing = web.get("/teams").get_data(as_text=True)
    clients = listing.split('id="clients-heading"')[1]
    assert "Carla Client" in clients and "Carla Client" not in listing.split("clients-heading")[0]


def test_the_private_page_shows_the_exams_and_not_the_managers_address(
    web: FlaskClient, log_in: Callable[..., Any], csrf_token: Callable[[str], str]
) -> None:
    log_in(web, "ann@example.com")
    url = _save(web, csrf_token)
    team_id, members = _ids(web)
    page = web.get(url).get_data(as_text=True)
    action = f"/teams/{team_id}/members/{members[1]}/progress"
    today = date.today().isoformat()
    web.post(
        action,
        data={**_hidden(page, action), "course": "CPCU 500", "status": "failed", "date": today},
    )
    page = web.get(url).get_data(as_text=True)
    link_action = f"/teams/{team_id}/members/{members[1]}/link"
    made = web.post(link_action, data=_hidden(page, link_action)).get_data(as_text=True)
    found = re.search(r"(/my/[A-Za-z0-9_-]+)", made)
    assert found, "no private link shown"
    member = web.application.test_client()  # the member's own browser: no account
    own = member.get(found.group(1)).get_data(as_text=True)
    assert "Your exams" in own and "Testing window" in own and "Exam fees:" in own
    assert "CPCU 500" in own and "your manager" in own
    assert "ann@example.com" not in own


def test_the_three_downloads_are_readable_with_the_extra_columns(
    web: FlaskClient, log_in: Callable[..., Any], csrf_token: Callable[[str], str]
) -> None:
    from openpyxl import load_workbook

    log_in(web, "ann@example.com")
    url = _save(web, csrf_token)
    team_id, _ = _ids(web)
    page = web.get(url).get_data(as_text=True)
    for format_ in ("csv", "xlsx", "ics"):
        assert f'href="/teams/{team_id}/plan.{format_}"' in page, format_
    book = load_workbook(io.BytesIO(web.get(f"/teams/{team_id}/plan.xlsx").data), read_only=True)
    people = [list(row) for row in book["People"].iter_rows(values_only=True)]
    head = people[0]
    assert "team" in head and "manager" in head
    rows = {row[head.index("Name")]: row for row in people[1:]}
    assert rows and rows["Smith, Robert"][head.index("manager")] == "Lee, Dana"
    calendar = web.get(f"/teams/{team_id}/plan.ics").get_data(as_text=True)
    assert calendar.startswith("BEGIN:VCALENDAR") and "BEGIN:VEVENT" in calendar
    unfolded = calendar.replace("\r\n ", "")
    assert "Smith\\, Robert" in unfolded  # one person: the separator between people is "; "
