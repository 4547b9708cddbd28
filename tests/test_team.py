"""Team plans: reading messy rosters, planning each row, the team summary, the CSV export."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from recommender.errors import RosterError, RosterTooLarge, RosterTooManyRows
from recommender.planner import plan_months
from recommender.team import (
    EXPORT_COLUMNS,
    TeamPlanSchema,
    export_csv,
    format_table,
    guard_cell,
    parse_csv_roster,
    parse_json_roster,
    parse_roster,
    plan_team,
    read_limited,
    roster_template,
)

HEADER = "name,role,lines,years_experience,designations,completed_courses,goal,hours_per_week"


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


def plan(recommender, text, **limits):
    return plan_team(recommender, parse_roster(text, **limits))


def by_row(result):
    return {m["row"]: m for m in result["members"]}


# --- expectations written from docs/policy.md, not from the code's output ----------------------

FOUNDATION = ["CPCU 500", "CPCU 520", "CPCU 530", "CPCU 540", "CPCU 550"]
API_PATH_2 = ["ETH 311", "API 29", "CPCU 555", "CPCU 556"]
CPCU_COMMERCIAL = ["ETH 311", *FOUNDATION, "CPCU 551", "CPCU 552", "CPCU 555"]
COMBINED = ["ETH 311", "API 29", "CPCU 555", "CPCU 556", *FOUNDATION, "CPCU 551"]
CATALOG_ORDER = [
    "API 29",
    "API 28",
    "AINS 21",
    "AINS 22",
    *FOUNDATION,
    "CPCU 551",
    "CPCU 552",
    "CPCU 555",
    "CPCU 556",
    "ETH 311",
]


def study_hours(courses):
    """Catalog bands: 70-100 hours a course, 2-4 for the ethics exam."""
    low = sum(2 if c == "ETH 311" else 70 for c in courses)
    high = sum(4 if c == "ETH 311" else 100 for c in courses)
    return low, high


TEAM = csv_text(
    "Ana,agent,personal,2,,,undecided,4",  # row 10: API
    "Ben,underwriter,commercial,12,,,,",  # row 5: CPCU, commercial concentration
    "Cy,agent,personal,5,,,,",  # row 11: the combined route
    "Dee,claims,both,1,API;CPCU,,,",  # row 1: none
    "Eve,agent,personal,2,,,undecided,4",  # Ana's profile again
    "Fay,agent,nowhere,2,,,,",  # bad row
)
TEAM_ROUTES = {
    "Ana": API_PATH_2,
    "Ben": CPCU_COMMERCIAL,
    "Cy": COMBINED,
    "Dee": [],
    "Eve": API_PATH_2,
}


def test_the_summary_counts_people_per_route(recommender):
    summary = plan(recommender, TEAM)["summary"]
    assert summary["routes"] == {"API": 2, "CPCU": 1, "API_THEN_CPCU": 1, "none": 1}
    assert (summary["people"], summary["planned"], summary["with_errors"]) == (6, 5, 1)


def test_each_member_gets_the_courses_of_their_recommended_route(recommender):
    members = {m["name"]: m for m in plan(recommender, TEAM)["members"]}
    for name, courses in TEAM_ROUTES.items():
        assert sorted(members[name]["remaining_courses"]) == sorted(courses), name
        low, high = study_hours(courses)
        assert members[name]["study_hours"] == {"low": low, "high": high}, name
    assert members["Dee"]["recommended_route"] is None
    assert members["Dee"]["estimated_months"] == {"low": 0, "high": 0}


def test_course_demand_counts_people_most_shared_first_ties_in_catalog_order(recommender):
    demand = plan(recommender, TEAM)["summary"]["course_demand"]
    counts: dict[str, int] = {}
    for courses in TEAM_ROUTES.values():
        for code in courses:
            counts[code] = counts.get(code, 0) + 1
    expected = sorted(counts, key=lambda c: (-counts[c], CATALOG_ORDER.index(c)))
    assert [d["code"] for d in demand] == expected
    assert {d["code"]: d["members"] for d in demand} == counts
    assert demand[0] == {
        "code": "CPCU 555",
        "title": "Advancing Personal Insurance Products",
        "members": 4,
    }


def test_total_study_hours_is_a_low_high_band_over_planned_members(recommender):
    total = plan(recommender, TEAM)["summary"]["total_study_hours"]
    bands = [study_hours(courses) for courses in TEAM_ROUTES.values()]
    assert total == {"low": sum(b[0] for b in bands), "high": sum(b[1] for b in bands)}
    assert total == {"low": 212 * 2 + 562 + 632, "high": 304 * 2 + 804 + 904}


def test_months_are_those_of_the_single_recommendation(recommender):
    result = plan(recommender, csv_text("Ana,broker,both,7,,,,6"))
    profile = recommender.load_profile(
        {"role": "broker", "lines": "both", "years_experience": 7, "hours_per_week": 6}
    )
    single = recommender.recommend(profile)
    route = next(r for r in single["routes"] if r["route"] == single["recommended_route"])
    member = result["members"][0]
    assert member["recommended_route"] == single["recommended_route"]
    assert member["estimated_months"] == route["estimated_months"]
    assert member["remaining_courses"] == [c["code"] for c in route["remaining_courses"]]


def test_a_team_with_no_courses_left_has_empty_demand(recommender):
    summary = plan(recommender, csv_text("Dee,claims,commercial,9,CPCU,,,"))["summary"]
    assert summary["routes"]["none"] == 1
    assert summary["course_demand"] == []
    assert summary["total_study_hours"] == {"low": 0, "high": 0}


def test_the_plan_has_the_schema_shape(recommender):
    result = plan(recommender, TEAM)
    assert TeamPlanSchema().validate(result) == {}
    assert TeamPlanSchema().dump(result) == result


# --- rows in, rows out ---------------------------------------------------------------------


def test_every_row_gets_a_result_numbered_from_the_first_data_row(recommender):
    result = plan(recommender, TEAM)
    assert [m["row"] for m in result["members"]] == [1, 2, 3, 4, 5, 6]
    assert [m["name"] for m in result["members"]] == ["Ana", "Ben", "Cy", "Dee", "Eve", "Fay"]


def test_a_bad_row_names_field_and_message_and_the_good_rows_are_still_planned(recommender):
    members = by_row(plan(recommender, TEAM))
    assert members[6]["errors"] == {"lines": ["Must be one of: personal, commercial, both."]}
    assert members[6]["recommended_route"] is None
    assert members[6]["estimated_months"] is None
    assert all(not members[n]["errors"] for n in range(1, 6))


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


# --- caching -------------------------------------------------------------------------------


def test_identical_profiles_share_one_evaluation(recommender, monkeypatch):
    calls = []
    chosen_plan = recommender.chosen_plan
    monkeypatch.setattr(
        recommender, "chosen_plan", lambda p, f: calls.append(p) or chosen_plan(p, f)
    )
    rows = [
        f"Person {n},{role},personal,{years},,,,"
        for n, (role, years) in enumerate([("agent", "3"), ("claims", "3"), ("agent", "3.0")] * 40)
    ]
    result = plan(recommender, csv_text(*rows))
    assert len(result["members"]) == 120
    assert len(calls) == 2  # "3" and "3.0" years are the same profile
    assert len({m["recommended_route"] for m in result["members"]}) == 1


def test_profiles_the_rules_cannot_tell_apart_share_one_engine_run(recommender, monkeypatch):
    runs = []
    fired_rules = recommender.fired_rules
    monkeypatch.setattr(recommender, "fired_rules", lambda p: runs.append(p) or fired_rules(p))
    hours = ["", "2", "6", "10"]
    rows = [f"P{h},agent,personal,3,,CPCU 500,,{h}" for h in hours]
    result = plan(recommender, csv_text(*rows, "Q,agent,personal,3,,,,"))
    assert len(runs) == 1  # hours a week and courses passed are not in the rules' fact
    months = {m["name"]: m["estimated_months"]["high"] for m in result["members"]}
    assert months["P2"] > months["P10"]  # ...but they still change each person's plan
    assert result["members"][-1]["remaining_courses"] != result["members"][0]["remaining_courses"]


def test_identical_rows_are_validated_once(recommender, monkeypatch):
    calls = []
    load = recommender.load_profile
    monkeypatch.setattr(recommender, "load_profile", lambda d: calls.append(d) or load(d))
    rows = [f"P{n},agent,personal,3,,,," for n in range(50)] + ["Q,agent,x,3,,,,"] * 50
    result = plan(recommender, csv_text(*rows))
    assert len(calls) == 2
    assert result["summary"]["with_errors"] == 50


def test_cached_results_are_not_shared_between_members(recommender):
    members = plan(recommender, csv_text(*["Ana,agent,personal,3,,,,"] * 2))["members"]
    members[0]["remaining_courses"].clear()
    members[0]["estimated_months"]["low"] = -1
    assert members[1]["remaining_courses"]
    assert members[1]["estimated_months"]["low"] >= 0


# --- export --------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=HYPERLINK()"])
def test_a_cell_that_a_spreadsheet_would_run_is_neutralised(text):
    assert guard_cell(text) == "'" + text


@pytest.mark.parametrize(("value", "cell"), [("Ana", "Ana"), ("", ""), (None, ""), (12, "12")])
def test_ordinary_cells_are_left_alone(value, cell):
    assert guard_cell(value) == cell


def test_the_csv_export_has_a_row_per_member_with_guarded_names(recommender):
    text = csv_text(
        "=cmd|'/c calc'!A0,agent,personal,2,,,,",
        "-Bob,claims,both,1,API;CPCU,,,",
        "@Cy,agent,nowhere,2,,,,",
    )
    planned = plan(recommender, text)
    rows = list(csv.DictReader(io.StringIO(export_csv(planned), newline="")))
    assert list(rows[0]) == list(EXPORT_COLUMNS)
    assert [r["row"] for r in rows] == ["1", "2", "3"]
    assert [r["name"] for r in rows] == ["'=cmd|'/c calc'!A0", "'-Bob", "'@Cy"]
    assert rows[0]["recommended_route"] == "API"
    assert rows[0]["remaining_courses"].split("; ") == API_PATH_2
    # Issue 18, one clock: the months are those of the member's own dated plan (windows, the
    # per-window limit), no longer the study hours alone (12 to 18 at 4 hours a week).
    months = plan_months(planned["members"][0]["exam_schedule"], date.today())
    assert (rows[0]["courses_left"], rows[0]["months_low"], rows[0]["months_high"]) == (
        "4",
        str(months["low"]),
        str(months["high"]),
    )
    assert (rows[0]["study_hours_low"], rows[0]["study_hours_high"]) == ("212", "304")
    assert rows[1]["recommended_route"] == "none"
    assert rows[1]["remaining_courses"] == ""
    assert rows[2]["recommended_route"] == ""
    assert rows[2]["errors"] == "lines: Must be one of: personal, commercial, both."


def test_the_csv_export_can_start_with_a_bom_for_excel(recommender):
    result = plan(recommender, csv_text("Ana,agent,personal,2,,,,"))
    assert export_csv(result, bom=True).startswith("\ufeffrow,line,name,")
    assert export_csv(result).startswith("row,line,name,")


def test_the_table_lists_people_and_the_summary(recommender):
    table = format_table(plan(recommender, TEAM))
    assert "Team plan: 6 people, 5 planned, 1 with errors" in table
    assert "lines: Must be one of" in table
    assert "Course demand (most shared first" in table
    assert "Total study hours: 1,618 to 2,316" in table


def test_the_template_has_a_header_and_two_rows_that_plan_cleanly(recommender):
    text = roster_template()
    assert text.splitlines()[0] == HEADER
    result = plan(recommender, text)
    assert len(result["members"]) == 2
    assert result["summary"]["with_errors"] == 0
    assert result["notices"] == []


def test_unhashable_json_values_are_validated_without_the_cache(recommender):
    data = [{"name": "Ana", "role": "agent", "lines": "personal", "years_experience": 3}] * 2
    data = [*data, {**data[0], "designations": {"API": True}}]
    members = plan_team(recommender, parse_json_roster(data))["members"]
    assert [bool(m["errors"]) for m in members] == [False, False, True]
    assert list(members[2]["errors"]) == ["designations"]


def test_the_table_keeps_a_multi_line_name_on_one_line(recommender):
    table = format_table(plan(recommender, csv_text('"Ana\nMaria",agent,personal,3,,,,')))
    assert "Ana Maria" in table


def test_team_costs_sum_each_members_recommended_route(recommender) -> None:
    from recommender.team import parse_roster, plan_team

    roster = parse_roster(
        "name,role,lines,years_experience,discounts\n"
        "Ana,agent,personal,4,\n"
        "Bo,underwriter,commercial,12,early_purchase;student_teacher_regulator\n"
        "Cy,claims,personal,12,\n"
        "Dee,pilot,personal,3,\n"
    )
    # Cy holds nothing: undecided with 12 years -> CPCU.
    plan = plan_team(recommender, roster)
    members = plan["members"]
    expected = []
    for data in (
        {"role": "agent", "lines": "personal", "years_experience": 4},
        {
            "role": "underwriter",
            "lines": "commercial",
            "years_experience": 12,
            "discounts": ["early_purchase", "student_teacher_regulator"],
        },
        {"role": "claims", "lines": "personal", "years_experience": 12},
    ):
        answer = recommender.recommend(recommender.load_profile(data))
        chosen = next(r for r in answer["routes"] if r["route"] == answer["recommended_route"])
        expected.append(chosen["estimated_cost"]["low"])
    assert [m["estimated_cost"]["low"] for m in members[:3]] == expected
    assert members[3]["estimated_cost"] is None  # a bad row costs nothing
    total = plan["summary"]["total_cost"]
    assert total["low"] == total["high"] == sum(expected)
    assert total["currency"] == "USD" and total["verified"] is False
    assert expected[1] < expected[2]  # the discounts count


def test_a_name_that_is_not_valid_unicode_is_a_row_error_and_exports_safely(recommender) -> None:
    from recommender.team import export_csv, parse_json_roster, plan_team

    roster = parse_json_roster(
        {
            "members": [
                {"name": "\ud800x", "role": "agent", "lines": "personal", "years_experience": 3},
                {"name": "Ana", "role": "agent", "lines": "personal", "years_experience": 3},
            ]
        }
    )
    plan = plan_team(recommender, roster)
    assert "name" in plan["members"][0]["errors"]
    assert plan["members"][1]["recommended_route"] == "API_THEN_CPCU"
    export_csv(plan).encode("utf-8")  # no UnicodeEncodeError


def test_a_members_plan_matches_the_recommendation_for_the_same_person(recommender) -> None:
    from recommender.team import parse_roster, plan_team

    data = {
        "role": "claims",
        "lines": "both",
        "years_experience": 3.5,
        "completed_courses": ["CPCU 500"],
        "hours_per_week": 6,
        "discounts": ["early_purchase"],
    }
    roster = parse_roster(
        "name,role,lines,years_experience,completed_courses,hours_per_week,discounts\n"
        "Ana,claims,both,3.5,CPCU 500,6,early_purchase\n"
    )
    member = plan_team(recommender, roster)["members"][0]
    answer = recommender.recommend(recommender.load_profile(data))
    chosen = next(r for r in answer["routes"] if r["route"] == answer["recommended_route"])
    assert member["recommended_route"] == answer["recommended_route"]
    assert member["remaining_courses"] == [c["code"] for c in chosen["remaining_courses"]]
    assert member["estimated_months"] == chosen["estimated_months"]
    assert member["estimated_cost"]["low"] == chosen["estimated_cost"]["low"]


def test_members_differing_only_in_years_get_their_own_bands_answer(recommender) -> None:
    from recommender.team import parse_roster, plan_team

    # Years on both sides of every threshold the rules compare with, several per band.
    years = [0, 0.5, 0.99, 1, 1.5, 1.99, 2, 2.5, 2.99, 3, 5, 9.99, 10, 12, 40]
    header = "name,role,lines,years_experience,goal,start_date\n"
    rows = "".join(f"P{n},agent,personal,{y},undecided,2027-01-04\n" for n, y in enumerate(years))
    members = plan_team(recommender, parse_roster(header + rows))["members"]
    seen = set()
    for member, y in zip(members, years, strict=True):
        profile = {"role": "agent", "lines": "personal", "years_experience": y}
        answer = recommender.recommend(
            recommender.load_profile({**profile, "start_date": "2027-01-04"})
        )
        chosen = next(r for r in answer["routes"] if r["route"] == answer["recommended_route"])
        assert member["recommended_route"] == answer["recommended_route"], y
        assert member["exam_schedule"] == chosen["exam_schedule"], y
        seen.add(member["recommended_route"])
    assert seen == {"API", "API_THEN_CPCU", "CPCU"}  # the bands really differ
