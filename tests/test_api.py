"""The JSON API's endpoints, request ids and security headers, through the test client."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from recommender.recommendation import Recommender
from recommender.schemas import RecommendationSchema

AGENT = {
    "role": "agent",
    "lines": "personal",
    "years_experience": 4,
    "goal": "advance_to_leadership",
}


def recommend(client: FlaskClient, profile: dict[str, Any]) -> Any:
    return client.post("/api/v1/recommendations", json=profile)


def test_healthz_says_ok(client: FlaskClient) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_a_recommendation_has_the_contract_shape(client: FlaskClient) -> None:
    response = recommend(client, AGENT)
    assert response.status_code == 200
    assert response.content_type == "application/json"
    body = response.get_json()
    assert body["recommended_route"] in ("API", "CPCU", "API_THEN_CPCU")
    assert [r["route"] for r in body["routes"]] == ["API", "CPCU", "API_THEN_CPCU"]
    assert {r["fit"] for r in body["routes"]} <= {"recommended", "suitable", "not_suitable"}
    assert body["fired_rules"]
    assert body["summary"]
    for route in body["routes"]:
        assert route["reasons"][0]["rule"] in body["fired_rules"]
        assert {"low", "high"} == set(route["estimated_months"])


def test_the_api_answers_what_the_recommender_answers(
    client: FlaskClient, recommender: Recommender
) -> None:
    profile = {**AGENT, "completed_courses": ["cpcu500"], "designations": ["ains"]}
    expected = RecommendationSchema().dump(recommender.recommend(recommender.load_profile(profile)))
    assert recommend(client, profile).get_json() == expected


@pytest.mark.parametrize(
    "profile",
    [
        AGENT,
        {**AGENT, "designations": ["API", "CPCU"]},  # nothing left to take: costs of 0
        {**AGENT, "lines": "commercial", "years_experience": 0.5, "hours_per_week": 1},
        {
            **AGENT,
            "designations": ["AINS"],
            "completed_courses": ["CPCU 500", "cpcu555"],
            "discounts": ["early_purchase", "student_teacher_regulator"],
            "start_date": "2027-02-28",
        },
    ],
)
def test_the_answer_is_sent_exactly_as_its_schema_would_dump_it(
    client: FlaskClient, recommender: Recommender, profile: dict[str, Any]
) -> None:
    # The view sends recommend()'s dict without a marshmallow dump: it must need none.
    answer = recommender.recommend(recommender.load_profile(profile))
    dumped = RecommendationSchema().dump(answer)
    assert json.dumps(answer) == json.dumps(dumped)  # the same keys, order, types (0.0 not 0)
    assert json.dumps(recommend(client, profile).get_json()) == json.dumps(dumped)


def test_course_codes_are_matched_loosely(client: FlaskClient) -> None:
    body = recommend(client, {**AGENT, "completed_courses": ["cpcu500"]}).get_json()
    assert body["profile"]["completed_courses"] == ["CPCU 500"]


def test_an_unknown_course_is_named_by_code_under_completed_courses(
    client: FlaskClient,
) -> None:
    response = recommend(client, {**AGENT, "completed_courses": ["CPCU 500", "XYZ 999"]})
    assert response.status_code == 422
    errors = response.get_json()["errors"]
    assert list(errors) == ["completed_courses"]
    assert "XYZ 999" in errors["completed_courses"][0]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"role": "astronaut"}, "role"),
        ({"lines": None}, "lines"),
        ({"years_experience": -1}, "years_experience"),
        ({"years_experience": True}, "years_experience"),
        ({"hours_per_week": 100}, "hours_per_week"),
        ({"goal": "get_rich"}, "goal"),
        ({"designations": ["ZZZ"]}, "designations"),
        ({"nickname": "Al"}, "nickname"),
    ],
)
def test_each_invalid_field_is_named(
    client: FlaskClient, change: dict[str, Any], field: str
) -> None:
    response = recommend(client, {**AGENT, **change})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == [field]


def test_missing_required_fields_are_each_named(client: FlaskClient) -> None:
    response = recommend(client, {})
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"role", "lines", "years_experience"}


def test_a_tiny_but_valid_years_of_experience_is_answered(app: Flask) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().post(
        "/api/v1/recommendations", json={**AGENT, "years_experience": 1e-05}
    )
    assert response.status_code == 200


def test_null_optional_fields_take_their_defaults(client: FlaskClient) -> None:
    body = recommend(client, {**AGENT, "goal": None, "hours_per_week": None}).get_json()
    assert body["profile"]["goal"] == "undecided"
    assert body["profile"]["hours_per_week"] == 4


def test_the_catalog_lists_designations_paths_and_sourced_courses(
    client: FlaskClient, recommender: Recommender
) -> None:
    response = client.get("/api/v1/catalog")
    assert response.status_code == 200
    body = response.get_json()
    catalog = recommender.catalog
    assert body["version"] == catalog.version
    assert [d["code"] for d in body["designations"]] == list(catalog.designations)
    assert [c["code"] for c in body["courses"]] == list(catalog.courses)
    assert [p["id"] for p in body["api"]["paths"]] == [p.id for p in catalog.api_paths]
    assert body["cpcu"]["foundation"] == list(catalog.cpcu.foundation)
    assert len(body["facts"]) == len(catalog.facts)
    sourced = [*body["designations"], *body["courses"], *body["api"]["paths"], body["cpcu"]]
    for item in [*sourced, *body["facts"]]:
        assert item["source"] in body["sources"]
        assert isinstance(item["verified"], bool)


def test_the_rules_endpoint_lists_every_rule_with_its_file(
    client: FlaskClient, recommender: Recommender
) -> None:
    body = client.get("/api/v1/rules").get_json()
    rulebook = recommender.rulebook
    assert body["rules_version"] == rulebook.version
    assert [r["id"] for r in body["rules"]] == [r.id for r in rulebook.rules]
    for listed, rule in zip(body["rules"], rulebook.rules, strict=True):
        assert listed == {
            "id": rule.id,
            "kind": rule.kind,
            "description": rule.description,
            "file": rule.file,
        }
    assert set(body["files"]) == {r["file"] for r in body["rules"]}


def test_the_docs_page_loads_swagger_ui_from_local_files_only(client: FlaskClient) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<script>" not in page and "<style" not in page and "style=" not in page
    assert "//" not in page.replace("<!doctype html>", "")  # no absolute URL to any host
    for asset in (
        "/api/docs/swagger-ui/swagger-ui-bundle.js",
        "/api/docs/swagger-ui/swagger-ui.css",
        "/api/docs/static/swagger-initializer.js",
    ):
        assert asset in page
        with client.get(asset) as served:  # closes the file it streams
            assert served.status_code == 200
    assert 'data-spec-url="/api/openapi.json"' in page


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/healthz"),
        ("GET", "/api/v1/catalog"),
        ("GET", "/api/docs"),
        ("GET", "/api/docs/static/swagger-initializer.js"),
        ("GET", "/api/openapi.json"),
        ("GET", "/api/v1/nowhere"),
        ("DELETE", "/api/v1/rules"),
        ("GET", "/nowhere"),
    ],
)
def test_every_response_carries_the_security_headers(
    client: FlaskClient, method: str, path: str
) -> None:
    with client.open(path, method=method) as response:
        headers = response.headers
    for name, value in SECURITY_HEADERS.items():
        assert headers[name] == value
    csp = headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp


def test_a_request_id_is_generated_and_returned(client: FlaskClient) -> None:
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert first and second and first != second


def test_a_plain_client_request_id_is_echoed(client: FlaskClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "trace-42.a:b"})
    assert response.headers["X-Request-ID"] == "trace-42.a:b"


def test_an_unsafe_client_request_id_is_replaced(client: FlaskClient) -> None:
    response = client.get("/healthz", headers={"X-Request-ID": "evil id; with spaces"})
    assert response.headers["X-Request-ID"] != "evil id; with spaces"


def test_each_request_is_logged_with_its_id(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="recommender.access")
    client.get("/api/v1/catalog", headers={"X-Request-ID": "abc123"})
    lines = [r.getMessage() for r in caplog.records if r.name == "recommender.access"]
    assert lines == [lines[0]]
    assert "abc123" in lines[0] and "GET /api/v1/catalog -> 200" in lines[0]


def test_a_forged_line_break_in_the_path_stays_on_one_log_line(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="recommender.access")
    client.get("/api/v1/x%0Arequest 1: GET / -> 200")
    (line,) = [r.getMessage() for r in caplog.records if r.name == "recommender.access"]
    assert "\n" not in line and "%0A" in line
