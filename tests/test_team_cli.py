"""The `career-path team-plan` command: three formats, stdin, -o, and its errors."""

from __future__ import annotations

import csv
import io
import json
import sys

import pytest

from recommender.cli import main
from recommender.team import EXPORT_COLUMNS

ROSTER = (
    "name,role,lines,years_experience,designations,completed_courses,goal,hours_per_week\n"
    "Ana,agent,personal,2,,,undecided,4\n"
    "Ben,underwriter,commercial,12,,,,\n"
    "Cy,agent,nowhere,2,,,,\n"
)


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "roster.csv"
    path.write_text(ROSTER, encoding="utf-8")
    return path


def run(capsys, *argv):
    status = main(["team-plan", *map(str, argv)])
    out, err = capsys.readouterr()
    return status, out, err


def test_the_table_shows_each_person_and_the_summary(capsys, roster):
    status, out, err = run(capsys, roster)
    assert status == 0
    assert err == ""
    assert "Team plan: 3 people, 2 planned, 1 with errors" in out
    assert "Ana" in out and "Ben" in out
    assert "lines: Must be one of: personal, commercial, both." in out
    assert "People per route:" in out
    assert "Course demand (most shared first" in out


def test_json_is_the_team_plan_object(capsys, roster):
    status, out, _ = run(capsys, roster, "--format", "json")
    plan = json.loads(out)
    assert status == 0
    assert [m["name"] for m in plan["members"]] == ["Ana", "Ben", "Cy"]
    assert plan["summary"]["routes"] == {"API": 1, "CPCU": 1, "API_THEN_CPCU": 0, "none": 0}
    assert plan["members"][2]["errors"] == {
        "lines": ["Must be one of: personal, commercial, both."]
    }


def test_csv_is_the_per_person_plan(capsys, roster):
    status, out, _ = run(capsys, roster, "--format", "csv")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    assert status == 0
    assert tuple(rows[0]) == EXPORT_COLUMNS
    assert [r[2] for r in rows[1:]] == ["Ana", "Ben", "Cy"]


def test_output_goes_to_a_file_with_o(capsys, roster, tmp_path):
    target = tmp_path / "plan.csv"
    status, out, _ = run(capsys, roster, "--format", "csv", "-o", target)
    assert status == 0
    assert out == ""
    assert target.read_bytes().startswith(b"row,line,name,recommended_route,")
    assert b"\r\n" in target.read_bytes()


def test_the_roster_may_come_from_stdin(capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(ROSTER.encode())))
    status, out, _ = run(capsys, "-", "--format", "json")
    assert status == 0
    assert len(json.loads(out)["members"]) == 3


def test_a_json_roster_file_is_read_too(capsys, tmp_path):
    path = tmp_path / "roster.json"
    members = [{"name": "Ana", "role": "agent", "lines": "personal", "years_experience": 2}]
    path.write_text(json.dumps({"members": members}), encoding="utf-8")
    status, out, _ = run(capsys, path, "--format", "json")
    assert status == 0
    assert json.loads(out)["members"][0]["recommended_route"] == "API"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,role\nAna,agent\n", "lacks required columns: lines, years_experience"),
        (ROSTER.replace("Cy", "Jos\xe9").encode("latin-1"), "not UTF-8 text"),
        (b"", "The roster is empty"),
        (ROSTER.splitlines()[0].encode() + b"\n", "header but no rows"),
    ],
)
def test_a_bad_roster_exits_2_with_one_line(capsys, tmp_path, content, message):
    path = tmp_path / "roster.csv"
    path.write_bytes(content)
    status, out, err = run(capsys, path)
    assert status == 2
    assert out == ""
    assert err.startswith("career-path: invalid roster: ")
    assert message in err
    assert err.count("\n") == 1


def test_a_roster_over_5_mib_exits_2(capsys, tmp_path):
    path = tmp_path / "roster.csv"
    path.write_bytes(b" " * (5 * 1024 * 1024 + 1))
    status, _, err = run(capsys, path)
    assert status == 2
    assert "larger than 5 MiB" in err


def test_a_missing_file_exits_2(capsys, tmp_path):
    status, _, err = run(capsys, tmp_path / "nope.csv")
    assert status == 2
    assert err.startswith("career-path: cannot read ")
    assert "No such file or directory" in err
    assert err.count("\n") == 1


def test_an_unwritable_output_exits_2(capsys, roster, tmp_path):
    status, _, err = run(capsys, roster, "-o", tmp_path)
    assert status == 2
    assert err.startswith("career-path: cannot write ")


def test_row_errors_are_not_fatal(capsys, roster):
    status, out, _ = run(capsys, roster, "--format", "csv")
    assert status == 0
    assert "lines: Must be one of" in out
