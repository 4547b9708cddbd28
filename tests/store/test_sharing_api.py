"""Sharing a team over the API, on SQLite and PostgreSQL: an owner shares it, changes a
colleague's role, removes them and hands the team over, with its history and audit entries; a
share names what is wrong, and an admin sees and manages every team (who may do what, as a
table, and sharing on the web: test_sharing.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from recommender.accounts import audit
from recommender.accounts.tokens import create_token

# --- sharing, roles, removal and hand-over ---------------------------------------------------


@pytest.fixture
def api(
    store_app: Flask, add_user: Callable[..., Any], bearer: Callable[[str], dict[str, str]]
) -> tuple[FlaskClient, dict[str, dict[str, str]]]:
    """A client and the headers of Ann and Bob (managers), Cleo (an adviser), Ada (an admin)."""
    roles = {"ann": "manager", "bob": "manager", "cleo": "adviser", "ada": "admin"}
    headers = {
        name: bearer(create_token(add_user(f"{name}@example.com", role)))
        for name, role in roles.items()
    }
    return store_app.test_client(), headers


def _team(client: FlaskClient, headers: dict[str, str], name: str = "Claims team") -> int:
    body = {
        "name": name,
        "members": [
            {"name": "Ana Agent", "role": "agent", "lines": "personal", "years_experience": 2}
        ],
    }
    response = client.post("/api/v1/teams", json=body, headers=headers)
    assert response.status_code == 201, response.json
    team_id: int = response.json["id"]
    return team_id


def test_an_owner_shares_changes_a_role_removes_and_hands_over_a_team_over_the_api(
    api: tuple[FlaskClient, dict[str, dict[str, str]]],
) -> None:
    client, h = api
    team_id = _team(client, h["ann"])
    url = f"/api/v1/teams/{team_id}"
    assert client.get(url, headers=h["bob"]).status_code == 404  # not shared yet

    shared = client.post(
        f"{url}/colleagues", json={"email": "BOB@example.com", "role": "viewer"}, headers=h["ann"]
    )
    assert shared.status_code == 201
    assert shared.json["email"] == "bob@example.com" and shared.json["role"] == "viewer"
    bob_id = shared.json["user_id"]
    listed = client.get("/api/v1/teams", headers=h["bob"]).json
    assert [(t["id"], t["role"]) for t in listed] == [(team_id, "viewer")]
    assert client.get(url, headers=h["bob"]).status_code == 200
    refused = client.patch(url, json={"name": "Mine now"}, headers=h["bob"])
    assert refused.status_code == 403 and "viewer" in refused.json["message"]
    # A viewer's write is refused before its body is read: the same 403 for a bad body.
    assert client.patch(url, json={"name": ""}, headers=h["bob"]).status_code == 403

    changed = client.patch(f"{url}/colleagues/{bob_id}", json={"role": "editor"}, headers=h["ann"])
    assert changed.status_code == 200 and changed.json["role"] == "editor"
    assert client.patch(url, json={"name": "Claims, renamed"}, headers=h["bob"]).status_code == 200
    # An editor changes the team, but neither shares it nor hands it over.
    again = client.post(
        f"{url}/colleagues", json={"email": "cleo@example.com", "role": "viewer"}, headers=h["bob"]
    )
    assert again.status_code == 403 and "owner" in again.json["message"]

    handed = client.post(
        f"{url}/owner", json={"email": "bob@example.com", "keep_as": "viewer"}, headers=h["ann"]
    )
    assert handed.status_code == 200
    assert handed.json["owner"]["email"] == "bob@example.com"
    assert handed.json["your_role"] == "viewer"
    assert [c["email"] for c in handed.json["colleagues"]] == ["ann@example.com"]
    assert client.patch(url, json={"name": "x"}, headers=h["ann"]).status_code == 403
    ann_id = handed.json["colleagues"][0]["user_id"]
    assert client.delete(f"{url}/colleagues/{ann_id}", headers=h["bob"]).status_code == 204
    assert client.get(url, headers=h["ann"]).status_code == 404
    assert client.get("/api/v1/teams", headers=h["ann"]).json == []

    history = client.get(f"{url}/history", headers=h["bob"]).json
    events = [(e["actor"], e["action"]) for e in history]
    assert events[-5:] == [
        ("ann@example.com", "shared"),
        ("ann@example.com", "role changed"),
        ("bob@example.com", "renamed"),
        ("ann@example.com", "handed over"),
        ("bob@example.com", "unshared"),
    ]
    assert (
        "from ann@example.com to bob@example.com; ann@example.com stays as viewer"
        in (history[-2]["text"])
    )
    logged = [(e.actor, e.action, e.subject) for e in audit.everything()]
    for entry in (
        ("ann@example.com", "team_shared", "bob@example.com"),
        ("ann@example.com", "team_share_changed", "bob@example.com"),
        ("ann@example.com", "team_handed_over", "bob@example.com"),
        ("bob@example.com", "team_unshared", "ann@example.com"),
    ):
        assert entry in logged


def test_a_share_names_what_is_wrong_and_an_admin_sees_and_manages_every_team(
    api: tuple[FlaskClient, dict[str, dict[str, str]]],
) -> None:
    client, h = api
    team_id = _team(client, h["ann"])
    url = f"/api/v1/teams/{team_id}/colleagues"
    for body, field in (
        ({"email": "nobody@example.com", "role": "viewer"}, "email"),
        ({"email": "ann@example.com", "role": "viewer"}, "email"),  # the owner
        ({"email": "bob@example.com", "role": "owner"}, "role"),
        ({"role": "viewer"}, "email"),
    ):
        answer = client.post(url, json=body, headers=h["ann"])
        assert answer.status_code == 422 and field in answer.json["errors"], body
    assert client.get(url, headers=h["ann"]).json["colleagues"] == []
    assert client.delete(f"{url}/987", headers=h["ann"]).status_code == 404
    assert client.post(url, json={"email": "bob@example.com"}, headers=h["cleo"]).status_code == 404

    bobs = _team(client, h["bob"], "Bob's team")
    listed = client.get("/api/v1/teams", headers=h["ada"]).json
    assert sorted((t["id"], t["role"]) for t in listed) == [(team_id, "admin"), (bobs, "admin")]
    shared = client.post(
        url, json={"email": "cleo@example.com", "role": "editor"}, headers=h["ada"]
    )
    assert shared.status_code == 201 and shared.json["shared_by"] == "ada@example.com"
    handed = client.post(
        f"/api/v1/teams/{bobs}/owner", json={"email": "cleo@example.com"}, headers=h["ada"]
    )
    assert handed.status_code == 200 and handed.json["colleagues"] == []
    assert client.get(f"/api/v1/teams/{bobs}", headers=h["bob"]).status_code == 404
    assert [t["role"] for t in client.get("/api/v1/teams", headers=h["cleo"]).json] == [
        "owner",
        "editor",
    ]
