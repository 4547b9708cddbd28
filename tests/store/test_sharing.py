"""Teams shared: who may do what to a team, as a table, on the web and the API, on SQLite and
PostgreSQL; sharing and hand-over on the web, with their history; the team page offering each
part only what it may do (sharing over the API: test_sharing_api.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from recommender import saved_teams
from recommender.accounts import people
from recommender.accounts.tokens import create_token
from recommender.extensions import current_recommender, db
from recommender.store import accounts
from recommender.store import shares as share_rows
from recommender.store.models import Team, TeamShare
from recommender.team import parse_roster

PARTS = ("owner", "editor", "viewer", "stranger", "admin", "deactivated")
EMAILS = {
    "owner": "ann@example.com",
    "editor": "eddie@example.com",
    "viewer": "vic@example.com",
    "stranger": "sam@example.com",
    "admin": "ada@example.com",
    "deactivated": "dee@example.com",
}
SPARE = "nia@example.com"  # whom a team is shared with or handed over to

# What each part gets for each operation: on the web (a change redirects: 303) and over the
# API. A team you cannot see is a 404; one you can read but not change is a 403; a
# deactivated user's session and tokens no longer work (302 to log in; 401).
#                          owner editor viewer stranger admin deactivated
WEB: dict[str, tuple[int, ...]] = {
    "view": (200, 200, 200, 404, 200, 302),
    "change member": (303, 303, 403, 404, 303, 302),
    "progress": (303, 303, 403, 404, 303, 302),
    "rename": (303, 303, 403, 404, 303, 302),
    "delete": (303, 403, 403, 404, 303, 302),
    "share": (303, 403, 403, 404, 303, 302),
    "hand-over": (303, 403, 403, 404, 303, 302),
    "downloads": (200, 200, 200, 404, 200, 302),
    "history": (200, 200, 200, 404, 200, 302),
}
API: dict[str, tuple[int, ...]] = {
    "view": (200, 200, 200, 404, 200, 401),
    "change member": (200, 200, 403, 404, 200, 401),
    "progress": (200, 200, 403, 404, 200, 401),
    "rename": (200, 200, 403, 404, 200, 401),
    "delete": (204, 403, 403, 404, 204, 401),
    "share": (201, 403, 403, 404, 201, 401),
    "hand-over": (200, 403, 403, 404, 200, 401),
    "downloads": (200, 200, 200, 404, 200, 401),
    "history": (200, 200, 200, 404, 200, 401),
}
ROSTER = (
    "name,role,lines,years_experience,completed_courses,start_date\n"
    "Ana Agent,agent,personal,2,,2025-01-06\n"
    "Carl Claims,claims,both,1,CPCU 500,2025-01-06\n"
)
MEMBER = {"name": "Ana Agent", "role": "agent", "lines": "personal", "years_experience": "3"}
PROGRESS = {"course": "API 29", "status": "passed", "date": "2025-05-01"}


@dataclass
class World:
    app: Flask
    web: dict[str, FlaskClient]  # each part's browser, logged in
    api: dict[str, dict[str, str]]  # each part's Authorization header
    csrf: dict[str, str]


def _new_team(app: Flask) -> tuple[int, int]:
    """Ann's team, shared with the editor and the viewer (and, before she was deactivated,
    Dee): its id and its first member's id."""
    with app.app_context():
        ann = accounts.user_by_email(EMAILS["owner"])
        assert ann is not None
        team = saved_teams.create_from_roster(
            current_recommender(), ann, "Claims team", parse_roster(ROSTER)
        )
        for part in ("editor", "viewer", "deactivated"):
            user = accounts.user_by_email(EMAILS[part])
            assert user is not None
            with share_rows.changing():  # the store's own: Dee is no longer active
                share_rows.set_share(team, user, "viewer" if part == "viewer" else "editor", "ann")
        return team.id, team.members[0].id


def _state(app: Flask, team_id: int) -> Any:
    """What a refused request must leave as it was: the team, its version, owner and shares."""
    with app.app_context():
        team = db.session.get(Team, team_id)
        if team is None:
            return None
        shared = db.session.query(TeamShare).filter_by(team_id=team_id).count()
        return (team.name, team.version, team.owner_id, shared, len(team.history))


@pytest.fixture
def world(
    app_factory: Callable[..., Flask],
    add_user: Callable[..., Any],
    bearer: Callable[[str], dict[str, str]],
    log_in: Callable[..., Any],
    csrf_token: Callable[[str], str],
) -> Iterator[World]:
    app = app_factory()
    tokens = {}
    with app.app_context():
        for part, email in EMAILS.items():
            user = add_user(email, "admin" if part == "admin" else "manager")
            tokens[part] = bearer(create_token(user))
        add_user(SPARE, "adviser")
    clients, csrf = {}, {}
    for part, email in EMAILS.items():
        client = app.test_client()
        assert log_in(client, email).status_code == 303
        csrf[part] = csrf_token(client.get("/teams").get_data(as_text=True))
        clients[part] = client
    with app.app_context():
        dee = accounts.user_by_email(EMAILS["deactivated"])
        assert dee is not None
        people.deactivate(None, dee)
    yield World(app, clients, tokens, csrf)


def _web(w: World, part: str, op: str, team_id: int, member_id: int) -> Any:
    client, token = w.web[part], w.csrf[part]
    base = f"/teams/{team_id}"

    def post(path: str, data: dict[str, str]) -> Any:
        return client.post(path, data={**data, "csrf_token": token})

    if op in ("view", "history"):
        return client.get(base)
    if op == "change member":
        return post(f"{base}/members/{member_id}/edit", MEMBER)
    if op == "progress":
        return post(f"{base}/members/{member_id}/progress", PROGRESS)
    if op == "rename":
        return post(f"{base}/rename", {"name": "Renamed"})
    if op == "delete":
        return post(f"{base}/delete", {})
    if op == "share":
        return post(f"{base}/colleagues", {"email": SPARE, "role": "viewer"})
    if op == "hand-over":
        return post(f"{base}/owner", {"email": SPARE, "keep_as": "editor"})
    assert op == "downloads"
    return client.get(f"{base}/plan.csv")


def _api(w: World, part: str, op: str, team_id: int, member_id: int) -> Any:
    client, headers = w.app.test_client(), w.api[part]
    base = f"/api/v1/teams/{team_id}"
    if op == "view":
        return client.get(base, headers=headers)
    if op == "change member":
        return client.put(f"{base}/members/{member_id}", json=MEMBER, headers=headers)
    if op == "progress":
        return client.post(f"{base}/members/{member_id}/progress", json=PROGRESS, headers=headers)
    if op == "rename":
        return client.patch(base, json={"name": "Renamed"}, headers=headers)
    if op == "delete":
        return client.delete(base, headers=headers)
    if op == "share":
        return client.post(
            f"{base}/colleagues", json={"email": SPARE, "role": "viewer"}, headers=headers
        )
    if op == "hand-over":
        return client.post(
            f"{base}/owner", json={"email": SPARE, "keep_as": "editor"}, headers=headers
        )
    if op == "history":
        return client.get(f"{base}/history", headers=headers)
    assert op == "downloads"
    return client.get(f"{base}?format=csv", headers=headers)


@pytest.mark.parametrize("part", PARTS)
def test_who_may_do_what_to_a_team_on_the_web_and_the_api(world: World, part: str) -> None:
    column = PARTS.index(part)
    for channel, table, call in (("web", WEB, _web), ("api", API, _api)):
        for op, statuses in table.items():
            expected = statuses[column]
            team_id, member_id = _new_team(world.app)
            before = _state(world.app, team_id)
            response = call(world, part, op, team_id, member_id)
            where = f"{part} {op} on the {channel}"
            assert response.status_code == expected, (where, response.get_data(as_text=True))
            if expected >= 300 and expected != 303:  # refused: nothing changed
                assert _state(world.app, team_id) == before, where
            if expected == 403:
                message = response.get_data(as_text=True)
                assert "owner" in message and "ann@example.com" in message, where
            if expected == 302:
                assert "/login" in response.headers["Location"], where
            if expected == 200 and channel == "api" and op == "downloads":
                assert response.mimetype == "text/csv" and "Ana Agent" in response.text
            if op == "history" and expected == 200:
                text = response.get_data(as_text=True)
                assert "Shared the team with vic@example.com as viewer" in text, where


# --- sharing and hand-over on the web ---------------------------------------------------------


def test_sharing_on_the_web_without_javascript(
    web: FlaskClient, log_in: Callable[..., Any], csrf_token: Callable[[str], str]
) -> None:
    app = web.application
    with app.app_context():
        ann = accounts.user_by_email("ann@example.com")
        team = saved_teams.create_from_roster(
            current_recommender(), ann, "Claims team", parse_roster(ROSTER)
        )
        team_id = team.id
    log_in(web, "ann@example.com")
    page = web.get(f"/teams/{team_id}").get_data(as_text=True)
    assert f'href="/teams/{team_id}/colleagues"' in page
    sharing = web.get(f"/teams/{team_id}/colleagues").get_data(as_text=True)
    token = csrf_token(sharing)
    assert "No colleagues yet." in sharing
    refused = web.post(
        f"/teams/{team_id}/colleagues",
        data={"email": "nobody@example.com", "role": "viewer", "csrf_token": token},
    )
    assert refused.status_code == 422
    assert "No active user has the e-mail address" in refused.get_data(as_text=True)
    assert (
        web.post(
            f"/teams/{team_id}/colleagues", data={"email": "bob@example.com", "role": "viewer"}
        ).status_code
        == 400
    )  # no CSRF token
    done = web.post(
        f"/teams/{team_id}/colleagues",
        data={"email": "bob@example.com", "role": "viewer", "csrf_token": token},
        follow_redirects=True,
    )
    assert "bob@example.com is now a colleague on Claims team, as viewer." in done.get_data(
        as_text=True
    )

    bob = app.test_client()
    log_in(bob, "bob@example.com")
    teams = bob.get("/teams").get_data(as_text=True)
    assert "Claims team" in teams and "<td>Viewer</td>" in teams
    theirs = bob.get(f"/teams/{team_id}/colleagues").get_data(as_text=True)
    assert "Share the team" not in theirs and "You are viewer" in theirs
    bob_token = csrf_token(theirs if "csrf_token" in theirs else teams)
    renamed = bob.post(f"/teams/{team_id}/rename", data={"name": "x", "csrf_token": bob_token})
    assert renamed.status_code == 403
    assert "you are one of its viewers" in renamed.get_data(as_text=True)
    assert bob.get(f"/teams/{team_id}/members/new").status_code == 403

    with app.app_context():
        bob_id = accounts.user_by_email("bob@example.com").id  # type: ignore[union-attr]
    removed = web.post(
        f"/teams/{team_id}/colleagues/{bob_id}",
        data={"action": "remove", "csrf_token": token},
        follow_redirects=True,
    )
    assert "bob@example.com no longer has Claims team." in removed.get_data(as_text=True)
    assert bob.get(f"/teams/{team_id}").status_code == 404
    assert bob.get(f"/teams/{team_id}/colleagues").status_code == 404


def test_a_team_is_handed_over_on_the_web(
    web: FlaskClient, log_in: Callable[..., Any], csrf_token: Callable[[str], str]
) -> None:
    app = web.application
    with app.app_context():
        ann = accounts.user_by_email("ann@example.com")
        made = [
            saved_teams.create_from_roster(
                current_recommender(), ann, name, parse_roster(ROSTER)
            ).id
            for name in ("Claims team", "Sales team")
        ]
    log_in(web, "ann@example.com")
    token = csrf_token(web.get(f"/teams/{made[0]}/colleagues").get_data(as_text=True))
    unknown = web.post(
        f"/teams/{made[0]}/owner", data={"email": "nobody@example.com", "csrf_token": token}
    )
    assert unknown.status_code == 422 and "invite them first" in unknown.get_data(as_text=True)
    stays = web.post(
        f"/teams/{made[0]}/owner",
        data={"email": "bob@example.com", "keep_as": "editor", "csrf_token": token},
        follow_redirects=True,
    )
    text = stays.get_data(as_text=True)
    assert "bob@example.com owns Claims team now." in text and "You are editor" in text
    assert "Share the team" not in text  # no longer hers to share
    leaves = web.post(
        f"/teams/{made[1]}/owner",
        data={"email": "bob@example.com", "keep_as": "", "csrf_token": token},
    )
    assert leaves.status_code == 303 and leaves.headers["Location"].endswith("/teams")
    assert web.get(f"/teams/{made[1]}").status_code == 404
    with app.app_context():
        handed = [
            e.text for e in db.session.get(Team, made[0]).history if e.action == "handed over"
        ]
    assert handed == [
        "Handed the team over from ann@example.com to bob@example.com; "
        "ann@example.com stays as editor."
    ]


def test_the_team_page_offers_each_part_only_what_it_may_do(world: World) -> None:
    team_id, member_id = _new_team(world.app)
    forms = {
        "progress": f'action="/teams/{team_id}/members/{member_id}/progress"',
        "add member": f'href="/teams/{team_id}/members/new"',
        "rename": f'action="/teams/{team_id}/rename"',
        "delete": f'href="/teams/{team_id}/delete"',
    }
    offered = {
        part: {
            name
            for name, mark in forms.items()
            if mark in world.web[part].get(f"/teams/{team_id}").get_data(as_text=True)
        }
        for part in ("owner", "editor", "viewer", "admin")
    }
    assert offered == {
        "owner": set(forms),
        "admin": set(forms),
        "editor": {"progress", "add member", "rename"},
        "viewer": set(),
    }
    viewer_page = world.web["viewer"].get(f"/teams/{team_id}").get_data(as_text=True)
    assert "one of this team's viewers" in viewer_page and "Ana Agent" in viewer_page
