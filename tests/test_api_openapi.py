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
from schemathesis.checks import negative_data_rejection, positive_data_acceptance

from recommender import create_app


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
        "$ref": "#/components/schemas/Profile"
    }
    error = document["components"]["schemas"]["Error"]
    assert set(error["required"]) == {"code", "status", "message", "errors"}


# Generated requests against every operation: no 5xx, every response (status, content type,
# body) as documented. Two checks are left out on purpose, as the document is stricter or
# looser than the data: positive_data_acceptance, since a course code that is a well-formed
# string but not in the catalog is valid for the schema and rightly a 422; and
# negative_data_rejection, since the service tolerates what forms and CSV rosters send (a blank
# "" for an optional field) and team plans answer a bad row inside a 200.
def _app_with_database() -> Flask:
    """An app on a migrated SQLite database of its own (the saved teams' endpoints read it)."""
    instance = tempfile.mkdtemp(prefix="career-path-openapi-")
    atexit.register(shutil.rmtree, instance, ignore_errors=True)
    app = create_app({"TESTING": True, "INSTANCE_PATH": instance})
    with app.app_context():
        flask_migrate.upgrade()
    return app


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", _app_with_database())


@schema.parametrize()
@settings(
    max_examples=50,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_the_service_keeps_to_its_document(case: schemathesis.Case) -> None:
    case.call_and_validate(excluded_checks=[positive_data_acceptance, negative_data_rejection])
