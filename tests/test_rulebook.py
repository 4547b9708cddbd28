"""Loading rules/: validation errors name the file and the rule; compilation is faithful."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.errors import RulesError
from recommender.rulebook import compile_ruleset, load_rulebook


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_shipped_rules_load(rules_copy: Path) -> None:
    rulebook = load_rulebook(rules_copy)
    assert [r.id for r in rulebook.decision_rules][0] == "holds-api-and-cpcu"
    assert len(rulebook.decision_rules) == 12
    assert rulebook.thresholds() == [1.0, 2.0, 3.0, 10.0]
    assert rulebook.version.startswith(rulebook.catalog.version + "+")


@pytest.mark.parametrize(
    ("file", "old", "new", "rule_id", "message"),
    [
        (
            "decision.yaml",
            'CPCU: {fit: recommended, reason: "With 10 or more years',
            'CPCU: {fit: best, reason: "x',
            "goal-leadership-cpcu",
            "fit",
        ),
        (
            "decision.yaml",
            "      goal: [advance_to_leadership]\n      years_at_least: 10",
            "      goal: [advance_to_leadership]\n      years_at_least: 10\n      colour: blue",
            "goal-leadership-cpcu",
            "Unknown field",
        ),
        (
            "decision.yaml",
            "    recommend: CPCU\n    routes:\n"
            '      API: {fit: suitable, reason: "The API is a personal-lines',
            "    recommend: API\n    routes:\n"
            '      API: {fit: suitable, reason: "The API is a personal-lines',
            "goal-leadership-cpcu",
            "recommend is 'API'",
        ),
        (
            "decision.yaml",
            "holds: [API, CPCU]",
            "holds: [API, CPCX]",
            "holds-api-and-cpcu",
            "unknown designation 'CPCX'",
        ),
        (
            "decision.yaml",
            "      goal: [quick_credential]",
            "      goal: [get_rich]",
            "goal-quick-credential-api",
            "goal",
        ),
        (
            "decision.yaml",
            "recommend: API_THEN_CPCU",
            "recommend: API_AND_CPCU",
            "goal-leadership-combined",
            "recommend",
        ),
        (
            "advice.yaml",
            "suggest: [AIC]",
            "suggest: [AIX]",
            "quickest-for-claims",
            "unknown designation 'AIX'",
        ),
        (
            "advice.yaml",
            "fact: cpcu-experience",
            "fact: cpcu-experiense",
            "warn-cpcu-experience",
            "unknown fact 'cpcu-experiense'",
        ),
        (
            "advice.yaml",
            "    routes: [CPCU, API_THEN_CPCU]\n",
            "",
            "warn-cpcu-experience",
            "routes",
        ),
        (
            "advice.yaml",
            "  - id: consider-au-for-commercial-underwriters",
            "  - id: consider-aic-for-claims",
            "consider-aic-for-claims",
            "duplicate id",
        ),
        (
            "advice.yaml",
            "      years_below: 1\n",
            "      years_below: 1\n      years_at_least: 5\n",
            "consider-ains-for-newcomers",
            "no profile matches",
        ),
    ],
)
def test_a_broken_rule_names_its_file_and_id(
    rules_copy: Path, file: str, old: str, new: str, rule_id: str, message: str
) -> None:
    replace_in(rules_copy / file, old, new)
    with pytest.raises(RulesError) as caught:
        load_rulebook(rules_copy)
    assert caught.value.file == file
    assert caught.value.rule_id == rule_id
    assert message in str(caught.value)


def test_invalid_yaml_names_the_file(rules_copy: Path) -> None:
    (rules_copy / "advice.yaml").write_text("rules: [unclosed\n", encoding="utf-8")
    with pytest.raises(RulesError, match=r"^advice.yaml: not valid YAML"):
        load_rulebook(rules_copy)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "courses: [API 29, CPCU 555, CPCU 556]",
            "courses: [API 29, CPCU 555, CPCU 557]",
            "api path path-2: unknown course 'CPCU 557'",
        ),
        (
            "    counts_toward: [API]\n    source: titles-inferred",
            "    counts_toward: [APX]\n    source: titles-inferred",
            "course API 29: counts_toward: unknown designation 'APX'",
        ),
        (
            "  AINS: [AINS 21, AINS 22]",
            "  AINS: [AINS 21, AINS 23]",
            "credits.AINS: unknown course 'AINS 23'",
        ),
        ("    source: naic", "    source: nowhere", "unknown source 'nowhere'"),
        ('version: "2026.12.1"', 'version: "2026.12.1"\ncolour: blue', "colour: Unknown field"),
    ],
)
def test_a_broken_catalog_names_the_problem(
    rules_copy: Path, old: str, new: str, message: str
) -> None:
    replace_in(rules_copy / "catalog.yaml", old, new)
    with pytest.raises(RulesError) as caught:
        load_rulebook(rules_copy)
    assert caught.value.file == "catalog.yaml"
    assert message in str(caught.value)


def test_a_missing_rules_directory_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(RulesError, match="not found"):
        load_rulebook(tmp_path / "nowhere")


def test_decision_rules_compile_in_file_order_with_priorities(rules_copy: Path) -> None:
    rulebook = load_rulebook(rules_copy)
    definition = compile_ruleset(rulebook)
    priorities = [definition[r.id]["pri"] for r in rulebook.rules]
    assert priorities == sorted(priorities)
    row8 = definition["goal-leadership-combined"]["all"][0]["m"]["$and"]
    assert {"kind": "decide"} in row8
    assert {"goal": "advance_to_leadership"} in row8
    assert {"$lt": {"years": 10_000_000}} in row8  # millionths of a year


def test_suggestions_compile_to_non_overlapping_branches(rules_copy: Path) -> None:
    definition = compile_ruleset(load_rulebook(rules_copy))
    terms = definition["consider-cisr-or-acsr-for-customer-service"]["all"][0]["m"]["$and"]
    assert {
        "$or": [
            {"holds_CISR": False},
            {"$and": [{"holds_CISR": True}, {"holds_ACSR": False}]},
        ]
    } in terms
