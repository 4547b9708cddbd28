"""Plans sent to a manager (issue 21) through the real app and a real SMTP server, on SQLite and
PostgreSQL: sent from /result, approved into a team (the member added with their e-mail and a
private link mailed), declined with a note, withdrawn; limited per address; no HTML from the
sender; a manager's waiting request in their weekly digest."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from recommender.extensions import db
from recommender.store.models import Member, PlanRequest, Team
from recommender.testing import SMTPServer

BASE_URL = "https://career.example.com"  # org_app's (tests/store/conftest.py)
RESULT = "/result?role=agent&lines=personal&years_experience=2&start_date=2027-01-04"


def _send(
    client: FlaskClient, csrf_token: Callable[[str], str], name: str = "Eve Employee", **more: str
) -> Any:
    page = client.get(RESULT).get_data(as_text=True)
    assert "Send this plan to my manager" in page
    query = re.search(r'name="query" value="([^"]*)"', page)
    assert query is not None
    form = {
        "csrf_token": csrf_token(page[page.index('action="/requests"') :]),
        "query": query.group(1).replace("&amp;", "&"),
        "name": name,
        "email": "eve@example.com",
        "manager_email": "ann@example.com",
        **more,
    }
    return client.post("/requests", data=form)


def _path(link: str) -> str:
    assert link.startswith(BASE_URL + "/"), link
    return link.removeprefix(BASE_URL)


def test_a_request_is_sent_approved_and_the_member_gets_their_link(
    org_app: Flask,
    smtp_server: SMTPServer,
    csrf_token: Callable[[str], str],
    log_in: Callable[..., Any],
    make_team: Callable[..., Any],
) -> None:
    with org_app.app_context():
        team = make_team("ann@example.com")
        team_id, team_name = team.id, team.name
    employee = org_app.test_client()
    sent = _send(employee, csrf_token)
    assert sent.status_code == 201, sent.get_data(as_text=True)
    manager_mail, copy = sorted(smtp_server.wait_for(2), key=lambda m: m.rcpt_tos[0])
    assert manager_mail.rcpt_tos == ["ann@example.com"]
    assert manager_mail.subject == "Eve Employee sent you their career plan"
    assert copy.rcpt_tos == ["eve@example.com"]
    assert str(copy.message["List-Unsubscribe"]).strip().startswith(f"<{BASE_URL}/unsubscribe/")
    status_path = _path(copy.links[0])
    assert "Your plan request: pending" in employee.get(status_path).get_data(as_text=True)
    with org_app.app_context():
        stored = db.session.query(PlanRequest).one()
        assert stored.profile["role"] == "agent" and stored.plan["recommended_route"]
    # The manager, signed in, sees it and approves it into their team.
    manager = org_app.test_client()
    decide_path = _path(manager_mail.links[0])
    assert manager.get(decide_path).status_code == 302  # sign in first
    log_in(manager, "ann@example.com")
    assert "Eve Employee" in manager.get("/requests").get_data(as_text=True)
    page = manager.get(decide_path).get_data(as_text=True)
    assert "Plan request of Eve Employee: pending" in page
    no_team = manager.post(
        decide_path, data={"csrf_token": csrf_token(page), "action": "approve", "team": ""}
    )
    assert no_team.status_code == 422 and "Choose one of your teams" in no_team.get_data(
        as_text=True
    )
    approved = manager.post(
        decide_path,
        data={"csrf_token": csrf_token(page), "action": "approve", "team": str(team_id)},
    )
    assert approved.status_code == 303
    (link_mail,) = smtp_server.wait_for(3)[2:]
    assert link_mail.rcpt_tos == ["eve@example.com"]
    assert link_mail.subject == f"Your career plan: Approved into the team {team_name}"
    my_path = _path(link_mail.links[0])
    assert my_path.startswith("/my/")
    assert employee.get(my_path).status_code == 200
    with org_app.app_context():
        member = db.session.query(Member).filter_by(name="Eve Employee").one()
        assert (member.team_id, member.email) == (team_id, "eve@example.com")
        history = [s.action for s in db.session.query(PlanRequest).one().history]
        assert history == ["sent", "approved"]
    assert "Your plan request: approved" in employee.get(status_path).get_data(as_text=True)


def test_a_request_declined_with_a_note_and_one_withdrawn(
    org_app: Flask,
    smtp_server: SMTPServer,
    csrf_token: Callable[[str], str],
    log_in: Callable[..., Any],
) -> None:
    employee = org_app.test_client()
    assert _send(employee, csrf_token).status_code == 201
    manager_mail = next(m for m in smtp_server.wait_for(2) if m.rcpt_tos == ["ann@example.com"])
    manager = org_app.test_client()
    log_in(manager, "ann@example.com")
    path = _path(manager_mail.links[0])
    page = manager.get(path).get_data(as_text=True)
    empty = manager.post(path, data={"csrf_token": csrf_token(page), "action": "decline"})
    assert empty.status_code == 422 and "Give a note" in empty.get_data(as_text=True)
    note = "Not this year: the budget is spent."
    declined = manager.post(
        path, data={"csrf_token": csrf_token(page), "action": "decline", "note": note}
    )
    assert declined.status_code == 303
    told = smtp_server.wait_for(3)[2]
    assert told.rcpt_tos == ["eve@example.com"] and note in told.text
    # A second request, withdrawn by the employee with their link.
    assert _send(employee, csrf_token).status_code == 201
    copy = [m for m in smtp_server.wait_for(5) if m.rcpt_tos == ["eve@example.com"]][-1]
    status_path = _path(copy.links[0])
    page = employee.get(status_path).get_data(as_text=True)
    withdrawn = employee.post(status_path + "/withdraw", data={"csrf_token": csrf_token(page)})
    assert withdrawn.status_code == 303
    assert "Your plan request: withdrawn" in employee.get(status_path).get_data(as_text=True)
    assert smtp_server.wait_for(6)[5].rcpt_tos == ["ann@example.com"]
    assert employee.get("/requests/status/not-a-link").status_code == 404


def test_requests_are_limited_checked_and_carry_no_html(
    org_app: Flask, smtp_server: SMTPServer, csrf_token: Callable[[str], str]
) -> None:
    employee = org_app.test_client()
    bad = _send(employee, csrf_token, manager_email="not an address")
    assert bad.status_code == 422 and "manager_email" in bad.get_data(as_text=True)
    name = "<b>Eve</b>"
    assert _send(employee, csrf_token, name=name).status_code == 201
    manager_mail = next(m for m in smtp_server.wait_for(2) if m.rcpt_tos == ["ann@example.com"])
    assert "<b>Eve</b>" not in manager_mail.html and "&lt;b&gt;Eve&lt;/b&gt;" in manager_mail.html
    for _ in range(4):
        assert _send(employee, csrf_token).status_code == 201
    limited = _send(employee, csrf_token)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3600"
    with org_app.app_context():
        assert db.session.query(PlanRequest).count() == 5


def test_an_undecided_request_is_reminded_once_then_shown_to_admins(
    org_app: Flask,
    smtp_server: SMTPServer,
    csrf_token: Callable[[str], str],
    log_in: Callable[..., Any],
) -> None:
    from datetime import date, timedelta

    assert _send(org_app.test_client(), csrf_token).status_code == 201
    smtp_server.wait_for(2)
    runner = org_app.test_cli_runner()

    def run(days: int) -> str:
        day = (date.today() + timedelta(days=days)).isoformat()
        result = runner.invoke(args=["reminders", "send", "--today", day])
        assert result.exit_code == 0, result.output
        return result.output

    admin = org_app.test_client()
    log_in(admin, "ada@example.com")
    assert "Undecided after a reminder" not in admin.get("/requests").get_data(as_text=True)
    assert run(13).startswith("0 new reminder(s)")  # not yet 14 days
    assert "1 new reminder(s)" in run(15)
    (reminder,) = smtp_server.wait_for(3)[2:]
    assert reminder.rcpt_tos == ["ann@example.com"]
    assert reminder.subject == "Waiting for you: the plan of Eve Employee"
    assert _path(reminder.links[0]).startswith("/requests/")
    assert run(16).startswith("0 new reminder(s)") and run(40).startswith("0 new reminder(s)")
    assert len(smtp_server.mails) == 3  # reminded once
    page = admin.get("/requests").get_data(as_text=True)
    assert "Undecided after a reminder" in page and "Eve Employee" in page


def _year_row(page: str, year: str) -> list[str]:
    """The cells of a fiscal year's row in the team page's budget-against-plan table."""
    section = page[page.index('id="budget-vs-plan"') :]
    row = re.search(rf"<th scope=\"row\">{year}</th>(.*?)</tr>", section, re.S)
    assert row is not None, section[:2000]
    return [
        re.sub(r"\s+", " ", c).strip() for c in re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    ]


def test_a_team_budget_against_its_plan_and_an_approval_over_it_confirmed(
    org_app: Flask,
    smtp_server: SMTPServer,
    csrf_token: Callable[[str], str],
    log_in: Callable[..., Any],
    make_team: Callable[..., Any],
) -> None:
    with org_app.app_context():
        team_id = make_team("ann@example.com").id
    manager = org_app.test_client()
    log_in(manager, "ann@example.com")
    page = manager.get(f"/teams/{team_id}").get_data(as_text=True)
    bad = manager.post(
        f"/teams/{team_id}/budgets",
        data={"csrf_token": csrf_token(page), "fiscal_year": "2027", "amount": "10"},
    )
    assert bad.status_code == 422 and "fiscal_year" in bad.get_data(as_text=True)
    set_ = manager.post(
        f"/teams/{team_id}/budgets",
        data={"csrf_token": csrf_token(page), "fiscal_year": "FY2027", "amount": "500"},
    )
    assert set_.status_code == 303
    page = manager.get(f"/teams/{team_id}").get_data(as_text=True)
    budget, planned, left = _year_row(page, "FY2027")
    assert budget == "500.00"
    planned_before = float(planned.replace(",", ""))
    assert left.startswith(f"{500 - planned_before:,.2f}")
    # A request whose FY2027 fees take the team over its budget.
    assert _send(org_app.test_client(), csrf_token).status_code == 201
    path = _path(
        next(m for m in smtp_server.wait_for(2) if m.rcpt_tos == ["ann@example.com"]).links[0]
    )
    page = manager.get(path).get_data(as_text=True)
    assert "(over budget)" in page
    form = {"csrf_token": csrf_token(page), "action": "approve", "team": str(team_id)}
    refused = manager.post(path, data=form)
    assert refused.status_code == 422
    assert "Confirm the approval over budget" in refused.get_data(as_text=True)
    assert manager.post(path, data={**form, "confirm_over_budget": "yes"}).status_code == 303
    with org_app.app_context():
        stored = db.session.query(PlanRequest).one()
        assert stored.over_budget_confirmed and stored.status == "approved"
        assert "(over budget, confirmed)" in stored.history[-1].text
        from recommender.requests.budgets import request_fees

        added = request_fees(stored.plan)["FY2027"]
    page = manager.get(f"/teams/{team_id}").get_data(as_text=True)
    _, planned_after, _ = _year_row(page, "FY2027")
    assert float(planned_after.replace(",", "")) == planned_before + added  # the sums add up


def test_a_request_s_fees_fall_in_the_team_s_own_fiscal_years(
    org_app: Flask, make_team: Callable[..., Any]
) -> None:
    from recommender.extensions import current_recommender
    from recommender.requests import budgets
    from recommender.store import teams as team_rows

    plan = {  # an exam in the July window: FY2027 by the calendar, FY2028 from July
        "estimated_cost": {"items": [{"code": "API 29", "amount": 100.0}]},
        "exam_schedule": [{"code": "API 29", "window_start": "2027-07-15"}],
    }
    with org_app.app_context():
        team = make_team("ann@example.com")
        by_calendar = budgets.lines(team.id, budgets.team_plan(current_recommender(), team))
        team_rows.set_settings(team, {"fiscal_year_start": 7}, "Fiscal year from July.", "ann")
        july = budgets.team_plan(current_recommender(), team)
        assert july["budget"]["fiscal_year_start"] == 7
        lines = budgets.lines(team.id, july, PlanRequest(plan=plan))
        added = {line.fiscal_year: line.request for line in lines if line.request}
        assert added == {"FY2028": 100.0}
        assert {line.fiscal_year for line in lines} != {line.fiscal_year for line in by_calendar}


def test_an_approval_that_fails_after_its_member_is_added_is_not_approved_twice(
    org_app: Flask,
    smtp_server: SMTPServer,
    csrf_token: Callable[[str], str],
    make_team: Callable[..., Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from recommender.extensions import current_recommender
    from recommender.requests import flow
    from recommender.saved_teams import teams as saved
    from recommender.store import accounts
    from recommender.store.errors import Invalid

    with org_app.app_context():
        team_id = make_team("ann@example.com").id
    assert _send(org_app.test_client(), csrf_token).status_code == 201

    def link_server_down(*args: Any) -> str:
        raise ConnectionError("the database went away after the member was added")

    monkeypatch.setattr(saved, "create_member_link", link_server_down)
    with org_app.app_context():
        ann = accounts.user_by_email("ann@example.com")
        request = db.session.query(PlanRequest).one()
        team = db.session.get(Team, team_id)
        before = len(team.members)
        with pytest.raises(ConnectionError):
            flow.decide(current_recommender(), ann, request, "approve", "", team)
    with org_app.app_context():  # as stored: the member and the decision, together
        request = db.session.query(PlanRequest).one()
        team = db.session.get(Team, team_id)
        assert request.status == "approved" and request.team_id == team_id
        assert [m.name for m in team.members].count("Eve Employee") == 1
        assert len(team.members) == before + 1
        with pytest.raises(Invalid):  # not approved a second time
            flow.decide(current_recommender(), ann, request, "approve", "", team)
        assert len(db.session.get(Team, team_id).members) == before + 1


def test_a_request_to_someone_without_an_account_is_theirs_once_an_admin_invites_them(
    org_app: Flask,
    smtp_server: SMTPServer,
    csrf_token: Callable[[str], str],
    log_in: Callable[..., Any],
) -> None:
    sent = _send(org_app.test_client(), csrf_token, manager_email="max@example.com")
    assert sent.status_code == 201
    smtp_server.wait_for(2)  # the manager's mail and the employee's copy
    manager = org_app.test_client()
    log_in(manager, "ann@example.com")
    assert "max@example.com" not in manager.get("/requests").get_data(as_text=True)
    admin = org_app.test_client()
    log_in(admin, "ada@example.com")
    page = admin.get("/requests").get_data(as_text=True)
    assert "Invite max@example.com as a manager" in page
    action = re.search(r'action="(/requests/\d+/invite)"', page)
    assert action is not None
    own = csrf_token(manager.get("/teams").get_data(as_text=True))
    refused = manager.post(action.group(1), data={"csrf_token": own})
    assert refused.status_code == 404  # admins only
    invited = admin.post(action.group(1), data={"csrf_token": csrf_token(page)})
    assert invited.status_code == 303
    (invitation,) = smtp_server.wait_for(3)[2:]
    assert invitation.rcpt_tos == ["max@example.com"]
    path = _path(invitation.links[0])
    assert path.startswith("/invitations/")
    maxi = org_app.test_client()
    form = maxi.get(path).get_data(as_text=True)
    password = "a long enough passphrase"
    done = maxi.post(
        path,
        data={"csrf_token": csrf_token(form), "password": password, "password_again": password},
    )
    assert done.status_code == 303
    waiting = maxi.get("/requests").get_data(as_text=True)
    assert "Eve Employee" in waiting  # the request waits for them, now signed in
    assert "Invite max@example.com" not in admin.get("/requests").get_data(as_text=True)
