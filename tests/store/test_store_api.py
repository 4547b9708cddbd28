"""The saved-teams API: tokens, ownership, versions, progress re-planning, history."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from recommender.accounts.tokens import create_token
from recommender.api.saved_teams_schemas import SavedTeamSchema


@pytest.fixture
def api(
    store_app: Flask, add_user: Callable[..., Any], bearer: Callable[[str], dict[str, str]]
) -> Iterator[tuple[FlaskClient, dict[str, str], dict[str, str]]]:
    """A client, and the headers of two users: Ann and Bob."""
    ann = bearer(create_token(add_user("ann@example.com")))
    bob = bearer(create_token(add_user("bob@example.com", "adviser")))
    yield store_app.test_client(), ann, bob


@pytest.fixture
def create_team(roster_json: dict[str, Any]) -> Callable[..., dict[str, Any]]:
    """Save the test team over the API as the user of `headers`: create_team(client, headers)."""

    def create(client: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
        response = client.post("/api/v1/teams", json=roster_json, headers=headers)
        assert response.status_code == 201, response.json
        body: dict[str, Any] = response.json
        return body

    return create


def test_every_call_needs_a_token(api: Any, bearer: Callable[[str], dict[str, str]]) -> None:
    client, _, _ = api
    for method, path in [
        ("get", "/api/v1/teams"),
        ("post", "/api/v1/teams"),
        ("get", "/api/v1/teams/1"),
        ("delete", "/api/v1/teams/1"),
        ("get", "/api/v1/teams/1/history"),
    ]:
        response = getattr(client, method)(path)
        assert response.status_code == 401, path
        assert response.json["code"] == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert client.get("/api/v1/teams", headers=bearer("cp_wrong")).status_code == 401


def test_a_team_is_created_from_json_with_its_plan(
    api: Any, create_team: Callable[..., dict[str, Any]]
) -> None:
    client, ann, _ = api
    team = create_team(client, ann)
    assert team["name"] == "Claims team" and team["version"] == 1
    assert [m["name"] for m in team["members"]] == ["Ana Agent", "Carl Claims"]
    assert all(isinstance(m["id"], int) for m in team["members"])
    assert team["summary"]["people"] == 2
    assert team["members"][0]["recommended_route"] == "API"
    assert team["members"][0]["status"] == "on_track" or team["members"][0]["status"] == "behind"
    assert team["rules_change"] is None
    listed = client.get("/api/v1/teams", headers=ann).json
    assert listed == [
        {
            "id": team["id"],
            "name": "Claims team",
            "members": 2,
            "version": 1,
            "updated_at": team["updated_at"],
            "role": "owner",  # the caller's part in it (teams are shared: test_sharing.py)
        }
    ]


def test_a_team_is_created_from_a_csv_body_or_an_upload(api: Any, roster_csv: str) -> None:
    client, ann, _ = api
    response = client.post(
        "/api/v1/teams?name=Sales", data=roster_csv, content_type="text/csv", headers=ann
    )
    assert response.status_code == 201 and response.json["summary"]["people"] == 3
    import io

    response = client.post(
        "/api/v1/teams?name=Up",
        headers=ann,
        data={"file": (io.BytesIO(roster_csv.encode()), "r.csv")},
    )
    assert response.status_code == 201 and response.json["name"] == "Up"
    response = client.post("/api/v1/teams", data=roster_csv, content_type="text/csv", headers=ann)
    assert response.status_code == 422 and "name" in response.json["errors"]


def test_a_bad_body_gets_the_same_careful_answers_as_the_rest_of_the_api(
    api: Any, create_team: Callable[..., dict[str, Any]]
) -> None:
    client, ann, _ = api
    broken = client.post(
        "/api/v1/teams",
        data='{"name": "x", "members": [}',
        content_type="application/json",
        headers=ann,
    )
    assert broken.status_code == 400
    assert broken.json["message"].startswith(
        "The body is not valid JSON: Expecting value at line 1"
    )
    listed = client.post("/api/v1/teams", json=[{"name": "Ana"}], headers=ann)
    assert listed.status_code == 422 and "_schema" in listed.json["errors"]
    team = create_team(client, ann)
    url = f"/api/v1/teams/{team['id']}/members"
    nan = client.post(url, data='{"name": NaN}', content_type="application/json", headers=ann)
    assert nan.status_code == 400 and "NaN is not a JSON number" in nan.json["message"]
    plain = client.post(url, data="name=Ana", content_type="text/plain", headers=ann)
    assert plain.status_code == 415 and "Content-Type: application/json" in plain.json["message"]


def test_another_users_team_is_404(api: Any, create_team: Callable[..., dict[str, Any]]) -> None:
    client, ann, bob = api
    team = create_team(client, ann)
    url = f"/api/v1/teams/{team['id']}"
    member = team["members"][0]["id"]
    assert client.get(url, headers=bob).status_code == 404
    assert client.get(url + "/history", headers=bob).status_code == 404
    assert client.delete(url, headers=bob).status_code == 404
    assert client.put(f"{url}/members/{member}", json={"name": "X"}, headers=bob).status_code == 404
    assert client.get("/api/v1/teams", headers=bob).json == []
    assert client.get(url, headers=ann).status_code == 200
    assert client.get("/api/v1/teams/99999", headers=ann).json["code"] == 404


def test_a_stale_if_match_is_412_and_changes_nothing(
    api: Any, create_team: Callable[..., dict[str, Any]]
) -> None:
    client, ann, _ = api
    team = create_team(client, ann)
    url = f"/api/v1/teams/{team['id']}"
    got = client.get(url, headers=ann)
    assert got.headers["ETag"] == '"1"'
    member = team["members"][0]
    body = {"name": "Ana Agent", "role": "agent", "lines": "personal", "years_experience": 4}
    ok = client.put(f"{url}/members/{member['id']}", json=body, headers={**ann, "If-Match": '"1"'})
    assert ok.status_code == 200 and ok.headers["ETag"] == '"2"'
    assert ok.json["profile"]["years_experience"] == 4
    stale = client.put(
        f"{url}/members/{member['id']}",
        json={**body, "years_experience": 9},
        headers={**ann, "If-Match": '"1"'},
    )
    assert stale.status_code == 412 and stale.json["code"] == 412
    after = client.get(url, headers=ann).json
    assert after["version"] == 2
    assert after["members"][0]["profile"]["years_experience"] == 4


def test_an_invalid_member_is_422_naming_the_field(
    api: Any, create_team: Callable[..., dict[str, Any]]
) -> None:
    client, ann, _ = api
    team = create_team(client, ann)
    url = f"/api/v1/teams/{team['id']}/members/{team['members'][0]['id']}"
    response = client.put(
        url,
        json={"name": "Ana", "role": "pilot", "lines": "personal", "years_experience": 2},
        headers=ann,
    )
    assert response.status_code == 422 and "role" in response.json["errors"]
    assert client.get(f"/api/v1/teams/{team['id']}", headers=ann).json["version"] == 1


def test_progress_replans_the_member(api: Any, create_team: Callable[..., dict[str, Any]]) -> None:
    client, ann, _ = api
    team = create_team(client, ann)
    member = team["members"][0]
    first = member["remaining_courses"][0]
    url = f"/api/v1/teams/{team['id']}/members/{member['id']}/progress"
    response = client.post(
        url, json={"course": first, "status": "passed", "date": "2025-05-01"}, headers=ann
    )
    assert response.status_code == 200, response.json
    assert first not in response.json["remaining_courses"]
    assert response.json["progress"][0]["status"] == "passed"
    assert response.headers["ETag"] == '"2"'
    bad = client.post(
        url, json={"course": first, "status": "maybe", "date": "2025-05-01"}, headers=ann
    )
    assert bad.status_code == 422 and "status" in bad.json["errors"]
    history = client.get(f"/api/v1/teams/{team['id']}/history", headers=ann).json
    assert [e["action"] for e in history] == ["created", "progress"]
    assert history[-1]["actor"] == "ann@example.com"
    assert history[-1]["member_id"] == member["id"]


def test_members_are_added_and_removed_and_the_team_renamed_and_deleted(
    api: Any, create_team: Callable[..., dict[str, Any]]
) -> None:
    client, ann, _ = api
    team = create_team(client, ann)
    url = f"/api/v1/teams/{team['id']}"
    added = client.post(
        f"{url}/members",
        json={"name": "Dee", "role": "broker", "lines": "commercial", "years_experience": 5},
        headers=ann,
    )
    assert added.status_code == 201 and len(added.json["members"]) == 3
    dee = added.json["members"][-1]["id"]
    assert client.delete(f"{url}/members/{dee}", headers=ann).status_code == 204
    renamed = client.patch(url, json={"name": "Claims 2027"}, headers=ann)
    assert renamed.json["name"] == "Claims 2027" and renamed.json["version"] == 4
    assert client.delete(url, headers={**ann, "If-Match": '"1"'}).status_code == 412
    assert client.delete(url, headers=ann).status_code == 204
    assert client.get(url, headers=ann).status_code == 404


def test_a_team_carries_its_schedule_and_budget(
    api: Any, create_team: Callable[..., dict[str, Any]]
) -> None:
    client, ann, _ = api
    team_id = create_team(client, ann)["id"]
    team = client.get(f"/api/v1/teams/{team_id}", headers=ann).json
    assert SavedTeamSchema().validate(team) == {}
    seats = {
        (window["window_start"], cohort["code"], name)
        for window in team["schedule"]
        for cohort in window["cohorts"]
        for name in cohort["members"]
    }
    planned = {
        (exam["window_start"], exam["code"], member["name"])
        for member in team["members"]
        for exam in member["exam_schedule"]
    }
    assert seats == planned and seats
    budget = team["budget"]
    assert budget["total"] == team["summary"]["total_cost"]["low"] > 0
    assert budget["total"] == round(sum(w["fees"] for w in budget["by_window"]), 2)
    assert [w["window_start"] for w in budget["by_window"]] == [
        w["window_start"] for w in team["schedule"]
    ]


def test_a_failure_over_the_api_answers_its_retake(
    api: Any, create_team: Callable[..., dict[str, Any]]
) -> None:
    client, ann, _ = api
    team = create_team(client, ann)
    member = team["members"][0]
    url = f"/api/v1/teams/{team['id']}/members/{member['id']}/progress"
    body = {"course": "API 29", "status": "failed", "date": "2025-06-15"}
    answer = client.post(url, json=body, headers=ann).json
    [retake] = answer["retakes"]
    assert (retake["code"], retake["failed_on"], retake["same_window"]) == (
        "API 29",
        "2025-06-15",
        False,
    )
    # Its next window (from 2025-07-15) has closed too: the first still open today.
    assert retake["window_end"] >= date.today().isoformat()
    assert retake["added_months"] >= 3 and retake["added_fees"] == retake["amount"] > 0
    assert "API 29" in answer["remaining_courses"]
    assert (
        next(e for e in answer["exam_schedule"] if e["code"] == "API 29")["window_start"]
        == retake["window_start"]
    )
    again = client.get(f"/api/v1/teams/{team['id']}", headers=ann).json
    assert again["members"][0]["retakes"] == [retake]
    cohort = next(
        c
        for w in again["schedule"]
        if w["window_start"] == retake["window_start"]
        for c in w["cohorts"]
        if c["code"] == "API 29"
    )
    assert member["name"] in cohort["members"]
