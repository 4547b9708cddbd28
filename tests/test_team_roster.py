"""Reading rosters: quotes left open never merge people; Excel workbooks; extra columns."""

from __future__ import annotations

import io
import zipfile

import openpyxl
import pytest
from flask.testing import FlaskClient

from recommender.errors import RosterError
from recommender.team import XLSX_TYPE, parse_roster, plan_team

HEADER = "name,role,lines,years_experience"


def names_and_errors(recommender, text):
    plan = plan_team(recommender, parse_roster(text))
    return [(m["name"], m["line"], m["errors"]) for m in plan["members"]]


def test_an_unterminated_quote_is_that_line_s_error_and_the_next_people_are_planned(recommender):
    text = "\n".join(
        [
            HEADER,
            "Ana,agent,personal,2",
            '"Ben,agent,personal,3',
            "Cy,claims,both,4",
            "Dee,agent,both,1",
        ]
    )
    members = names_and_errors(recommender, text + "\n")
    assert [(name, line) for name, line, _ in members] == [
        ("Ana", 2),
        ("", 3),
        ("Cy", 4),
        ("Dee", 5),
    ]
    assert members[0][2] == {} and members[2][2] == {} and members[3][2] == {}
    message = members[1][2]["_row"][0]
    assert message.startswith('Line 3 opens a quote (") that is never closed')
    assert all("\n" not in name for name, _, _ in members)  # nobody merged into a name


def test_a_quote_closed_lines_later_still_merges_nobody(recommender):
    text = "\n".join(
        [HEADER, 'Ana,"agent,personal,2', "Ben,agent,personal,3", 'Cy,"claims",both,4', ""]
    )
    members = names_and_errors(recommender, text)
    assert [m[0] for m in members] == ["", "Ben", "Cy"]
    assert "Line 2 opens a quote" in members[0][2]["_row"][0]
    assert members[1][2] == {} and members[2][2] == {}


def test_a_line_break_inside_a_quoted_extra_cell_without_commas_is_kept(recommender):
    text = (
        f'{HEADER},notes\nAna,agent,personal,2,"first line\nsecond line"\nBen,agent,personal,3,\n'
    )
    plan = plan_team(recommender, parse_roster(text))
    ana, ben = plan["members"]
    assert ana["extra"] == {"notes": "first line\nsecond line"} and not ana["errors"]
    assert ben["name"] == "Ben" and ben["line"] == 3


def test_every_person_out_is_a_person_in_whatever_the_quotes(recommender):
    lines = [f"{'' if n % 7 else chr(34)}P{n},agent,personal,{n % 9}" for n in range(1, 60)]
    plan = plan_team(recommender, parse_roster("\n".join([HEADER, *lines]) + "\n"))
    assert len(plan["members"]) == len(lines)
    assert [m["line"] for m in plan["members"]] == list(range(2, 2 + len(lines)))
    broken = [m["line"] for m in plan["members"] if m["errors"]]
    assert broken == [n + 1 for n in range(1, 60) if n % 7 == 0]


def workbook(rows, text_cells=()) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for coordinate in text_cells:  # a string that only looks like a formula
        sheet[coordinate].data_type = "s"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_an_excel_roster_is_read_from_its_first_sheet(recommender):
    data = workbook(
        [
            ["name", "role", "lines", "years_experience", "hours_per_week", "team"],
            ["Ana", "agent", "personal", 2, 4, "Sales"],
            ["=1+1", "claims", "both", 5.0, None, None],
            ["=2+2", "claims", "both", 5.0, None, None],
        ],
        text_cells=["A4"],
    )
    roster = parse_roster(data)
    assert roster.format == "xlsx"
    plan = plan_team(recommender, roster)
    ana, formula, text = plan["members"]
    assert ana["recommended_route"] and ana["extra"] == {"team": "Sales"} and ana["line"] == 2
    # Values only: a formula is never run, and one saved without a value has none.
    assert formula["name"] == "" and "name" in formula["errors"]
    assert text["name"] == "=2+2" and not text["errors"]


def test_a_zip_that_is_not_a_workbook_is_told_to_save_as_csv():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    with pytest.raises(RosterError, match="Save the sheet as 'CSV UTF-8'"):
        parse_roster(out.getvalue())


def test_the_api_reads_an_uploaded_workbook(client: FlaskClient):
    data = workbook([["name", "role", "lines", "years_experience"], ["Ana", "agent", "both", 3]])
    upload = client.post(
        "/api/v1/team-plans",
        data={"file": (io.BytesIO(data), "team.xlsx")},
        content_type="multipart/form-data",
    )
    body = client.post("/api/v1/team-plans", data=data, content_type=XLSX_TYPE)
    for response in (upload, body):
        assert response.status_code == 200
        assert response.get_json()["members"][0]["name"] == "Ana"


def test_json_extra_fields_are_passed_through(recommender):
    roster = parse_roster(
        '[{"name": "Ana", "role": "agent", "lines": "both", "years_experience": 3, '
        '"team": "North", "tags": ["a"]}]'
    )
    member = plan_team(recommender, roster)["members"][0]
    assert member["extra"] == {"team": "North", "tags": '["a"]'}
    assert member["line"] is None


def test_rows_differing_only_in_years_are_checked_as_each_row_alone_would_be(recommender):
    years = ["2", "ten", "99", "-1", "3.5", "", "1e400", "2"]
    rows = [f"P{n},agent,personal,{value}" for n, value in enumerate(years)]
    together = plan_team(recommender, parse_roster("\n".join([HEADER, *rows]) + "\n"))
    for row, member in zip(rows, together["members"], strict=True):
        alone = plan_team(recommender, parse_roster(f"{HEADER}\n{row}\n"))["members"][0]
        assert {**member, "row": 0, "line": 0} == {**alone, "row": 0, "line": 0}, row
    assert [bool(m["errors"]) for m in together["members"]] == [
        False,
        True,
        True,
        True,
        False,
        True,
        True,
        False,
    ]
