"""POST /api/v1/team-plans with messy, bad and oversized rosters: what is read, what is a 422
naming the field (or a 415 for another content type), never a 500; the size and row limits, the
app-wide body limit left alone (the ways in and the answers: test_team_api.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from team_helpers import HEADER
from team_plans_api import (
    ANA,
    BEN,
    CAI,
    MEMBERS,
    URL,
    envelope,
    multipart,
    plan_of,
    post_csv,
    roster,
    upload,
)

from recommender import create_app
from recommender.team import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS

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
