"""Progress dates on both databases: bounded where they enter, and a stored record outside the
catalog's planning horizon is a warning on its member, never a 500 for the team."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from recommender import saved_teams
from recommender.accounts.tokens import create_token
from recommender.extensions import current_recommender, db
from recommender.store.models import MemberExam, MemberPlan, Progress, Team

TODAY = date.today()


@pytest.fixture
def team_api(
    store_app: Flask,
    make_team: Callable[..., Team],
    bearer: Callable[[str], dict[str, str]],
) -> Iterator[tuple[FlaskClient, dict[str, str], Team]]:
    """A client, Ann's API headers, and her team of three."""
    team = make_team()
    ann = bearer(create_token(team.owner))
    yield store_app.test_client(), ann, team


def _years(years: int) -> date:
    return TODAY.replace(year=TODAY.year + years, day=min(TODAY.day, 28))


@pytest.mark.parametrize(
    ("status", "on", "accepted"),
    [
        ("failed", TODAY, True),
        ("passed", _years(-9), True),
        ("scheduled", _years(4), True),
        ("passed", TODAY + timedelta(days=1), False),
        ("failed", TODAY + timedelta(days=1), False),
        ("scheduled", _years(6), False),
        ("passed", _years(-11), False),
        ("failed", date(9999, 12, 31), False),
        ("failed", date(1, 1, 1), False),
        ("scheduled", date(9999, 12, 31), False),
    ],
)
def test_a_progress_date_is_within_the_horizon_and_a_result_not_after_today(
    team_api: Any, status: str, on: date, accepted: bool
) -> None:
    client, ann, team = team_api
    path = f"/api/v1/teams/{team.id}/members/{team.members[0].id}/progress"
    body = {"course": "API 29", "status": status, "date": on.isoformat()}
    answer = client.post(path, json=body, headers=ann)
    if accepted:
        assert answer.status_code == 200, answer.json
    else:
        assert answer.status_code == 422 and list(answer.json["errors"]) == ["date"]
        assert client.get(f"/api/v1/teams/{team.id}", headers=ann).json["version"] == 1


def test_the_web_forms_refuse_a_date_outside_the_horizon(
    web: FlaskClient, log_in: Callable[..., Any], csrf_token: Callable[[str], str]
) -> None:
    with web.application.app_context():
        from recommender.store import accounts
        from recommender.team import parse_roster

        owner = accounts.user_by_email("ann@example.com")
        roster = parse_roster("name,role,lines,years_experience\nAna,agent,personal,2\n")
        team = saved_teams.create_from_roster(current_recommender(), owner, "T", roster)
        member = team.members[0]
        team_id, member_id = team.id, member.id
        link = saved_teams.create_member_link(member, "ann@example.com")
    log_in(web, "ann@example.com")
    page = web.get(f"/teams/{team_id}").get_data(as_text=True)
    form = {"course": "API 29", "status": "failed", "date": "9999-12-31"}
    answer = web.post(
        f"/teams/{team_id}/members/{member_id}/progress",
        data={**form, "csrf_token": csrf_token(page)},
    )
    assert answer.status_code == 422 and "date is not valid" in answer.get_data(as_text=True)
    own = web.application.test_client()
    page = own.get(f"/my/{link}").get_data(as_text=True)
    answer = own.post(f"/my/{link}/progress", data={**form, "csrf_token": csrf_token(page)})
    assert answer.status_code == 422 and "date is not valid" in answer.get_data(as_text=True)


@pytest.mark.parametrize("stored", [date(9999, 12, 31), date(1, 1, 1)])
def test_a_stored_failure_the_planner_cannot_plan_is_a_warning_on_its_member(
    team_api: Any, log_in: Callable[..., Any], store_app: Flask, stored: date
) -> None:
    client, ann, team = team_api
    ana, carl = team.members[0], team.members[1]
    # Stored as an older release (or an import) could: straight into the database, which an
    # older release left without kept plans (they are planned when the team is next shown).
    db.session.add(
        Progress(member=ana, course="API 29", status="failed", date=stored, recorded_by="x")
    )
    for table in (MemberExam, MemberPlan):
        db.session.execute(sa.delete(table).where(table.team_id == team.id))
    db.session.commit()
    link = saved_teams.create_member_link(ana, "ann@example.com")

    body = client.get(f"/api/v1/teams/{team.id}", headers=ann).json
    warned, other = body["members"][0], body["members"][1]
    assert any(stored.isoformat() in w and "horizon" in w for w in warned["warnings"])
    assert warned["recommended_route"] and warned["retakes"] == []  # planned, without a retake
    assert other["recommended_route"] and not any("horizon" in w for w in other["warnings"])
    plan = saved_teams.plan(current_recommender(), team).plan
    assert plan["summary"]["people"] == 3

    log_in(client, "ann@example.com")
    page = client.get(f"/teams/{team.id}")
    assert page.status_code == 200 and "outside the planning horizon" in page.get_data(as_text=True)
    own = store_app.test_client().get(f"/my/{link}")
    assert own.status_code == 200 and "outside the planning horizon" in own.get_data(as_text=True)
    carl_link = saved_teams.create_member_link(carl, "ann@example.com")
    assert store_app.test_client().get(f"/my/{carl_link}").status_code == 200
