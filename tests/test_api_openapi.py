"""The OpenAPI document: valid, complete, and true to what the service does (schemathesis)."""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from typing import Any

import flask_migrate
import pytest
import schemathesis
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, settings
from openapi_spec_validator import validate
from schemathesis.checks import positive_data_acceptance
from schemathesis.core.parameters import ParameterLocation

from recommender import create_app, saved_teams
from recommender.accounts.tokens import create_token
from recommender.accounts.users import create_user
from recommender.extensions import current_recommender, db
from recommender.store.models import User
from recommender.team import parse_roster


@pytest.fixture
def document(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.get_json()
    return body


def test_the_document_is_valid_openapi_3(document: dict[str, Any]) -> None:
    validate(document)
    assert document["openapi"].startswith("3.")


def test_every_api_route_is_documented(app: Flask, document: dict[str, Any]) -> None:
    routes = {
        # Flask's <int:team_id> is OpenAPI's {team_id}.
        (re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/") or rule.rule == "/healthz"
        for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}
    }
    documented = {
        (path, method)
        for path, ops in document["paths"].items()
        for method in ops
        if method != "parameters"  # the path's own parameters ({team_id}), not an operation
    }
    assert routes == documented
    assert {"/api/v1/recommendations", "/api/v1/catalog", "/api/v1/rules", "/healthz"} <= {
        path for path, _ in routes
    }


def test_every_operation_documents_the_error_envelope(document: dict[str, Any]) -> None:
    responses = document["components"]["responses"]
    envelope = {"$ref": "#/components/schemas/Error"}
    assert responses["DEFAULT_ERROR"]["content"]["application/json"]["schema"] == envelope
    for operations in document["paths"].values():
        for method, operation in operations.items():
            if method == "parameters":  # the path's own parameters, not an operation
                continue
            assert operation["responses"]["default"] == {
                "$ref": "#/components/responses/DEFAULT_ERROR"
            }
            assert operation["summary"]
    post = document["paths"]["/api/v1/recommendations"]["post"]
    assert {"200", "400", "413", "415", "422"} <= set(post["responses"])
    for status in ("400", "413", "415", "422"):
        name = post["responses"][status]["$ref"].rsplit("/", 1)[1]
        assert responses[name]["content"]["application/json"]["schema"] == envelope
    assert post["requestBody"]["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/JsonProfile"
    }
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "status", "message", "errors"}


# Generated requests against every operation in the document (read from it, so operations
# added later are covered too), with every check schemathesis has: no 5xx, every response
# (status, content type, headers, body) as documented, data the document calls valid
# accepted (positive_data_acceptance) and data it calls invalid refused (negative_data_rejection).
def _app_with_database() -> Flask:
    """An app on a migrated SQLite database of its own (the saved teams' endpoints read it)."""
    instance = tempfile.mkdtemp(prefix="career-path-openapi-")
    atexit.register(shutil.rmtree, instance, ignore_errors=True)
    app = create_app({"TESTING": True, "INSTANCE_PATH": instance})
    with app.app_context():
        flask_migrate.upgrade()
    return app


app_with_database = _app_with_database()
schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app_with_database)

# The saved-teams operations need `bearerAuth`: a token of a user who owns teams, so the
# generated requests reach the teams rather than a 401.
with app_with_database.app_context():
    OWNER = create_user("owner@example.com", "manager", "correct horse battery")
    AUTH = {"Authorization": f"Bearer {create_token(OWNER)}"}
    OWNER_ID = OWNER.id

OWNER_ROSTER = (
    "name,role,lines,years_experience,completed_courses,start_date\n"
    "Ana Agent,agent,personal,2,,2025-01-06\n"
    "Carl Claims,claims,both,1,CPCU 500,2025-01-06\n"
)


def _owned_team() -> tuple[int, int]:
    """A fresh team of the token's user: its id and its first member's id."""
    with app_with_database.app_context():
        owner = db.session.get(User, OWNER_ID)
        team = saved_teams.create_from_roster(
            current_recommender(), owner, "Generated team", parse_roster(OWNER_ROSTER)
        )
        return team.id, team.members[0].id


def _an_id(value: Any) -> bool:
    return isinstance(value, int) or (isinstance(value, str) and value.isdigit())


def _positive(case: schemathesis.Case, location: ParameterLocation) -> bool:
    """Whether the generator meant this part of the request to be valid."""
    meta = case.meta
    info = meta.components.get(location) if meta else None
    return info is None or info.mode.is_positive


def _as_the_owner(case: schemathesis.Case) -> dict[str, str]:
    """The headers to send: the owner's token and a fresh team, where the case is valid there.

    A well-formed team (and member) id is pointed at a team of the token's user, made for
    the case (a case may delete or change it), and a well-formed `If-Match` at its `ETag`
    (a random one is rightly a 412). Parts the generator made invalid stay as they are:
    refusing those is what the negative checks test.
    """
    params = case.path_parameters
    if _positive(case, ParameterLocation.PATH) and _an_id(params.get("team_id")):
        team_id, member_id = _owned_team()
        updated = {**params, "team_id": team_id}
        if _an_id(params.get("member_id")):
            updated["member_id"] = member_id
        case.path_parameters = updated
    if not _positive(case, ParameterLocation.HEADER):
        return {}
    headers = dict(AUTH)
    if case.headers and "If-Match" in case.headers:
        headers["If-Match"] = '"1"'
    return headers


# The exceptions, by operation: a team roster upload is a file, which OpenAPI 3.0 cannot
# say must be a UTF-8 CSV with a header row; any other file is rightly a 422.
NOT_DESCRIBABLE = {
    "POST /api/v1/team-plans": [positive_data_acceptance],
    # A saved team made from an uploaded roster: the same file, the same reason; and its
    # name is in the JSON body or in `?name=`, which OpenAPI cannot say must be one of them.
    "POST /api/v1/teams": [positive_data_acceptance],
    # A progress date is within the catalog's planning horizon around today, and a pass or a
    # failure not after today: bounds that move with the day and depend on the status.
    "POST /api/v1/teams/{team_id}/members/{member_id}/progress": [positive_data_acceptance],
    # A colleague or a new owner is an active user's e-mail address (any other is a 422), and
    # a colleague's user id one of the team's colleagues (any other is a 404): the database's.
    "POST /api/v1/teams/{team_id}/colleagues": [positive_data_acceptance],
    "POST /api/v1/teams/{team_id}/owner": [positive_data_acceptance],
    "PATCH /api/v1/teams/{team_id}/colleagues/{user_id}": [positive_data_acceptance],
    "DELETE /api/v1/teams/{team_id}/colleagues/{user_id}": [positive_data_acceptance],
}


@pytest.mark.slow
@schema.parametrize()
@settings(
    max_examples=40,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_the_service_keeps_to_its_document(case: schemathesis.Case) -> None:
    operation = f"{case.method.upper()} {case.path}"
    headers = _as_the_owner(case)
    case.call_and_validate(headers=headers, excluded_checks=NOT_DESCRIBABLE.get(operation, []))


def test_the_recommendation_operations_get_every_check() -> None:
    assert all(not name.startswith("POST /api/v1/recommendations") for name in NOT_DESCRIBABLE)


def test_the_document_and_the_service_agree_on_a_null_goal_and_a_blank_discount(
    client: FlaskClient, document: dict[str, Any]
) -> None:
    profile = document["components"]["schemas"]["JsonProfile"]["properties"]
    assert profile["goal"]["nullable"] and None in profile["goal"]["enum"]
    assert "" not in profile["discounts"]["items"]["enum"]
    body = {"role": "agent", "lines": "personal", "years_experience": 4}
    assert client.post("/api/v1/recommendations", json={**body, "goal": None}).status_code == 200
    blank = client.post("/api/v1/recommendations", json={**body, "discounts": [""]})
    assert blank.status_code == 422
    assert list(blank.get_json()["errors"]) == ["discounts"]


def test_the_document_lists_the_catalogs_codes_as_the_choices(
    app: Flask, document: dict[str, Any]
) -> None:
    catalog = app.extensions["career_path"].catalog
    profile = document["components"]["schemas"]["JsonProfile"]["properties"]
    assert profile["designations"]["items"]["enum"] == list(catalog.designations)
    assert profile["completed_courses"]["items"]["enum"] == list(catalog.courses)
    assert profile["discounts"]["items"]["enum"] == list(catalog.discounts)


def test_the_generated_saved_team_requests_reach_the_owners_team() -> None:
    operation = schema["/api/v1/teams/{team_id}"]["PATCH"]
    case = operation.Case(
        path_parameters={"team_id": 987654},
        headers={"If-Match": '"7"'},
        body={"name": "Renamed"},
    )
    response = case.call(headers=_as_the_owner(case))
    assert response.status_code == 200, response.text
    assert response.json()["name"] == "Renamed"
    assert case.path_parameters["team_id"] != 987654
    history = schema["/api/v1/teams/{team_id}/history"]["GET"].Case(
        path_parameters={"team_id": case.path_parameters["team_id"]}
    )
    assert [e["action"] for e in history.call(headers=AUTH).json()][-1] == "renamed"
