"""Members' e-mail (issue 21): the roster's optional `email` column, the API's and the web's
member forms; a bad address is refused naming its row or field."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Flask

from recommender.accounts.tokens import create_token
from recommender.extensions import db
from recommender.store.models import Member

ROSTER = (
    "name,role,lines,years_experience,Email\n"
    "Ana Agent,agent,personal,2,Ana@Example.com\n"
    "Carl Claims,claims,both,1,\n"
)


def _headers(store_app: Flask, add_user: Callable[..., Any], bearer: Any) -> dict[str, str]:
    return bearer(create_token(add_user("ann@example.com")))


def test_a_roster_email_column_fills_members_addresses(
    store_app: Flask, add_user: Callable[..., Any], bearer: Any
) -> None:
    client, headers = store_app.test_client(), _headers(store_app, add_user, bearer)
    response = client.post(
        "/api/v1/teams?name=Mail", data=ROSTER, headers={**headers, "Content-Type": "text/csv"}
    )
    assert response.status_code == 201, response.json
    emails = {m["name"]: m["email"] for m in response.json["members"]}
    assert emails == {"Ana Agent": "ana@example.com", "Carl Claims": None}
    stored = {m.name: m.email for m in Member.query.all()}
    assert stored == emails


def test_a_bad_roster_email_is_refused_naming_its_line(
    store_app: Flask, add_user: Callable[..., Any], bearer: Any
) -> None:
    client, headers = store_app.test_client(), _headers(store_app, add_user, bearer)
    roster = ROSTER.replace("Ana@Example.com", "not an address")
    response = client.post(
        "/api/v1/teams?name=Mail", data=roster, headers={**headers, "Content-Type": "text/csv"}
    )
    assert response.status_code == 422
    assert "line 2: email" in response.get_data(as_text=True)
    assert Member.query.count() == 0


def test_the_api_member_takes_an_email_and_refuses_a_bad_one(
    store_app: Flask, add_user: Callable[..., Any], bearer: Any, roster_json: dict[str, Any]
) -> None:
    client, headers = store_app.test_client(), _headers(store_app, add_user, bearer)
    team = client.post("/api/v1/teams", json=roster_json, headers=headers).json
    member = {"name": "Dee", "role": "agent", "lines": "personal", "years_experience": 1}
    bad = client.post(
        f"/api/v1/teams/{team['id']}/members", json={**member, "email": "nope"}, headers=headers
    )
    assert bad.status_code == 422
    assert "email" in bad.get_data(as_text=True)
    good = client.post(
        f"/api/v1/teams/{team['id']}/members",
        json={**member, "email": "dee@example.com"},
        headers=headers,
    )
    assert good.status_code in (200, 201), good.json
    assert Member.query.filter_by(name="Dee").one().email == "dee@example.com"


def test_the_web_member_form_keeps_an_email(
    web: Any, log_in: Callable[..., Any], csrf_token: Callable[[str], str], make_team: Any
) -> None:
    app = web.application
    with app.app_context():
        team_id = make_team().id
    log_in(web, "ann@example.com")
    page = web.get(f"/teams/{team_id}/members/new").get_data(as_text=True)
    assert 'name="email"' in page
    form = {
        "csrf_token": csrf_token(page),
        "name": "Eve",
        "role": "agent",
        "lines": "personal",
        "years_experience": "3",
        "email": "eve@",
    }
    version = page.split('name="version" value="')[1].split('"')[0]
    refused = web.post(f"/teams/{team_id}/members/new", data={**form, "version": version})
    assert refused.status_code == 422
    assert "Not a valid email address" in refused.get_data(as_text=True)
    form["email"] = "eve@example.com"
    saved = web.post(f"/teams/{team_id}/members/new", data={**form, "version": version})
    assert saved.status_code in (302, 303), saved.get_data(as_text=True)[:500]
    with app.app_context():
        assert Member.query.filter_by(name="Eve").one().email == "eve@example.com"


def test_a_members_email_is_exported_and_imported(
    store_app: Flask, make_team: Callable[..., Any], add_user: Callable[..., Any]
) -> None:
    import json

    from recommender.store import transfer

    team = make_team()
    team.members[0].email = "ana@example.com"
    db.session.commit()
    exported = transfer.export_team(team)
    assert exported["members"][0]["email"] == "ana@example.com"
    copy = transfer.import_team(json.loads(json.dumps(exported)), owner=add_user("b@example.com"))
    assert [m.email for m in copy.members][:2] == ["ana@example.com", None]
    older = json.loads(json.dumps(exported))
    for member in older["members"]:
        del member["email"]  # an export made before members had an e-mail
    assert transfer.import_team(older, owner=add_user("c@example.com")).members[0].email is None
