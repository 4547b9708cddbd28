"""Team plans: planning each row, the team summary, caching, the CSV export and the table, the
costs, each member's plan as the single recommendation's (reading rosters:
test_team_reading.py)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from team_helpers import by_row, csv_text, plan

from recommender.planner import plan_months
from recommender.team import (
    EXPORT_COLUMNS,
    TeamPlanSchema,
    export_csv,
    format_table,
    guard_cell,
    parse_json_roster,
    plan_team,
)

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
