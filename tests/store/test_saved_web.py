"""Saved teams on the web: teams, progress, stale forms, member links, a member's own page."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from markupsafe import escape

from recommender import saved_teams
from recommender.extensions import current_recommender
from recommender.store import accounts
from recommender.store import teams as store_teams


def _ann_team(web: FlaskClient) -> tuple[int, list[int], int]:
    """Ann's first team: its id, its members' ids, its version."""
    with web.application.app_context():
        team = store_teams.teams_of(accounts.user_by_email("ann@example.com"))[0]
        return team.id, [m.id for m in team.members], team.version


@pytest.fixture
def create_team(csrf_token: Callable[[str], str], roster_csv: str) -> Callable[[FlaskClient], str]:
    """Save the test roster as "Claims team" through the web form; answer the team's URL."""

    def create(client: FlaskClient) -> str:
        token = csrf_token(client.get("/teams").get_data(as_text=True))
        response = client.post(
            "/teams",
            data={
                "name": "Claims team",
                "csrf_token": token,
                "roster": (io.BytesIO(roster_csv.encode()), "roster.csv"),
            },
        )
        assert response.status_code == 303, response.get_data(as_text=True)
        return str(response.headers["Location"])

    return create


def _form(page: str, action: str) -> dict[str, str]:
    """The hidden fields of the form posting to `action`."""
    form = re.search(r'<form[^>]*action="' + re.escape(action) + r'"[^>]*>(.*?)</form>', page, re.S)
    assert form, f"no form for {action}"
    return dict(re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form.group(1)))


def test_a_team_from_a_roster_with_progress_and_history(
    web: FlaskClient, create_team: Callable[[FlaskClient], str], log_in: Callable[..., Any]
) -> None:
    log_in(web, "ann@example.com")
    url = create_team(web)
    page = web.get(url).get_data(as_text=True)
    assert "Claims team" in page and "Ana Agent" in page and "Una Underwriter" in page
    team_id, members, _ = _ann_team(web)
    action = f"/teams/{team_id}/members/{members[0]}/progress"
    fields = _form(page, action)
    response = web.post(
        action, data={**fields, "course": "API 29", "status": "passed", "date": "2025-05-01"}
    )
    assert response.status_code == 303
    page = web.get(url).get_data(as_text=True)
    assert "Recorded Ana Agent: API 29 passed on 2025-05-01." in page
    assert "Ana Agent: API 29 passed on 2025-05-01." in page  # the history
    assert "ann@example.com" in page


def test_a_form_opened_before_another_change_says_so(
    web: FlaskClient, create_team: Callable[[FlaskClient], str], log_in: Callable[..., Any]
) -> None:
    log_in(web, "ann@example.com")
    url = create_team(web)
    page = web.get(url).get_data(as_text=True)
    team_id, _, _ = _ann_team(web)
    rename = _form(page, f"/teams/{team_id}/rename")
    assert web.post(f"/teams/{team_id}/rename", data={**rename, "name": "First"}).status_code == 303
    response = web.post(
        f"/teams/{team_id}/rename", data={**rename, "name": "Second"}, follow_redirects=True
    )
    assert "changed since you opened it" in response.get_data(as_text=True)
    with web.application.app_context():
        assert store_teams.teams_of(accounts.user_by_email("ann@example.com"))[0].name == "First"


def test_another_users_team_is_404_on_the_web(
    web: FlaskClient,
    create_team: Callable[[FlaskClient], str],
    log_in: Callable[..., Any],
    csrf_token: Callable[[str], str],
) -> None:
    log_in(web, "ann@example.com")
    url = create_team(web)
    web.post("/logout", data={"csrf_token": csrf_token(web.get("/logout").get_data(as_text=True))})
    log_in(web, "bob@example.com")
    assert web.get(url).status_code == 404
    assert web.get(url + "/delete").status_code == 404
    assert "Claims team" not in web.get("/teams").get_data(as_text=True)


def test_deleting_a_team_asks_first(
    web: FlaskClient, create_team: Callable[[FlaskClient], str], log_in: Callable[..., Any]
) -> None:
    log_in(web, "ann@example.com")
    url = create_team(web)
    ask = web.get(url + "/delete")
    assert "Delete the team Claims team?" in ask.get_data(as_text=True)
    fields = _form(ask.get_data(as_text=True), url + "/delete")
    assert web.post(url + "/delete", data=fields).status_code == 303
    assert web.get(url).status_code == 404


def test_editing_a_member_checks_the_fields(
    web: FlaskClient, create_team: Callable[[FlaskClient], str], log_in: Callable[..., Any]
) -> None:
    log_in(web, "ann@example.com")
    url = create_team(web)
    _, members, _ = _ann_team(web)
    edit = f"{url}/members/{members[0]}/edit"
    page = web.get(edit).get_data(as_text=True)
    assert 'value="Ana Agent"' in page
    fields = _form(page, edit)
    bad = web.post(
        edit,
        data={
            **fields,
            "name": "Ana",
            "role": "agent",
            "lines": "personal",
            "years_experience": "-3",
        },
    )
    assert bad.status_code == 422 and "years_experience" in bad.get_data(as_text=True)
    good = web.post(
        edit,
        data={
            **fields,
            "name": "Ana B",
            "role": "agent",
            "lines": "personal",
            "years_experience": "3",
        },
    )
    assert good.status_code == 303
    assert "Ana B" in web.get(url).get_data(as_text=True)


def test_a_member_link_shows_their_plan_and_takes_their_progress(
    web: FlaskClient, create_team: Callable[[FlaskClient], str], log_in: Callable[..., Any]
) -> None:
    log_in(web, "ann@example.com")
    url = create_team(web)
    team_id, members, _ = _ann_team(web)
    page = web.get(url).get_data(as_text=True)
    action = f"/teams/{team_id}/members/{members[0]}/link"
    made = web.post(action, data=_form(page, action)).get_data(as_text=True)
    link = re.search(r'value="(http://localhost/my/[^"]+)"', made).group(1)  # type: ignore[union-attr]
    member = FlaskClient(web.application)  # the member: no account, no session
    mine = member.get(link)
    assert mine.status_code == 200 and "Your plan, Ana Agent" in mine.get_data(as_text=True)
    assert mine.headers["Cache-Control"] == "no-store"
    token = link.rsplit("/", 1)[1]
    fields = _form(mine.get_data(as_text=True), f"/my/{token}/progress")
    done = member.post(
        f"/my/{token}/progress",
        data={**fields, "course": "API 29", "status": "scheduled", "date": "2027-04-20"},
    )
    assert done.status_code == 303
    assert "Ana Agent (own link)" in web.get(url).get_data(as_text=True)
    page = web.get(url).get_data(as_text=True)
    web.post(action, data={**_form(page, action), "action": "revoke"})
    assert member.get(link).status_code == 404
    assert member.get("/my/not-a-real-link").status_code == 404


def test_the_anonymous_pages_work_without_an_account(web: FlaskClient) -> None:
    assert web.get("/").status_code == 200
    assert web.get("/team").status_code == 200
    response = web.post(
        "/api/v1/recommendations",
        json={"role": "agent", "lines": "personal", "years_experience": 2},
    )
    assert response.status_code == 200


def test_everything_survives_a_restart_and_users_stay_apart(
    app_factory: Callable[..., Flask],
    create_team: Callable[[FlaskClient], str],
    add_user: Callable[..., Any],
    log_in: Callable[..., Any],
) -> None:
    first = app_factory()  # no SECRET_KEY given: the one generated into the instance folder
    with first.app_context():
        add_user("ann@example.com")
        add_user("bob@example.com", "adviser")
    ann, bob = first.test_client(), first.test_client()
    log_in(ann, "ann@example.com")
    log_in(bob, "bob@example.com")
    url = create_team(ann)
    team_id, members, _ = _ann_team(ann)
    action = f"/teams/{team_id}/members/{members[0]}/progress"
    page = ann.get(url).get_data(as_text=True)
    ann.post(
        action,
        data={**_form(page, action), "course": "API 29", "status": "passed", "date": "2025-05-01"},
    )

    restarted = app_factory()  # the same database and instance folder, a new process's app
    assert restarted.config["SECRET_KEY"] == first.config["SECRET_KEY"]
    ann_again, bob_again = restarted.test_client(), restarted.test_client()
    for old, new in ((ann, ann_again), (bob, bob_again)):
        cookie = old.get_cookie("session")
        assert cookie is not None
        new.set_cookie("session", cookie.value)
    page = ann_again.get(url)
    assert page.status_code == 200  # still logged in: the session survived
    assert "Ana Agent: API 29 passed on 2025-05-01." in page.get_data(as_text=True)
    assert bob_again.get(url).status_code == 404
    assert "Claims team" not in bob_again.get("/teams").get_data(as_text=True)


def test_the_team_page_says_whose_route_the_new_rules_change(
    web: FlaskClient, create_team: Callable[[FlaskClient], str], log_in: Callable[..., Any]
) -> None:
    log_in(web, "ann@example.com")
    url = create_team(web)
    with web.application.app_context():
        from recommender.extensions import db

        team = store_teams.teams_of(accounts.user_by_email("ann@example.com"))[0]
        team.rules_version = "2020.1.1+00000000"  # as if last shown under older rules
        team.members[0].shown_route = "CPCU"  # which sent Ana to the CPCU
        db.session.commit()
    page = web.get(url).get_data(as_text=True)
    assert "The rules have changed" in page
    assert "1 of 3 members' routes change" in page
    assert "Ana Agent: CPCU → API" in page
    seen = f"{url}/rules-seen"
    assert web.post(seen, data=_form(page, seen)).status_code == 303
    assert "The rules have changed" not in web.get(url).get_data(as_text=True)


def _ann_plan(web: FlaskClient) -> dict[str, Any]:
    """Ann's first team's plan worked out now, as the page works it out."""
    with web.application.app_context():
        team = store_teams.teams_of(accounts.user_by_email("ann@example.com"))[0]
        return saved_teams.plan(current_recommender(), team).plan


def _section(page: str, heading_id: str) -> str:
    found = re.search(r'<section aria-labelledby="' + heading_id + r'".*?</section>', page, re.S)
    assert found, f"no section {heading_id}"
    return found.group(0)


def test_the_team_page_shows_the_schedule_cohorts_and_budget(
    web: FlaskClient, create_team: Callable[[FlaskClient], str], log_in: Callable[..., Any]
) -> None:
    log_in(web, "ann@example.com")
    url = create_team(web)
    page = web.get(url).get_data(as_text=True)
    plan = _ann_plan(web)
    assert plan["schedule"] and plan["budget"]["total"] > 0
    schedule = _section(page, "schedule-heading")
    for window in plan["schedule"]:
        assert f"Testing window {window['window_start']} to {window['window_end']}" in schedule
        for cohort in window["cohorts"]:
            assert escape("; ".join(cohort["members"])) in schedule
    cohorts = _section(page, "cohorts-heading")
    assert "<svg" in cohorts and "Group study sessions" in cohorts
    budget = _section(page, "budget-heading")
    assert f"{plan['budget']['total']:,.2f} {plan['budget']['currency']}" in budget
    for quarter in plan["budget"]["by_quarter"]:
        assert f'<th scope="row">{quarter["quarter"]}</th>' in budget


def test_a_failure_shows_its_retake_on_the_team_page(
    web: FlaskClient, create_team: Callable[[FlaskClient], str], log_in: Callable[..., Any]
) -> None:
    log_in(web, "ann@example.com")
    url = create_team(web)
    team_id, members, _ = _ann_team(web)
    action = f"/teams/{team_id}/members/{members[0]}/progress"
    fields = _form(web.get(url).get_data(as_text=True), action)
    today = date.today().isoformat()
    response = web.post(
        action, data={**fields, "course": "API 29", "status": "failed", "date": today}
    )
    assert response.status_code == 303
    page = web.get(url).get_data(as_text=True)
    [retake] = _ann_plan(web)["members"][0]["retakes"]
    assert retake["code"] == "API 29" and retake["failed_on"] == today
    months = retake["added_months"]
    assert (
        f"API 29 (failed {today}): retake in the window {retake['window_start']} to "
        f"{retake['window_end']}"
    ) in page
    assert (
        f"The failure adds {months} month{'' if months == 1 else 's'} and "
        f"{retake['added_fees']:,.2f} USD in fees."
    ) in page
    schedule = _section(page, "schedule-heading")
    assert f"Testing window {retake['window_start']} to {retake['window_end']}" in schedule
