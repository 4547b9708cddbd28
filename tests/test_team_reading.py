"""Team rosters read: messy rows (each reported by field, the good ones still planned), cell and
header formats, whole-file errors, the size and row limits, JSON rosters, and the template (the
plans themselves, their summary and export: test_team.py)."""

from __future__ import annotations

import io

import pytest
from team_helpers import HEADER, by_row, csv_text, plan

from recommender.errors import RosterError, RosterTooLarge, RosterTooManyRows
from recommender.team import (
    parse_csv_roster,
    parse_json_roster,
    parse_roster,
    plan_team,
    read_limited,
    roster_template,
)

# --- messy rows ------------------------------------------------------------------------------


def test_an_unknown_course_code_is_left_out_with_a_warning_naming_it(recommender):
    member = plan(recommender, csv_text("Gus,agent,personal,3,,CPCU 999;CPCU 500,,"))["members"][0]
    assert member["errors"] == {}
    assert member["recommended_route"] is not None
    assert "CPCU 500" not in member["remaining_courses"]  # the known course is still credited
    assert len(member["warnings"]) == 1
    assert "'CPCU 999'" in member["warnings"][0] and "Line 2" in member["warnings"][0]


def test_several_bad_fields_are_all_reported(recommender):
    member = plan(recommender, csv_text("Gus,pilot,personal,ten,,,someday,0"))["members"][0]
    assert set(member["errors"]) == {"role", "years_experience", "goal", "hours_per_week"}


def test_a_blank_required_cell_is_reported_as_missing(recommender):
    members = by_row(plan(recommender, csv_text("Gus,agent,personal,,,,,", "Hal,agent")))
    assert members[1]["errors"] == {"years_experience": ["Missing data for required field."]}
    assert set(members[2]["errors"]) == {"lines", "years_experience"}


def test_a_row_without_a_name_is_an_error(recommender):
    member = plan(recommender, csv_text(" ,agent,personal,3,,,,"))["members"][0]
    assert list(member["errors"]) == ["name"]
    assert member["name"] == ""


def test_an_unquoted_comma_shifting_filled_cells_is_reported_alone(recommender):
    member = plan(recommender, csv_text("Smith, Ana,agent,personal,3,AINS,,,6"))["members"][0]
    assert list(member["errors"]) == ["_row"]
    assert "9 cells but the header has 8" in member["errors"]["_row"][0]


def test_a_bad_row_with_more_cells_than_the_header_gets_a_hint(recommender):
    member = plan(recommender, csv_text("Smith, Ana,agent,personal,3,,,,"))["members"][0]
    assert {"role", "lines", "_row"} <= set(member["errors"])
    assert "double quotes" in member["errors"]["_row"][0]


def test_trailing_empty_cells_are_fine(recommender):
    member = plan(recommender, csv_text("Ana,agent,personal,3,,,,,,,"))["members"][0]
    assert member["errors"] == {}


def test_blank_rows_are_skipped_but_keep_their_number(recommender):
    text = csv_text("Ana,agent,personal,3,,,,", "", ",,,,,,,", "  ", "Ben,agent,personal,3,,,,")
    result = plan(recommender, text)
    assert [m["row"] for m in result["members"]] == [1, 5]
    assert "Skipped 3 blank lines: 3, 4, 5." in result["notices"]


def test_duplicate_names_are_planned_separately_and_noticed(recommender):
    text = csv_text("Ana,agent,personal,3,,,,", "Ana,claims,commercial,3,,,,")
    result = plan(recommender, text)
    assert [m["recommended_route"] for m in result["members"]] == ["API_THEN_CPCU", "CPCU"]
    assert any("Ana (lines 2, 3)" in n for n in result["notices"])


# --- cell and header formats ---------------------------------------------------------------


def test_lists_in_a_cell_are_separated_by_semicolons(recommender):
    text = csv_text('Ana,agent,personal,3,AINS; CISR,"cpcu500;CPCU 520;",,')
    roster = parse_csv_roster(text)
    assert roster.rows[0].data["designations"] == ["AINS", "CISR"]
    assert roster.rows[0].data["completed_courses"] == ["cpcu500", "CPCU 520"]
    member = plan_team(recommender, roster)["members"][0]
    assert "CPCU 500" not in member["remaining_courses"]
    assert "AINS 21" not in member["remaining_courses"]


def test_spreadsheet_spellings_of_words_are_accepted(recommender):
    member = plan(recommender, csv_text("Ana,Customer Service,Personal,3,,,Quick-Credential,"))[
        "members"
    ][0]
    assert member["errors"] == {}
    assert member["recommended_route"] == "API"


def test_header_names_are_folded_and_extra_columns_ignored_with_a_notice(recommender):
    header = " Name ,Role,Lines,Years Experience,Email,Department"
    result = plan(recommender, csv_text("Ana,agent,personal,3,a@x,Sales", header=header))
    assert result["members"][0]["errors"] == {}
    assert "Passed through, not used for planning: Email, Department." in result["notices"]


def test_optional_columns_may_be_left_out(recommender):
    header = "name,role,lines,years_experience"
    result = plan(recommender, csv_text("Ana,agent,personal,3", header=header))
    assert result["members"][0]["recommended_route"] == "API_THEN_CPCU"
    assert result["notices"] == []


def test_an_id_column_may_name_people(recommender):
    header = "id,role,lines,years_experience"
    result = plan(recommender, csv_text("E-1042,agent,personal,3", header=header))
    assert result["members"][0]["name"] == "E-1042"


def test_with_both_name_and_id_the_name_is_used(recommender):
    header = "id,name,role,lines,years_experience"
    result = plan(recommender, csv_text("E-1,Ana,agent,personal,3", header=header))
    assert result["members"][0]["name"] == "Ana"
    assert any("id column" in n for n in result["notices"])


def test_a_utf8_bom_is_stripped():
    data = ("\ufeff" + csv_text("José,agent,personal,3,,,,")).encode("utf-8")
    assert parse_csv_roster(data).rows[0].name == "José"
    assert parse_csv_roster(data.decode("utf-8")).rows[0].name == "José"


def test_crlf_line_ends_are_fine(recommender):
    data = csv_text("Ana,agent,personal,3,,,,", "Ben,agent,personal,3,,,,").replace("\n", "\r\n")
    result = plan(recommender, data.encode())
    assert [m["name"] for m in result["members"]] == ["Ana", "Ben"]
    assert all(not m["errors"] for m in result["members"])


def test_a_quoted_cell_may_span_lines():
    roster = parse_csv_roster(csv_text('"Ana\nMaria",agent,personal,3,,,,', "Ben,agent,b,3,,,,"))
    assert [(r.row, r.name) for r in roster.rows] == [(1, "Ana\nMaria"), (2, "Ben")]


# --- whole-file errors ---------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", "", " \n\r\n", b"\xef\xbb\xbf", ",,,\n,,\n"])
def test_an_empty_file_is_a_clear_error(data):
    with pytest.raises(RosterError, match="The roster is empty") as caught:
        parse_roster(data)
    assert caught.value.kind == "empty"


def test_a_header_without_rows_is_an_error():
    with pytest.raises(RosterError, match="header but no rows") as caught:
        parse_roster(csv_text("", ",,,,,,,"))
    assert caught.value.kind == "no_rows"


def test_missing_required_columns_are_named():
    with pytest.raises(RosterError) as caught:
        parse_roster(csv_text("Ana,agent", header="name,role,goal"))
    assert "lacks required columns: lines, years_experience." in caught.value.message
    assert caught.value.errors == {"columns": [caught.value.message]}


def test_a_missing_name_column_is_named():
    with pytest.raises(RosterError, match=r"column: name \(or id\)\."):
        parse_roster(csv_text("agent,personal,3", header="role,lines,years_experience"))


def test_a_semicolon_separated_file_gets_a_hint():
    with pytest.raises(RosterError, match="separate columns with ';'"):
        parse_roster(HEADER.replace(",", ";") + "\nAna;agent;personal;3;;;;\n")


def test_a_column_twice_is_an_error():
    with pytest.raises(RosterError, match=r"'role' appears twice \(columns B and E\)"):
        parse_roster(csv_text("Ana,agent,personal,3,agent", header="name,role,lines,years,role"))


def test_non_utf8_bytes_are_a_clear_error():
    data = csv_text("Ana,agent,personal,3,,,,", "José,agent,personal,3,,,,").encode("latin-1")
    with pytest.raises(RosterError, match=r"not UTF-8 text \(byte 0xe9 on line 3\)") as caught:
        parse_roster(data)
    assert caught.value.kind == "not_utf8"


def test_a_cell_over_the_field_limit_is_that_line_s_error_in_words(recommender):
    too_long = "x" * 200_000  # over the csv module's field size limit
    result = plan(
        recommender, csv_text(f'"{too_long}",agent,personal,3,,,,', "Bo,agent,personal,3,,,,")
    )
    first, second = result["members"]
    message = first["errors"]["_row"][0]
    assert message.startswith("Line 2 has a cell longer than 131,072 characters")
    assert "field limit" not in message  # the csv module's words are not a person's
    assert second["name"] == "Bo" and not second["errors"]


# --- limits --------------------------------------------------------------------------------


def test_a_roster_over_the_size_limit_is_too_large():
    data = csv_text("Ana,agent,personal,3,,,,").encode()
    parse_roster(data, max_bytes=len(data))
    with pytest.raises(RosterTooLarge, match="larger than 100 bytes") as caught:
        parse_roster(data + b"x" * 100, max_bytes=100)
    assert isinstance(caught.value, RosterError)
    assert caught.value.limit == 100


def test_the_size_limit_counts_bytes_of_text_not_characters():
    text = csv_text("Zoë,agent,personal,3,,,,")
    with pytest.raises(RosterTooLarge):
        parse_roster(text, max_bytes=len(text))


def test_the_default_size_limit_is_5_mib():
    with pytest.raises(RosterTooLarge, match="larger than 5 MiB"):
        parse_roster(b" " * (5 * 1024 * 1024 + 1))


def test_a_roster_over_the_row_limit_has_too_many_rows():
    rows = ["Ana,agent,personal,3,,,,"] * 3
    assert len(parse_roster(csv_text(*rows, ""), max_rows=3).rows) == 3
    with pytest.raises(RosterTooManyRows, match="more than 2 rows") as caught:
        parse_roster(csv_text(*rows), max_rows=2)
    assert not isinstance(caught.value, RosterTooLarge)
    assert caught.value.kind == "too_many_rows"


def test_read_limited_refuses_a_stream_over_the_limit():
    assert read_limited(io.BytesIO(b"x" * 10), max_bytes=10) == b"x" * 10
    with pytest.raises(RosterTooLarge):
        read_limited(io.BytesIO(b"x" * 11), max_bytes=10)


# --- JSON ----------------------------------------------------------------------------------

MEMBERS = [
    {"name": "Ana", "role": "agent", "lines": "personal", "years_experience": 2},
    {"id": 17, "role": "underwriter", "lines": "commercial", "years_experience": 12},
    {"name": "Cy", "role": "agent", "lines": "both", "years_experience": 3, "team": "North"},
    "not a member",
    {"name": "Dee", "role": "agent", "years_experience": 3, "completed_courses": ["CPCU 999"]},
]


@pytest.mark.parametrize("data", [MEMBERS, {"members": MEMBERS}])
def test_a_json_roster_is_planned_row_by_row(recommender, data):
    result = plan_team(recommender, parse_json_roster(data))
    members = by_row(result)
    assert list(members) == [1, 2, 3, 4, 5]
    assert members[1]["recommended_route"] == "API"
    assert members[2]["name"] == "17"
    assert members[2]["recommended_route"] == "CPCU"
    assert members[4]["errors"] == {"_row": ["A member must be an object of profile fields."]}
    assert set(members[5]["errors"]) == {"lines"}  # the unknown course is only a warning
    assert "CPCU 999" in members[5]["warnings"][0]
    assert members[3]["extra"] == {"team": "North"}
    assert "Passed through, not used for planning: team." in result["notices"]


def test_json_text_is_recognised_by_parse_roster():
    roster = parse_roster(b'\xef\xbb\xbf {"members": [{"name": "Ana"}]}')
    assert roster.format == "json"
    assert roster.rows[0].name == "Ana"


@pytest.mark.parametrize(
    ("data", "kind"),
    [
        ('{"members": [', "bad_json"),
        ('{"people": []}', "bad_json"),
        ('{"members": []}', "no_rows"),
        ("[]", "no_rows"),
        ("[" * 50_000 + "]" * 50_000, "bad_json"),  # nested past Python's recursion limit
        ('{"members": [' + "9" * 5000 + "]}", "bad_json"),  # past Python's digit limit
    ],
)
def test_a_bad_json_roster_is_a_clear_error(data, kind):
    with pytest.raises(RosterError) as caught:
        parse_roster(data)
    assert caught.value.kind == kind


def test_a_json_member_without_a_name_is_an_error(recommender):
    data = [{"role": "agent", "lines": "personal", "years_experience": 3, "name": True}]
    member = plan_team(recommender, parse_json_roster(data))["members"][0]
    assert list(member["errors"]) == ["name"]


def test_the_json_row_limit_applies():
    with pytest.raises(RosterTooManyRows):
        parse_json_roster([{}] * 3, max_rows=2)


# --- the template ---------------------------------------------------------------------------


def test_the_template_has_a_header_and_two_rows_that_plan_cleanly(recommender):
    text = roster_template()
    assert text.splitlines()[0] == HEADER
    result = plan(recommender, text)
    assert len(result["members"]) == 2
    assert result["summary"]["with_errors"] == 0
    assert result["notices"] == []
