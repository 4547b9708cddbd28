"""`career-path rules diff`: every profile whose recommendation a rule change moves."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from recommender.cli import main
from recommender.config import DEFAULT_RULES_DIR


def move_leadership_threshold(rules: Path, years: int) -> None:
    path = rules / "decision.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "years_below: 10\n    recommend: API_THEN_CPCU",
        f"years_below: {years}\n    recommend: API_THEN_CPCU",
        1,
    ).replace(
        "years_at_least: 10\n    recommend: CPCU",
        f"years_at_least: {years}\n    recommend: CPCU",
        1,
    )
    path.write_text(text, encoding="utf-8")


@pytest.mark.slow
def test_identical_rules_change_nothing_and_exit_0(
    capsys: pytest.CaptureFixture[str], rules_copy: Path
) -> None:
    code = main(["rules", "diff", str(DEFAULT_RULES_DIR), str(rules_copy)])
    out = capsys.readouterr().out
    assert code == 0
    assert " 0 of " in out and "profiles change their recommended route" in out


@pytest.mark.slow
def test_a_moved_threshold_reports_who_moves_from_what_to_what_by_which_rule(
    capsys: pytest.CaptureFixture[str], rules_copy: Path
) -> None:
    move_leadership_threshold(rules_copy, 8)
    code = main(["rules", "diff", str(DEFAULT_RULES_DIR), str(rules_copy)])
    out = capsys.readouterr().out
    assert code == 1
    lines = out.splitlines()
    moves = [line for line in lines if line.startswith("role=")]
    # Only leadership goals with 8 to under 10 years move, from the combined route to the CPCU.
    assert moves and all("goal=advance_to_leadership" in m for m in moves)
    assert all(
        m.endswith("API_THEN_CPCU (by goal-leadership-combined) -> CPCU (by goal-leadership-cpcu)")
        for m in moves
    )
    years = {float(m.split("years=")[1].split()[0]) for m in moves}
    assert years and all(8 <= y < 10 for y in years)
    count = int(lines[1].split()[0].replace(",", ""))
    assert count == len(moves)
    assert f"{count:,} of " in lines[0]


def test_profiles_can_come_from_a_roster_file(
    capsys: pytest.CaptureFixture[str], rules_copy: Path, tmp_path: Path
) -> None:
    move_leadership_threshold(rules_copy, 8)
    roster = tmp_path / "people.json"
    roster.write_text(
        json.dumps(
            {
                "members": [
                    {
                        "name": "Ana",
                        "role": "agent",
                        "lines": "personal",
                        "years_experience": 9,
                        "goal": "advance_to_leadership",
                    },
                    {
                        "name": "Bo",
                        "role": "agent",
                        "lines": "personal",
                        "years_experience": 5,
                        "goal": "advance_to_leadership",
                    },
                    {"name": "Cy", "role": "pilot", "lines": "personal", "years_experience": 5},
                ]
            }
        )
    )
    code = main(
        ["rules", "diff", str(DEFAULT_RULES_DIR), str(rules_copy), "--profiles", str(roster)]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert "1 of 2 profiles change" in captured.out
    assert "years=9 " in captured.out
    assert "Skipped 1 invalid rows: 3" in captured.err


def test_a_broken_new_rule_set_is_reported_not_diffed(
    capsys: pytest.CaptureFixture[str], rules_copy: Path
) -> None:
    (rules_copy / "advice.yaml").write_text("kind: advice\n", encoding="utf-8")
    code = main(["rules", "diff", str(DEFAULT_RULES_DIR), str(rules_copy)])
    assert code == 1
    assert "advice.yaml" in capsys.readouterr().err
