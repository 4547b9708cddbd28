"""Bounded input on both databases: text a database holds, ids in range, e-mails bounded.

Each case was a 500 on PostgreSQL (and some on SQLite too): a NUL, which PostgreSQL's text
refuses, a lone surrogate ("\\ud800" in JSON), an id past the database's integer, an e-mail
past its column. Each is now a 4xx naming the field, and nothing is stored.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from recommender.accounts.tokens import create_token
from recommender.accounts.users import create_user
from recommender.http.ids import MAX_ID
from recommender.store import accounts
from recommender.store import teams as store_teams
from recommender.store.errors import Invalid
from recommender.testing import app_server

MEMBER = {"role": "agent", "lines": "personal", "years_experience": 2}
BAD_TEXT = {"NUL": "Ana\x00Agent", "surrogate": "Ana\ud800"}


@pytest.fixture
def api(
    store_app: Flask, add_user: Callable[..., Any], bearer: Callable[[str], dict[str, str]]
) -> Iterator[tuple[FlaskClient, dict[str, str]]]:
    """A client and Ann's API headers."""
    yield store_app.test_client(), bearer(create_token(add_user("ann@example.com")))


def _json(client: FlaskClient, method: str, path: str, body: Any, headers: Any) -> Any:
    # json.dumps writes a lone surrogate as the escape "\ud800", as a client's JSON would.
    data = json.dumps(body)
    return client.open(
        path, method=method, data=data, content_type="application/json", headers=headers
    )


def _team_names(store_app: Flask) -> list[str]:
    owner = accounts.user_by_email("ann@example.com")
    return [t.name for t in store_teams.teams_of(owner)]


@pytest.mark.parametrize("text", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_a_team_or_member_name_that_no_database_holds_is_a_422_naming_it(
    api: Any, store_app: Flask, text: str
) -> None:
    client, ann = api
    answer = _json(client, "POST", "/api/v1/teams", {"name": text, "members": [MEMBER]}, ann)
    assert answer.status_code == 422 and "name" in answer.json["errors"]
    member = {"name": text, **MEMBER}
    answer = _json(client, "POST", "/api/v1/teams", {"name": "T", "members": [member]}, ann)
    assert answer.status_code == 422 and "members.0.name" in answer.json["errors"]
    assert _team_names(store_app) == []

    team = _json(client, "POST", "/api/v1/teams", {"name": "T", "members": [MEMBER]}, ann).json
    answer = _json(client, "PATCH", f"/api/v1/teams/{team['id']}", {"name": text}, ann)
    assert answer.status_code == 422 and "name" in answer.json["errors"]
    path = f"/api/v1/teams/{team['id']}/members"
    answer = _json(client, "POST", path, member, ann)
    assert answer.status_code == 422 and "member name" in answer.json["errors"]
    answer = _json(client, "PUT", f"{path}/{team['members'][0]['id']}", member, ann)
    assert answer.status_code == 422 and "member name" in answer.json["errors"]
    answer = client.get(f"/api/v1/teams/{team['id']}", headers=ann)
    assert answer.json["name"] == "T" and [m["name"] for m in answer.json["members"]] == ["Row 1"]
    assert answer.json["version"] == team["version"]  # nothing changed


@pytest.mark.parametrize("text", BAD_TEXT.values(), ids=BAD_TEXT.keys())
def test_a_roster_cell_that_no_database_holds_is_a_422_naming_it(
    api: Any, store_app: Flask, text: str
) -> None:
    client, ann = api
    extra = {"name": "Ana", **MEMBER, "notes": text}
    answer = _json(client, "POST", "/api/v1/teams", {"name": "T", "members": [extra]}, ann)
    assert answer.status_code == 422 and "members.0.notes" in answer.json["errors"]
    if "\x00" in text:  # a CSV file is UTF-8: a lone surrogate cannot be in one
        csv = f"name,role,lines,years_experience\n{text},agent,personal,2\n"
        answer = client.post(
            "/api/v1/teams?name=T", data=csv.encode(), content_type="text/csv", headers=ann
        )
        assert answer.status_code == 422 and "line 2.name" in answer.json["errors"]
        assert "line 2" in answer.json["message"]
    assert _team_names(store_app) == []


def test_the_web_forms_refuse_a_nul_in_a_name(
    web: FlaskClient, log_in: Callable[..., Any], csrf_token: Callable[[str], str], roster_csv: str
) -> None:
    log_in(web, "ann@example.com")
    token = csrf_token(web.get("/teams").get_data(as_text=True))
    roster = (io.BytesIO(roster_csv.encode()), "r.csv")
    answer = web.post("/teams", data={"name": "A\x00B", "csrf_token": token, "roster": roster})
    assert answer.status_code == 422 and "NUL" in answer.get_data(as_text=True)
    nul_roster = roster_csv.replace("Ana Agent", "Ana\x00Agent").encode()
    form = {"name": "T", "csrf_token": token, "roster": (io.BytesIO(nul_roster), "r.csv")}
    answer = web.post("/teams", data=form)
    assert answer.status_code == 422 and "line 2" in answer.get_data(as_text=True)
    form = {"name": "T", "csrf_token": token, "roster": (io.BytesIO(roster_csv.encode()), "r.csv")}
    team_url = web.post("/teams", data=form).headers["Location"]
    web.post(f"{team_url}/rename", data={"name": "X\x00", "csrf_token": token})
    assert "NUL" in web.get(team_url).get_data(as_text=True)  # flashed, and not renamed
    member = {"name": "Bo\x00", **MEMBER, "csrf_token": token}
    answer = web.post(f"{team_url}/members/new", data=member)
    assert answer.status_code == 422
    with web.application.app_context():
        (team,) = store_teams.teams_of(accounts.user_by_email("ann@example.com"))
        assert team.name == "T" and len(team.members) == 3


@pytest.mark.parametrize("big", [str(MAX_ID + 1), str(2**63), "1" + "0" * 30, "9" * 5000])
def test_an_id_past_the_databases_integer_is_a_404(api: Any, big: str) -> None:
    client, ann = api
    team = _json(client, "POST", "/api/v1/teams", {"name": "T", "members": [MEMBER]}, ann).json
    member = team["members"][0]["id"]
    for method, path in [
        ("GET", f"/api/v1/teams/{big}"),
        ("DELETE", f"/api/v1/teams/{big}"),
        ("GET", f"/api/v1/teams/{big}/history"),
        ("PUT", f"/api/v1/teams/{team['id']}/members/{big}"),
        ("POST", f"/api/v1/teams/{big}/members/{member}/progress"),
        ("POST", f"/api/v1/teams/{team['id']}/members/{big}/progress"),
    ]:
        answer = _json(client, method, path, {"name": "x", **MEMBER}, ann)
        assert answer.status_code == 404, (method, path)
    assert client.get(f"/api/v1/teams/{MAX_ID}", headers=ann).status_code == 404
    assert client.get(f"/api/v1/teams/{team['id']}", headers=ann).status_code == 200


def test_a_web_page_with_an_id_past_the_databases_integer_is_a_404(
    web: FlaskClient, log_in: Callable[..., Any]
) -> None:
    log_in(web, "ann@example.com")
    for path in [f"/teams/{2**31}", f"/teams/{2**63}", f"/teams/1/members/{2**64}/edit"]:
        assert web.get(path).status_code == 404, path


def test_a_user_needs_an_address_a_database_holds(store_app: Flask) -> None:
    for email in ["ann\x00@example.com", "ann\ud800@example.com", "a" * 250 + "@example.com"]:
        with pytest.raises(Invalid) as refused:
            create_user(email, "manager", "correct horse battery")
        assert "email" in refused.value.errors
    assert accounts.user_by_email("ann\x00@example.com") is None


def test_a_version_that_is_no_number_is_no_500(
    web: FlaskClient, log_in: Callable[..., Any], csrf_token: Callable[[str], str], roster_csv: str
) -> None:
    log_in(web, "ann@example.com")
    token = csrf_token(web.get("/teams").get_data(as_text=True))
    form = {"name": "T", "csrf_token": token, "roster": (io.BytesIO(roster_csv.encode()), "r.csv")}
    team_url = web.post("/teams", data=form).headers["Location"]
    for version, renamed in [("\u00b2", True), ("9" * 5000, False), ("2", True)]:
        name = f"T{len(version)}"
        answer = web.post(
            f"{team_url}/rename", data={"name": name, "version": version, "csrf_token": token}
        )
        assert answer.status_code == 303
        assert (f"<h1>{name}" in web.get(team_url).get_data(as_text=True)) is renamed, version


def _big_roster(size: int) -> bytes:
    """A roster of `size` bytes or a little more: a few hundred people, each with long notes."""
    header = "name,role,lines,years_experience,notes\n"
    notes = "n" * 1900
    rows = [header]
    while sum(map(len, rows)) < size:
        rows.append(f"Person {len(rows)},agent,personal,2,{notes}\n")
    return "".join(rows).encode()


def test_the_web_save_takes_a_roster_as_large_as_the_api_takes(
    web: FlaskClient, csrf_token: Callable[[str], str], password: str
) -> None:
    # Over HTTP (werkzeug's test client leaves a large upload's temporary file open).
    with app_server(web.application) as url, requests.Session() as browser:
        token = csrf_token(browser.get(f"{url}/login").text)
        login = {"email": "ann@example.com", "password": password, "csrf_token": token}
        assert browser.post(f"{url}/login", data=login).status_code == 200  # redirected
        token = csrf_token(browser.get(f"{url}/teams").text)
        big = _big_roster(int(1.5 * 1024 * 1024))  # past the 1 MiB of other forms
        form = {"name": "Big", "csrf_token": token}
        answer = browser.post(
            f"{url}/teams", data=form, files={"roster": ("big.csv", big)}, allow_redirects=False
        )
        assert answer.status_code == 303, answer.text[:500]
        too_big = _big_roster(web.application.config["TEAM_MAX_BYTES"] + 1)
        answer = browser.post(
            f"{url}/teams", data={**form, "name": "Huge"}, files={"roster": ("x.csv", too_big)}
        )
        assert answer.status_code == 413
    with web.application.app_context():
        (team,) = store_teams.teams_of(accounts.user_by_email("ann@example.com"))
        assert team.name == "Big" and len(team.members) == big.count(b"\n") - 1
