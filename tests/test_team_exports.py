"""Team plan files: the Excel workbook (read back with openpyxl), the calendar, the CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta

import icalendar
import openpyxl
import pytest
from flask.testing import FlaskClient

from recommender.ics import team_calendar
from recommender.team import (
    EXPORT_COLUMNS,
    XLSX_TYPE,
    export_csv,
    export_xlsx,
    parse_roster,
    plan_team,
)

HEADER = "name,role,lines,years_experience,completed_courses,start_date,team"
ROSTER = (
    "\n".join(
        [
            HEADER,
            "Ana,agent,personal,2,,2026-12-01,Sales",
            "=1+1,agent,personal,3,,2026-12-01,Sales",
            '"@SUM(A1:A2)",claims,both,5,CPCU 999,2026-12-01,Ops',
            "Bob,manager,personal,ten,,,Ops",
            "Eve,underwriter,commercial,1,,2027-01-10,",
        ]
    )
    + "\n"
)
URL = "/api/v1/team-plans"


@pytest.fixture(scope="module")
def plan(recommender):
    return plan_team(recommender, parse_roster(ROSTER), today=date(2026, 12, 2))


def test_the_workbook_has_people_schedule_and_budget_sheets(plan):
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(plan)))
    assert book.sheetnames == ["People", "Schedule", "Budget"]
    people = book["People"]
    rows = list(people.iter_rows(values_only=True))
    assert rows[0][:3] == ("Row", "Line", "Name") and rows[0][-1] == "team"
    assert [r[2] for r in rows[1:]] == ["Ana", "=1+1", "@SUM(A1:A2)", "Bob", "Eve"]
    assert [r[-1] for r in rows[1:]] == ["Sales", "Sales", "Ops", "Ops", None]
    cohorts = sum(len(w["cohorts"]) for w in plan["schedule"])
    assert book["Schedule"].max_row == 1 + cohorts
    budget = list(book["Budget"].iter_rows(values_only=True))
    assert budget[-1][0] == "Total" and budget[-1][-1] == plan["budget"]["total"]
    windows = [r for r in budget if r[0] == "Testing window"]
    assert len(windows) == len(plan["budget"]["by_window"])
    assert isinstance(windows[0][2], datetime)  # a real date cell


def test_names_like_formulas_stay_text_in_the_workbook(plan):
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(plan)))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    name = book["People"]["C3"]
    assert name.value == "=1+1" and name.data_type == "s"


def test_the_workbook_headers_are_frozen_and_the_columns_fit(plan):
    book = openpyxl.load_workbook(io.BytesIO(export_xlsx(plan)))
    for sheet in book.worksheets:
        assert sheet.freeze_panes == "A2"
    people = book["People"]
    assert people.column_dimensions["C"].width >= len("@SUM(A1:A2)")
    schedule = book["Schedule"]
    longest = max(len(str(c.value or "")) for c in schedule["D"])  # course titles
    assert schedule.column_dimensions["D"].width >= min(60, longest)


def test_the_calendar_has_an_event_per_cohort_naming_its_members_with_an_alarm(plan):
    calendar = icalendar.Calendar.from_ical(team_calendar(plan))
    events = list(calendar.walk("VEVENT"))
    cohorts = [(w, c) for w in plan["schedule"] for c in w["cohorts"]]
    assert len(events) == len(cohorts) > 0
    assert len({str(e["UID"]) for e in events}) == len(events)
    for event, (window, cohort) in zip(events, cohorts, strict=True):
        assert event.decoded("DTSTART") == date.fromisoformat(window["window_start"])
        end = date.fromisoformat(window["window_end"]) + timedelta(days=1)
        assert event.decoded("DTEND") == end
        assert cohort["code"] in str(event["SUMMARY"])
        for name in cohort["members"]:
            assert name in str(event["DESCRIPTION"])
        alarms = list(event.walk("VALARM"))
        assert len(alarms) == 1 and alarms[0].decoded("TRIGGER") < timedelta(0)


def test_the_csv_has_fees_warnings_and_the_extra_columns(plan):
    rows = list(csv.DictReader(io.StringIO(export_csv(plan), newline="")))
    assert list(rows[0]) == [*EXPORT_COLUMNS, "team"]
    assert [r["team"] for r in rows] == ["Sales", "Sales", "Ops", "Ops", ""]
    assert rows[1]["name"] == "'=1+1"  # guarded against formulas
    by_name = {m["name"]: m for m in plan["members"]}
    assert float(rows[0]["exam_fees"]) == by_name["Ana"]["estimated_cost"]["low"] > 0
    assert rows[0]["line"] == "2"
    assert "CPCU 999" in rows[2]["warnings"]
    assert rows[3]["errors"] and not rows[3]["exam_fees"]


@pytest.mark.parametrize(
    ("format_", "mimetype", "start"),
    [("xlsx", XLSX_TYPE, b"PK"), ("ics", "text/calendar", b"BEGIN:VCALENDAR")],
)
def test_the_api_answers_each_format(client: FlaskClient, format_, mimetype, start):
    response = client.post(URL + f"?format={format_}", data=ROSTER, content_type="text/csv")
    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert response.data.startswith(start)
    disposition = response.headers["Content-Disposition"]
    assert disposition == f'attachment; filename="team-plan.{format_}"'


def test_the_accept_header_can_ask_for_a_workbook(client: FlaskClient):
    response = client.post(URL, data=ROSTER, content_type="text/csv", headers={"Accept": XLSX_TYPE})
    assert response.mimetype == XLSX_TYPE


def test_the_api_takes_align_and_fiscal_year_start(client: FlaskClient):
    response = client.post(
        URL + "?align=true&fiscal_year_start=7", data=ROSTER, content_type="text/csv"
    )
    body = response.get_json()
    assert "alignment" in body
    assert all(y["starts"].endswith("-07-01") for y in body["budget"]["by_fiscal_year"])
    bad = client.post(URL + "?fiscal_year_start=13", data=ROSTER, content_type="text/csv")
    assert bad.status_code == 422 and "fiscal_year_start" in str(bad.get_json()["errors"])


@pytest.mark.parametrize("format_", ["xlsx", "ics", "csv"])
def test_the_web_page_downloads_each_format(client: FlaskClient, format_):
    data = {"roster": ROSTER, "align": "true", "fiscal_year_start": "4"}
    response = client.post(f"/team/plan.{format_}", data=data)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith(f'team-plan.{format_}"')


def test_the_cli_writes_a_workbook_and_a_calendar(tmp_path, capsys):
    from recommender.cli import main

    roster = tmp_path / "team.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    book, ics = tmp_path / "plan.xlsx", tmp_path / "plan.ics"
    assert main(["team-plan", str(roster), "--format", "xlsx", "-o", str(book)]) == 0
    assert openpyxl.load_workbook(book).sheetnames == ["People", "Schedule", "Budget"]
    assert main(["team-plan", str(roster), "--format", "ics", "--align", "-o", str(ics)]) == 0
    assert list(icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    assert main(["team-plan", str(roster), "--fiscal-year-start", "7"]) == 0
    out = capsys.readouterr().out
    assert "Schedule (who sits which exam" in out and "By fiscal year:" in out
