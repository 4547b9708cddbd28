"""The career-path command line: recommend and rules check."""

from __future__ import annotations

import copy
import io
import json
import re
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from recommender.cli import format_recommendation, main
from recommender.config import DEFAULT_RULES_DIR
from recommender.recommendation import Recommender

CLI = Path(sys.executable).with_name("career-path")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_recommend_prints_a_readable_answer(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "recommend",
        "--role",
        "agent",
        "--lines",
        "personal",
        "--years",
        "4",
        "--goal",
        "advance_to_leadership",
        "--course",
        "cpcu500",
    )
    assert code == 0
    assert out.startswith("Recommended: the combined route")
    assert "Why:" in out and "Course plan (9 courses to go, API Path 2, about" in out
    assert "(API course; counts toward API)" in out
    assert "Already credited: CPCU 500" in out
    assert "to confirm with The Institutes" in out
    assert "Also consider:" in out and "AAI" in out


def test_recommend_reads_a_profile_from_stdin_as_json(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    profile = {"role": "underwriter", "lines": "commercial", "years_experience": 12}
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps(profile)))
    code, out, _ = run(capsys, "recommend", "--json", "--profile", "-")
    assert code == 0
    result = json.loads(out)
    assert result["recommended_route"] == "CPCU"
    assert [r["route"] for r in result["routes"]] == ["API", "CPCU", "API_THEN_CPCU"]
    assert result["fired_rules"][0] == "commercial-lines-cpcu"


def test_flags_override_the_profile_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "p.json"
    path.write_text(json.dumps({"role": "agent", "lines": "commercial", "years_experience": 3}))
    code, out, _ = run(capsys, "recommend", "--profile", str(path), "--lines", "personal", "--json")
    assert code == 0
    assert json.loads(out)["recommended_route"] == "API_THEN_CPCU"


@pytest.mark.parametrize(
    ("argv", "stdin", "message"),
    [
        (["--role", "agent", "--lines", "personal", "--years", "99"], "", "years_experience"),
        (
            ["--role", "agent", "--lines", "personal", "--years", "2", "--course", "CPCU 999"],
            "",
            "'CPCU 999'",
        ),
        (["--lines", "personal", "--years", "2"], "", "role"),
        (["--profile", "-"], "{not json", "--profile: not valid JSON"),
        (["--profile", "-"], "[1, 2]", "must be an object"),
        (["--profile", "no-such-file.json"], "", "--profile: cannot read"),
    ],
)
def test_invalid_input_exits_2_with_one_line_naming_the_field(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    stdin: str,
    message: str,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code, out, err = run(capsys, "recommend", *argv)
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert message in err
    assert "Traceback" not in err


def test_the_console_script_reads_stdin() -> None:
    profile = {"role": "claims", "lines": "personal", "years_experience": 0}
    done = subprocess.run(
        [str(CLI), "recommend", "--json", "--profile", "-"],
        input=json.dumps(profile),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["recommended_route"] == "API"


@pytest.mark.slow
def test_rules_check_passes_on_the_shipped_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "check")
    assert code == 0, out
    assert "rules check passed: 0 failures, 0 unreachable" in out
    assert "ok" in out and "decision.yaml: goal-leadership-cpcu" in out
    # Issue 18: the figures (profiles, time) and the invariants held on every profile.
    assert re.search(r"Evaluated \d{3},\d{3} profiles in \d+\.\d s\.", out)
    for invariant in (
        "time figures agree with the dated plan",
        "no early-purchase price in a window already open on the start date",
        "no reason claims more credit than the plan gives",
        "no route described as completed by a route that is not suitable",
    ):
        assert f"  - {invariant}" in out


def test_rules_check_fails_on_a_broken_rule_file_naming_file_and_rule(
    capsys: pytest.CaptureFixture[str], rules_copy: Path
) -> None:
    path = rules_copy / "decision.yaml"
    path.write_text(path.read_text().replace("recommend: API_THEN_CPCU", "recommend: APX", 1))
    code, _, err = run(capsys, "--rules-dir", str(rules_copy), "rules", "check")
    assert code == 1
    assert "decision.yaml: rule 'goal-leadership-combined'" in err


@pytest.mark.slow
def test_rules_check_fails_on_an_unreachable_rule_naming_it(
    capsys: pytest.CaptureFixture[str], rules_copy: Path
) -> None:
    # Row 12 (undecided, 10+ years) always matches first, so this rule can never fire.
    shadowed = """
  - id: undecided-veteran-api
    description: Shadowed by row 12.
    when:
      goal: [undecided]
      years_at_least: 40
    recommend: API
    routes:
      API: {fit: recommended, reason: x}
      CPCU: {fit: suitable, reason: x}
      API_THEN_CPCU: {fit: suitable, reason: x}
"""
    path = rules_copy / "decision.yaml"
    path.write_text(path.read_text() + shadowed)
    code, out, _ = run(capsys, "--rules-dir", str(rules_copy), "rules", "check")
    assert code == 1
    assert "UNREACHABLE" in out
    assert "FAIL unreachable rule: decision.yaml: rule 'undecided-veteran-api' never fires" in out


@pytest.mark.slow
def test_rules_check_fails_when_a_profile_gets_no_recommendation(
    capsys: pytest.CaptureFixture[str], rules_copy: Path
) -> None:
    path = rules_copy / "decision.yaml"
    text = path.read_text()
    # Drop the last rule (row 12): undecided people with 10+ years are left undecided.
    path.write_text(text[: text.index("  - id: undecided-experienced-cpcu")])
    code, out, _ = run(capsys, "--rules-dir", str(rules_copy), "rules", "check", "--fail-fast")
    assert code == 1
    assert "FAIL engine error: no decision rule matches this profile" in out


@pytest.mark.slow
def test_rules_check_fails_when_a_golden_scenario_is_broken(
    capsys: pytest.CaptureFixture[str], rules_copy: Path
) -> None:
    shutil.copytree(DEFAULT_RULES_DIR / "scenarios", rules_copy / "scenarios")
    path = rules_copy / "decision.yaml"
    text = path.read_text()
    start = text.index("  - id: undecided-newcomer-api")
    end = text.index("  - id: undecided-mid-career-combined")
    row10 = (
        text[start:end]
        .replace("recommend: API\n", "recommend: CPCU\n")
        .replace("      API: {fit: recommended,", "      API: {fit: suitable,")
        .replace("\n      CPCU: {fit: suitable,", "\n      CPCU: {fit: recommended,")
    )
    path.write_text(text[:start] + row10 + text[end:])
    code, out, _ = run(capsys, "--rules-dir", str(rules_copy), "rules", "check", "--fail-fast")
    assert code == 1
    assert (
        "FAIL scenario scenarios/decision-table.yaml: 'undecided newcomer starts with the API "
        "(row 10)': recommended_route: got 'CPCU', expected 'API'" in out
    )
    assert "scenario differences" in out.splitlines()[-1]


LEADER = [
    "--role",
    "agent",
    "--lines",
    "personal",
    "--years",
    "4",
    "--goal",
    "advance_to_leadership",
]


def test_recommend_takes_a_start_date_and_discounts_and_prints_dates_and_costs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    start = (date.today() + timedelta(days=60)).isoformat()
    argv = [*LEADER, "--start-date", start, "--discount", "early_purchase"]
    code, out, _ = run(capsys, "recommend", *argv)
    assert code == 0
    assert f"starting {start}, discounts: Early purchase." in out
    assert "Exam dates:" in out
    exams = re.findall(
        r"^  (\S+ \d+) +study done by (\d{4}-\d{2}-\d{2}), testing window "
        r"(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2})$",
        out,
        re.M,
    )
    assert len(exams) == 10 and all(ready >= start for _, ready, _, _ in exams)
    code, raw, _ = run(capsys, "recommend", *argv, "--json")
    result = json.loads(raw)
    assert result["profile"]["start_date"] == start
    assert result["profile"]["discounts"] == ["early_purchase"]
    chosen = next(r for r in result["routes"] if r["route"] == result["recommended_route"])
    assert [
        (e["code"], e["ready"], e["window_start"], e["window_end"]) for e in chosen["exam_schedule"]
    ] == [(c.strip(), r, a, b) for c, r, a, b in exams]
    cost = chosen["estimated_cost"]
    assert f"Exam fees: about {cost['low']:,.0f} USD" in out
    paid = [i for i in cost["items"] if i["amount"] != i["fee"]]
    assert (
        paid
        and f"{paid[0]['code']:<9} {paid[0]['amount']:>7,.0f} (fee {paid[0]['fee']:,.0f}" in out
    )
    assert "What would change the advice:" in out
    assert "  - With 10 or more years of experience, the CPCU directly would be recommended." in out
    assert out.rstrip().splitlines()[-1].startswith("Details: rules version ")


def test_a_discount_the_catalog_does_not_know_and_a_bad_date_exit_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "recommend", *LEADER, "--start-date", "next week")
    assert code == 2 and out == "" and "start_date" in err
    code, out, err = run(capsys, "recommend", *LEADER, "--discount", "loyalty")
    assert code == 2 and out == "" and "discounts" in err and "'loyalty'" in err


def test_a_start_date_gone_by_is_noted(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", *LEADER, "--start-date", "2025-01-06")
    assert code == 0
    assert "Note: the start date 2025-01-06 has passed." in out


def test_counts_and_long_plans_read_for_people(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--role", "underwriter", "--lines", "commercial", "--years", "1", "--hours", "1"]
    code, out, _ = run(capsys, "recommend", *argv)
    assert code == 0
    assert "1 year of experience" in out and "1 hour of study a week" in out
    # One clock (issue 18): the dated plan's band is its last window, so it may read as one figure.
    assert re.search(r"about \d+( to \d+)? years at 1 hour a week\):", out)
    assert "1 hours" not in out and "1 years" not in out


def test_an_api_holders_combined_route_is_in_progress(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["--role", "claims", "--lines", "personal", "--years", "4", "--designation", "API"]
    code, out, _ = run(capsys, "recommend", *argv)
    assert code == 0
    assert out.startswith("Recommended: the Chartered Property Casualty Underwriter (CPCU)")
    assert (
        "  API_THEN_CPCU (in progress): In progress: you hold the API; the CPCU plan above "
        "completes this route." in out
    )
    assert "  API (held): " in out
    assert "not suitable" not in out


def _answer(recommender: Recommender, **fields: Any) -> dict[str, Any]:
    profile = {
        "role": "agent",
        "lines": "personal",
        "years_experience": 4,
        "goal": "advance_to_leadership",
        "start_date": "2027-01-04",
        **fields,
    }
    return copy.deepcopy(recommender.recommend(recommender.load_profile(profile)))


def test_milestones_are_printed_when_the_route_has_them(recommender: Recommender) -> None:
    answer = _answer(recommender)
    chosen = next(r for r in answer["routes"] if r["route"] == answer["recommended_route"])
    chosen["milestones"] = [
        {
            "designation": "API",
            "after_course": "CPCU 556",
            "window_start": "2027-10-15",
            "window_end": "2027-12-15",
            "verified": False,
        },
        {
            "designation": "CPCU",
            "after_course": "CPCU 551",
            "window_start": "2029-04-15",
            "window_end": "2029-06-15",
            "verified": True,
            "note": "Conferment needs 24 months.",
        },
    ]
    text = format_recommendation(answer)
    assert (
        "Milestones:\n"
        "  API: earned after CPCU 556, testing window 2027-10-15 to 2027-12-15 [to confirm]\n"
        "  CPCU: earned after CPCU 551, testing window 2029-04-15 to 2029-06-15\n"
        "    Conferment needs 24 months.\n" in text
    )
    chosen["milestones"] = []
    assert "Milestones:" not in format_recommendation(answer)


def test_the_discount_a_cost_item_names_is_printed(recommender: Recommender) -> None:
    answer = _answer(recommender, discounts=["early_purchase"])
    chosen = next(r for r in answer["routes"] if r["route"] == answer["recommended_route"])
    item = next(i for i in chosen["estimated_cost"]["items"] if i["fee"])
    item.update(amount=item["fee"] - 80, discount="early_purchase")
    text = format_recommendation(answer, {"early_purchase": "Early purchase"})
    amount = f"{item['amount']:>7,.0f}"
    assert f"  {item['code']:<9} {amount} (fee {item['fee']:,.0f}, Early purchase discount)" in text
