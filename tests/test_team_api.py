"""POST /api/v1/team-plans through the test client: the three ways in (JSON, CSV and uploads),
the CSV answer and its formula guard, the OpenAPI document (messy rosters and the limits:
test_team_api_rosters.py)."""

from __future__ import annotations

import csv
import io
import json

import pytest
from flask.testing import FlaskClient
from team_plans_api import ANA, BEN, CAI, MEMBERS, URL, envelope, plan_of, post_csv, roster, upload
from werkzeug.test import TestResponse

from recommender.recommendation import Recommender
from recommender.team import EXPORT_COLUMNS, TeamPlanSchema, parse_roster, plan_team


def csv_rows(response: TestResponse) -> list[dict[str, str]]:
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # so that Excel reads UTF-8
    return list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff"), newline="")))


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
