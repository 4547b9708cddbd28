"""The career-path command line: recommend and rules check."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from recommender.cli import main
from recommender.config import DEFAULT_RULES_DIR

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
    assert "Why:" in out and "Course plan (9 to go" in out
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


def test_rules_check_passes_on_the_shipped_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "rules", "check")
    assert code == 0, out
    assert "rules check passed: 0 failures, 0 unreachable" in out
    assert "ok" in out and "decision.yaml: goal-leadership-cpcu" in out


def test_rules_check_fails_on_a_broken_rule_file_naming_file_and_rule(
    capsys: pytest.CaptureFixture[str], rules_copy: Path
) -> None:
    path = rules_copy / "decision.yaml"
    path.write_text(path.read_text().replace("recommend: API_THEN_CPCU", "recommend: APX", 1))
    code, _, err = run(capsys, "--rules-dir", str(rules_copy), "rules", "check")
    assert code == 1
    assert "decision.yaml: rule 'goal-leadership-combined'" in err


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


def test_rules_check_fails_when_a_profile_gets_no_recommendation(
    capsys: pytest.CaptureFixture[str], rules_copy: Path
) -> None:
    path = rules_copy / "decision.yaml"
    text = path.read_text()
    # Drop the last rule (row 12): undecided people with 10+ years are left undecided.
    path.write_text(text[: text.index("  - id: undecided-experienced-cpcu")])
    code, out, _ = run(capsys, "--rules-dir", str(rules_copy), "rules", "check")
    assert code == 1
    assert "FAIL engine error: no decision rule matches this profile" in out


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
    code, out, _ = run(capsys, "--rules-dir", str(rules_copy), "rules", "check")
    assert code == 1
    assert (
        "FAIL scenario scenarios/decision-table.yaml: 'undecided newcomer starts with the API "
        "(row 10)': recommended_route: got 'CPCU', expected 'API'" in out
    )
    assert "scenario differences" in out.splitlines()[-1]
