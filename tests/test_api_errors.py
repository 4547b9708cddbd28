"""Every API error answers with the JSON envelope {code, status, message, errors}; never a 500
for a client's mistake."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_smorest import abort
from werkzeug.test import TestResponse

from recommender import create_app
from recommender.recommendation import Recommender

URL = "/api/v1/recommendations"
PROFILE = {"role": "claims", "lines": "both", "years_experience": 1}


def envelope(response: TestResponse, status: int) -> dict[str, Any]:
    """Check that `response` is the error envelope for `status`; return its body."""
    assert response.status_code == status
    assert response.content_type == "application/json"
    body = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["code"] == status
    assert body["status"] and body["message"]
    assert isinstance(body["errors"], dict)
    assert "Traceback" not in response.get_data(as_text=True)
    return body


def test_malformed_json_is_400(client: FlaskClient) -> None:
    response = client.post(URL, data='{"role": ', content_type="application/json")
    assert "not valid JSON" in envelope(response, 400)["message"]


@pytest.mark.parametrize(
    "body",
    [
        b"\xff\xfe\x00garbage",  # not text at all
        b"[" * 50_000 + b"]" * 50_000,  # nested past Python's recursion limit
        b"9" * 5000,  # an integer past Python's digit limit
        b"NaN-ish",
    ],
)
def test_bodies_that_do_not_parse_are_400(client: FlaskClient, body: bytes) -> None:
    envelope(client.post(URL, data=body, content_type="application/json"), 400)


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data", None],
)
def test_a_body_that_is_not_json_is_415(client: FlaskClient, content_type: str | None) -> None:
    response = client.post(URL, data=json.dumps(PROFILE), content_type=content_type)
    assert "application/json" in envelope(response, 415)["message"]


def test_a_body_over_the_default_limit_of_one_mebibyte_is_413(client: FlaskClient) -> None:
    padding = "x" * (1024 * 1024)
    response = client.post(URL, json={**PROFILE, "padding": padding})
    assert "1048576" in envelope(response, 413)["message"]


def test_the_body_limit_is_configurable() -> None:
    client = create_app({"TESTING": True, "MAX_CONTENT_LENGTH": 64}).test_client()
    assert client.post(URL, json=PROFILE).status_code == 200
    envelope(client.post(URL, json={**PROFILE, "designations": ["AINS"] * 10}), 413)


def test_a_json_value_that_is_not_an_object_is_422(client: FlaskClient) -> None:
    body = envelope(client.post(URL, json=["agent"]), 422)
    assert body["errors"] == {"_schema": ["A profile must be a JSON object."]}


def test_an_invalid_profile_is_422_naming_each_field(client: FlaskClient) -> None:
    response = client.post(URL, json={**PROFILE, "role": "pilot", "completed_courses": ["NOPE"]})
    body = envelope(response, 422)
    assert set(body["errors"]) == {"role", "completed_courses"}  # every bad field at once
    response = client.post(URL, json={**PROFILE, "completed_courses": ["NOPE 1", "CPCU 500"]})
    assert envelope(response, 422)["errors"] == {
        "completed_courses": ["Unknown course code 'NOPE 1'."]
    }


@pytest.mark.parametrize("path", ["/api/v1/nowhere", "/api/v2/recommendations", "/api", "/api/"])
def test_unknown_paths_under_api_are_404_json(client: FlaskClient, path: str) -> None:
    envelope(client.get(path), 404)


def test_unknown_paths_under_api_are_json_even_for_a_browser(client: FlaskClient) -> None:
    envelope(client.get("/api/v1/nowhere", headers={"Accept": "text/html"}), 404)


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("GET", URL, {"POST", "OPTIONS"}),
        ("PUT", URL, {"POST", "OPTIONS"}),
        ("POST", "/api/v1/catalog", {"GET", "HEAD", "OPTIONS"}),
        ("DELETE", "/healthz", {"GET", "HEAD", "OPTIONS"}),
    ],
)
def test_a_wrong_method_is_405_json_with_allow(
    client: FlaskClient, method: str, path: str, allowed: set[str]
) -> None:
    response = client.open(path, method=method)
    envelope(response, 405)
    assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed


def test_other_paths_get_a_plain_404_page_for_browsers(client: FlaskClient) -> None:
    response = client.get("/nowhere", headers={"Accept": "text/html"})
    assert response.status_code == 404
    assert response.content_type.startswith("text/html")


def test_other_paths_get_json_for_clients_that_prefer_it(client: FlaskClient) -> None:
    envelope(client.get("/nowhere", headers={"Accept": "application/json"}), 404)


@pytest.fixture
def failing_app(monkeypatch: pytest.MonkeyPatch) -> Flask:
    """An app whose recommender fails: a bug, not the client's mistake."""

    def broken(self: Recommender, profile: Any) -> dict[str, Any]:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(Recommender, "recommend", broken)
    # TESTING would re-raise the exception into the test; a real server does not.
    return create_app({"TESTING": True, "PROPAGATE_EXCEPTIONS": False})


def test_a_server_error_is_500_json_without_details(
    failing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    response = failing_app.test_client().post(
        URL, json=PROFILE, headers={"X-Request-ID": "req-500"}
    )
    body = envelope(response, 500)
    assert "secret internals" not in response.get_data(as_text=True)
    assert "req-500" in body["message"]
    assert response.headers["X-Request-ID"] == "req-500"
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1
    assert "req-500" in errors[0].getMessage()
    assert errors[0].exc_info and "secret internals" in str(errors[0].exc_info[1])


def test_a_server_error_outside_the_api_is_a_plain_page(
    failing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    @failing_app.route("/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    response = failing_app.test_client().get("/boom", headers={"Accept": "text/html"})
    assert response.status_code == 500
    assert response.content_type.startswith("text/html")
    assert "secret internals" not in response.get_data(as_text=True)


def test_validation_errors_of_webargs_are_flattened_into_the_envelope() -> None:
    app = create_app({"TESTING": True})

    @app.route("/api/v1/test-only/webargs", methods=["POST"])
    def webargs_style() -> None:
        abort(422, messages={"json": {"members": {"0": {"role": ["Bad role."]}}, "x": ["X."]}})

    @app.route("/api/v1/test-only/abort", methods=["POST"])
    def smorest_style() -> None:
        abort(409, message="Already planned.", errors={"team": ["Exists."]})

    client = app.test_client()
    body = envelope(client.post("/api/v1/test-only/webargs"), 422)
    assert body["errors"] == {"members.0.role": ["Bad role."], "x": ["X."]}
    body = envelope(client.post("/api/v1/test-only/abort"), 409)
    assert body["message"] == "Already planned."
    assert body["errors"] == {"team": ["Exists."]}


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"[" * 100_000, "nested too deeply"),
        (b'{"years_experience": ' + b"1" * 5000 + b"}", "too many digits"),
        (b'{"years_experience": NaN}', "NaN is not a JSON number"),
        (b'{"role": "agent",}', "line 1, column 18"),
    ],
)
def test_bodies_we_cannot_read_are_400_in_words_for_people(
    client: FlaskClient, body: bytes, words: str
) -> None:
    response = client.post("/api/v1/recommendations", data=body, content_type="application/json")
    assert response.status_code == 400
    message = response.get_json()["message"]
    assert words in message
    for internal in ("recursion", "sys.", "int_max_str_digits", "Traceback"):
        assert internal not in message


def test_the_api_answers_a_nul_in_a_course_code_with_a_422_naming_the_field(
    client: FlaskClient,
) -> None:
    body = {"role": "agent", "lines": "personal", "years_experience": 4}
    response = client.post(
        "/api/v1/recommendations", json={**body, "completed_courses": ["CPCU\u0000555"]}
    )
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["completed_courses"]


def test_the_api_takes_the_spellings_a_csv_roster_takes(client: FlaskClient) -> None:
    response = client.post(
        "/api/v1/recommendations",
        json={"role": "Customer Service", "lines": "Personal", "years_experience": 4},
    )
    assert response.status_code == 200
    assert response.get_json()["profile"]["role"] == "customer_service"
