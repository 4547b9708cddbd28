"""POST /api/v1/team-plans through the test client: JSON, CSV and uploads, messy rosters,
limits, the CSV answer and its formula guard, the OpenAPI document."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from recommender import create_app
from recommender.config import DEFAULT_RULES_DIR
from recommender.recommendation import Recommender
from recommender.team import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_ROWS,
    EXPORT_COLUMNS,
    TeamPlanSchema,
    parse_roster,
    plan_team,
)

URL = "/api/v1/team-plans"
HEADER = "name,role,lines,years_experience,designations,completed_courses,goal,hours_per_week"
ANA = "Ana,agent,personal,2,,,undecided,4"
BEN = "Ben,underwriter,commercial,12,AINS,CPCU 500;CPCU 520,advance_to_leadership,6"
CAI = "Cai,claims,both,1,,,quick_credential,"
MEMBERS = [
    {"name": "Ana", "role": "agent", "lines": "personal", "years_experience": 2},
    {"name": "Ben", "role": "underwriter", "lines": "commercial", "years_experience": 12},
]


def roster(*rows: str, header: str = HEADER, newline: str = "\n") -> bytes:
    return newline.join([header, *rows]).encode("utf-8") + newline.encode()


def post_csv(client: FlaskClient, data: bytes, url: str = URL, **kwargs: Any) -> TestResponse:
    return client.post(url, data=data, content_type="text/csv", **kwargs)


def multipart(data: bytes, filename: str, field: str = "file") -> tuple[bytes, str]:
    """A multipart/form-data body holding one file, and its content type."""
    # Built by hand: werkzeug's test client spools a large upload to a temporary file that it
    # never closes, a ResourceWarning that filterwarnings=error turns into a failure.
    boundary = "----roster-boundary-7d1f"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
        f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
    )
    body = head.encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def upload(client: FlaskClient, data: bytes, filename: str = "team.csv") -> TestResponse:
    body, content_type = multipart(data, filename)
    return client.post(URL, data=body, content_type=content_type)


def plan_of(response: TestResponse) -> dict[str, Any]:
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    assert response.content_type == "application/json"
    body: dict[str, Any] = response.get_json()
    return body


def envelope(response: TestResponse, status: int) -> dict[str, Any]:
    """Check that `response` is the API's error envelope for `status`; return its body."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.content_type == "application/json"
    body: dict[str, Any] = response.get_json()
    assert set(body) == {"code", "status", "message", "errors"}
    assert body["code"] == status and body["message"]
    return body


def csv_rows(response: TestResponse) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # so that Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


@pytest.fixture
def small_app() -> Flask:
    """An app with small team limits: 2,000 bytes and 5 rows."""
    return create_app(
        {
            "TESTING": True,
            "RULES_DIR": DEFAULT_RULES_DIR,
            "TEAM_MAX_BYTES": 2000,
            "TEAM_MAX_ROWS": 5,
        }
    )


# --- the three ways in ---------------------------------------------------------------------


def test_a_json_roster_is_planned(client: FlaskClient, recommender: Recommender) -> None:
    body = plan_of(client.post(URL, json={"members": MEMBERS}))
    assert [(m["row"], m["name"]) for m in body["members"]] == [(1, "Ana"), (2, "Ben")]
    assert body == plan_team(recommender, parse_roster(json.dumps({"members": MEMBERS})))
    assert body["summary"]["people"] == 2 and body["summary"]["with_errors"] == 0
    assert body["rules_version"] == recommender.rulebook.version


def test_a_bare_json_list_of_members_is_planned(client: FlaskClient) -> None:
    body = plan_of(client.post(URL, json=MEMBERS))
    assert [m["name"] for m in body["members"]] == ["Ana", "Ben"]


def test_a_csv_body_is_planned(client: FlaskClient, recommender: Recommender) -> None:
    data = roster(ANA, BEN, CAI)
    body = plan_of(post_csv(client, data))
    assert body == plan_team(recommender, parse_roster(data))
    assert [m["name"] for m in body["members"]] == ["Ana", "Ben", "Cai"]
    assert all(m["recommended_route"] for m in body["members"])


def test_an_uploaded_csv_file_is_planned(client: FlaskClient) -> None:
    body = plan_of(upload(client, roster(ANA, BEN, CAI)))
    assert [m["name"] for m in body["members"]] == ["Ana", "Ben", "Cai"]


def test_an_uploaded_json_file_is_planned(client: FlaskClient) -> None:
    body = plan_of(upload(client, json.dumps({"members": MEMBERS}).encode(), "team.json"))
    assert [m["name"] for m in body["members"]] == ["Ana", "Ben"]


def test_the_three_ways_in_give_the_same_plan(client: FlaskClient) -> None:
    data = roster("Ana,agent,personal,2,,,,", "Ben,underwriter,commercial,12,,,,")
    as_csv = plan_of(post_csv(client, data))
    as_file = plan_of(upload(client, data))
    as_json = plan_of(client.post(URL, json={"members": MEMBERS}))
    assert as_csv["members"] == as_file["members"]
    # JSON has no spreadsheet lines; otherwise the same plan.
    assert [{**m, "line": None} for m in as_csv["members"]] == as_json["members"]
    assert as_csv["summary"] == as_json["summary"]


def test_the_answer_is_in_the_documented_shape(client: FlaskClient) -> None:
    data = roster(ANA, BEN, "Dee,manager,personal,3,,,,", "Eve,claims,commercial,9,CPCU,,,")
    body = plan_of(post_csv(client, data))
    schema = TeamPlanSchema()
    # The view skips marshmallow's dump for speed: the plan must already be in its shape.
    assert schema.dump(body) == body
    assert schema.validate(body) == {}
    assert set(body) == {
        "rules_version",
        "members",
        "summary",
        "schedule",
        "group_sessions",
        "budget",
        "notices",
    }
    assert set(body["summary"]["routes"]) == {"API", "CPCU", "API_THEN_CPCU", "none"}


def test_rows_in_are_rows_out(client: FlaskClient) -> None:
    rows = [f"P{n},agent,personal,{n % 20},,,," for n in range(1, 201)]
    rows[50] = "P51,agent,nowhere,3,,,,"
    body = plan_of(post_csv(client, roster(*rows)))
    assert [m["row"] for m in body["members"]] == list(range(1, 201))
    assert body["summary"]["people"] == 200
    assert body["summary"]["with_errors"] == 1
    assert sum(body["summary"]["routes"].values()) == 199


# --- messy rosters -------------------------------------------------------------------------


@pytest.mark.parametrize("send", [post_csv, upload], ids=["csv-body", "upload"])
@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        (b"", "roster", "empty"),
        (b"\n\n  \n", "roster", "empty"),
        (HEADER.encode() + b"\n", "roster", "no rows"),
        (b"name,role\nAna,agent\n", "columns", "lines, years_experience"),
        (b"Ana,agent,personal,2\n", "columns", "name (or id), role, lines, years_experience"),
        (
            "name,role,lines,years_experience\nJosé,agent,personal,2\n".encode("latin-1"),
            "roster",
            "not UTF-8",
        ),
        (b"name,role,lines,name,years_experience\n", "columns", "appears twice"),
    ],
    ids=["empty", "blank-lines", "header-only", "missing-columns", "no-header", "latin-1", "dup"],
)
def test_an_unreadable_roster_is_a_422_naming_the_field(
    client: FlaskClient, send: Any, data: bytes, field: str, words: str
) -> None:
    body = envelope(send(client, data), 422)
    assert list(body["errors"]) == [field]
    assert words in body["errors"][field][0]
    assert words in body["message"]


def test_not_utf8_names_the_line_and_says_how_to_fix_it(client: FlaskClient) -> None:
    data = f"{HEADER}\n{ANA}\nJosé,agent,personal,2,,,,\n".encode("cp1252")
    message = envelope(post_csv(client, data), 422)["errors"]["roster"][0]
    assert "line 3" in message and "CSV UTF-8" in message


def test_unknown_columns_are_listed_in_the_notices(client: FlaskClient) -> None:
    data = roster(
        "Ana,agent,personal,2,Sales,x", header="name,role,lines,years_experience,Team,Notes"
    )
    body = plan_of(post_csv(client, data))
    assert body["members"][0]["errors"] == {}
    assert body["members"][0]["extra"] == {"Team": "Sales", "Notes": "x"}
    assert any("Passed through" in n and "Team, Notes" in n for n in body["notices"])


def test_unknown_json_fields_are_listed_in_the_notices(client: FlaskClient) -> None:
    members = [{**MEMBERS[0], "team": "Sales"}]
    body = plan_of(client.post(URL, json={"members": members}))
    assert any("team" in n for n in body["notices"])


def test_a_byte_order_mark_and_crlf_line_ends_are_read(client: FlaskClient) -> None:
    data = b"\xef\xbb\xbf" + roster(ANA, BEN, newline="\r\n")
    body = plan_of(post_csv(client, data))
    assert [m["name"] for m in body["members"]] == ["Ana", "Ben"]
    assert all(not m["errors"] for m in body["members"])


def test_duplicate_names_are_planned_by_row_with_a_notice(client: FlaskClient) -> None:
    body = plan_of(post_csv(client, roster(ANA, BEN, ANA)))
    assert [m["row"] for m in body["members"]] == [1, 2, 3]
    assert any("Ana (lines 2, 4)" in n for n in body["notices"])


def test_lists_in_a_cell_are_separated_by_semicolons(client: FlaskClient) -> None:
    none_passed = plan_of(post_csv(client, roster("Ben,underwriter,commercial,12,AINS,,,")))
    two_passed = plan_of(post_csv(client, roster(BEN)))
    before = none_passed["members"][0]["remaining_courses"]
    after = two_passed["members"][0]["remaining_courses"]
    assert {"CPCU 500", "CPCU 520"} <= set(before)
    assert not {"CPCU 500", "CPCU 520"} & set(after)


def test_a_bad_row_is_reported_by_row_and_field_and_the_good_rows_are_planned(
    client: FlaskClient,
) -> None:
    data = roster(ANA, "Bob,manager,personal,ten,,,,", CAI, "Dee,agent,personal,3,,CPCU 999,,")
    body = plan_of(post_csv(client, data))
    members = {m["row"]: m for m in body["members"]}
    assert set(members[2]["errors"]) == {"role", "years_experience"}
    assert members[2]["recommended_route"] is None
    assert members[4]["errors"] == {} and "CPCU 999" in members[4]["warnings"][0]
    assert members[1]["recommended_route"] and members[3]["recommended_route"]
    assert body["summary"]["planned"] == 3
    assert any("Not planned" in n and "(line 3)" in n for n in body["notices"])
    assert any("Planned with warnings" in n and "(line 5)" in n for n in body["notices"])


def test_a_shifted_row_is_reported_as_a_whole(client: FlaskClient) -> None:
    body = plan_of(post_csv(client, roster("Smith, Ana,agent,personal,2,,,,")))
    assert "double quotes" in body["members"][0]["errors"]["_row"][0]


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"people": []}, "members"),
        ({"members": []}, "members"),
        ({"members": "Ana"}, "members"),
        ([], "members"),
    ],
)
def test_a_json_roster_of_the_wrong_shape_is_a_422(
    client: FlaskClient, payload: Any, field: str
) -> None:
    assert list(envelope(client.post(URL, json=payload), 422)["errors"]) == [field]


def test_json_members_that_are_not_objects_are_bad_rows(client: FlaskClient) -> None:
    body = plan_of(client.post(URL, json={"members": [MEMBERS[0], None, 3, [1]]}))
    assert [bool(m["errors"]) for m in body["members"]] == [False, True, True, True]
    assert "_row" in body["members"][1]["errors"]


@pytest.mark.parametrize(
    "data",
    [
        b'{"members": [',
        b"\xff\xfe{}",
        b"[" * 50_000 + b"]" * 50_000,
        b'{"members": [' + b"9" * 5000 + b"]}",
        b"null",
    ],
    ids=["truncated", "not-utf8", "deep", "digits", "null"],
)
def test_a_json_body_that_does_not_parse_is_a_422_not_a_500(
    client: FlaskClient, data: bytes
) -> None:
    body = envelope(client.post(URL, data=data, content_type="application/json"), 422)
    assert body["errors"]


@pytest.mark.parametrize(
    "data",
    [b"\x00\x01\x02", b'name,role,lines,years_experience\n"Ana', b"\r\r\r", b"=1+1\n=2+2\n"],
)
def test_garbage_csv_is_answered_without_a_500(client: FlaskClient, data: bytes) -> None:
    assert post_csv(client, data).status_code in (200, 422)


def test_an_upload_without_the_file_field_is_a_422_naming_it(client: FlaskClient) -> None:
    response = client.post(URL, data={"roster": "x"}, content_type="multipart/form-data")
    assert "file" in envelope(response, 422)["errors"]


def test_an_upload_with_no_file_chosen_is_a_422(client: FlaskClient) -> None:
    # What a browser sends for an empty file input: a part with no file name and no bytes.
    body, content_type = multipart(b"", "")
    response = client.post(URL, data=body, content_type=content_type)
    assert "file" in envelope(response, 422)["errors"]


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "application/xml", None],
)
def test_another_content_type_is_a_415(client: FlaskClient, content_type: str | None) -> None:
    response = client.post(URL, data=roster(ANA), content_type=content_type)
    message = envelope(response, 415)["message"]
    assert "text/csv" in message and "application/json" in message


# --- limits --------------------------------------------------------------------------------


def test_the_default_limits_are_the_cli_s() -> None:
    app = create_app({"TESTING": True})
    assert app.config["TEAM_MAX_BYTES"] == DEFAULT_MAX_BYTES == 5 * 1024 * 1024
    assert app.config["TEAM_MAX_ROWS"] == DEFAULT_MAX_ROWS == 50_000


def padded_roster(size: int) -> bytes:
    """A valid roster of about `size` bytes, the bulk in an ignored column (cells < 128 KiB)."""
    rows = max(2, -(-size // 100_000))
    pad = "x" * (size // rows)
    header = "name,role,lines,years_experience,notes"
    return roster(*[f"P{n},agent,personal,2,{pad}" for n in range(rows)], header=header)


def test_a_roster_may_be_larger_than_the_app_wide_body_limit(client: FlaskClient) -> None:
    data = padded_roster(3 * 1024 * 1024)
    assert len(data) > client.application.config["MAX_CONTENT_LENGTH"]
    assert len(plan_of(post_csv(client, data))["members"]) == 32
    assert len(plan_of(upload(client, data))["members"]) == 32


def test_a_single_recommendation_keeps_the_app_wide_body_limit(client: FlaskClient) -> None:
    profile = {**MEMBERS[0], "pad": "x" * (1024 * 1024)}
    plan_of(client.post(URL, json={"members": [profile]}))  # the same body is a fine roster
    response = client.post("/api/v1/recommendations", json=profile)
    assert envelope(response, 413)["code"] == 413


def test_a_roster_over_the_default_limit_is_a_413(client: FlaskClient) -> None:
    body = envelope(post_csv(client, padded_roster(5 * 1024 * 1024 + 10)), 413)
    assert "5 MiB" in body["message"] and list(body["errors"]) == ["roster"]


@pytest.mark.parametrize(
    "send",
    [
        post_csv,
        upload,
        lambda client, data: client.post(
            URL, json={"members": [{**MEMBERS[0], "pad": data.decode()}]}
        ),
    ],
    ids=["csv-body", "upload", "json"],
)
def test_a_roster_over_the_configured_limit_is_a_413(small_app: Flask, send: Any) -> None:
    client = small_app.test_client()
    assert send(client, padded_roster(1500)).status_code == 200
    body = envelope(send(client, padded_roster(2100)), 413)
    assert "2,000 bytes" in body["message"]
    assert list(body["errors"]) == ["roster"]


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(small_app: Flask) -> None:
    response = post_csv(small_app.test_client(), padded_roster(200_000))
    assert "2,000 bytes" in envelope(response, 413)["message"]


@pytest.mark.parametrize(
    ("send", "data"),
    [
        (post_csv, roster(*[f"P{n},agent,personal,2,,,," for n in range(6)])),
        (upload, roster(*[f"P{n},agent,personal,2,,,," for n in range(6)])),
        (
            lambda client, data: client.post(URL, data=data, content_type="application/json"),
            json.dumps({"members": [MEMBERS[0]] * 6}).encode(),
        ),
    ],
    ids=["csv-body", "upload", "json"],
)
def test_a_roster_over_the_row_limit_is_a_422(small_app: Flask, send: Any, data: bytes) -> None:
    body = envelope(send(small_app.test_client(), data), 422)
    assert "more than 5 rows" in body["message"]
    assert list(body["errors"]) == ["roster"]


def test_a_roster_at_the_row_limit_is_planned(small_app: Flask) -> None:
    data = roster(*[f"P{n},agent,personal,2,,,," for n in range(5)], "", "")
    assert len(plan_of(post_csv(small_app.test_client(), data))["members"]) == 5


# --- the CSV answer ------------------------------------------------------------------------

FORMULA = '=HYPERLINK("http://evil.example","Click me")'


@pytest.mark.parametrize(
    ("url", "headers"),
    [(URL + "?format=csv", {}), (URL, {"Accept": "text/csv"})],
    ids=["format", "accept"],
)
def test_the_plan_comes_as_csv_on_request(
    client: FlaskClient, url: str, headers: dict[str, str]
) -> None:
    data = roster(ANA, BEN, "Bob,manager,personal,3,,,,")
    response = post_csv(client, data, url=url, headers=headers)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="team-plan.csv"'
    rows = csv_rows(response)
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    assert [r["name"] for r in rows] == ["Ana", "Ben", "Bob"]
    assert rows[1]["remaining_courses"].startswith("ETH 311; CPCU")
    assert "role:" in rows[2]["errors"] and rows[2]["recommended_route"] == ""


def test_formula_cells_are_guarded_in_the_csv_answer(client: FlaskClient) -> None:
    members = [
        {**MEMBERS[0], "name": FORMULA},
        {**MEMBERS[1], "name": "@SUM(A1)"},
        {**MEMBERS[0], "name": "-2+3"},
        {**MEMBERS[0], "name": "+cmd"},
    ]
    response = client.post(URL + "?format=csv", json={"members": members})
    names = [r["name"] for r in csv_rows(response)]
    assert names == ["'" + FORMULA, "'@SUM(A1)", "'-2+3", "'+cmd"]
    # JSON carries the names as given: guarding is for spreadsheets.
    body = plan_of(client.post(URL, json={"members": members}))
    assert body["members"][0]["name"] == FORMULA


def test_formula_cells_in_a_csv_roster_are_guarded_in_the_csv_answer(
    client: FlaskClient,
) -> None:
    data = roster(f'"{FORMULA.replace(chr(34), chr(34) * 2)}",agent,personal,2,,,,')
    response = post_csv(client, data, url=URL + "?format=csv")
    assert csv_rows(response)[0]["name"] == "'" + FORMULA


@pytest.mark.parametrize(
    ("url", "accept", "csv_answer"),
    [
        (URL, "application/json", False),
        (URL, "*/*", False),
        (URL, "text/html", False),
        (URL, "text/csv, */*;q=0.5", True),
        (URL + "?format=json", "text/csv", False),
        (URL + "?format=csv", "application/json", True),
    ],
)
def test_the_query_wins_over_the_accept_header(
    client: FlaskClient, url: str, accept: str, csv_answer: bool
) -> None:
    response = post_csv(client, roster(ANA), url=url, headers={"Accept": accept})
    assert response.status_code == 200
    assert (response.mimetype == "text/csv") is csv_answer


def test_an_unknown_format_is_a_422_naming_it(client: FlaskClient) -> None:
    response = post_csv(client, roster(ANA), url=URL + "?format=pdf")
    assert "format" in envelope(response, 422)["errors"]


def test_errors_stay_json_when_csv_is_asked_for(client: FlaskClient) -> None:
    response = post_csv(client, b"", url=URL + "?format=csv", headers={"Accept": "text/csv"})
    envelope(response, 422)


# --- the OpenAPI document ------------------------------------------------------------------


def test_the_operation_is_documented_with_its_bodies_and_answers(client: FlaskClient) -> None:
    document = client.get("/api/openapi.json").get_json()
    post = document["paths"][URL]["post"]
    assert post["summary"]
    assert set(post["requestBody"]["content"]) == {
        "application/json",
        "text/csv",
        "multipart/form-data",
    }
    json_body = post["requestBody"]["content"]["application/json"]["schema"]
    assert json_body["oneOf"][0] == {"$ref": "#/components/schemas/Roster"}
    assert json_body["oneOf"][1]["type"] == "array"
    # Any member is accepted (a bad one is reported in the plan), so none is promised a 422.
    assert document["components"]["schemas"]["Roster"]["properties"]["members"]["items"].keys() <= {
        "description",
        "example",
    }
    multipart = post["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert multipart["properties"]["file"] == {"type": "string", "format": "binary"}
    ok = post["responses"]["200"]["content"]
    assert ok["application/json"]["schema"] == {"$ref": "#/components/schemas/TeamPlan"}
    assert ok["text/csv"]["schema"]["type"] == "string"
    assert {"413", "415", "422"} <= set(post["responses"])
    assert [p["name"] for p in post["parameters"]] == ["format", "align", "fiscal_year_start"]
    assert {"413", "415", "422", "503"} <= set(post["responses"])
    schemas = document["components"]["schemas"]
    assert {"TeamPlan", "TeamMember", "TeamSummary", "CourseDemand"} <= set(schemas)
    member = schemas["TeamMember"]["properties"]
    assert {"row", "name", "recommended_route", "remaining_courses", "errors"} <= set(member)
