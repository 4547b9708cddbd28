"""Golden scenarios from rules/scenarios/*.yaml: profile in, the policy's answer out."""

from __future__ import annotations

from pathlib import Path

import pytest

from recommender.config import DEFAULT_RULES_DIR
from recommender.errors import RulesError
from recommender.recommendation import Recommender
from recommender.scenarios import Scenario, load_scenarios, scenario_problems

SCENARIOS = load_scenarios(DEFAULT_RULES_DIR)


def test_there_are_at_least_forty_scenarios() -> None:
    assert len(SCENARIOS) >= 40


def test_scenarios_cover_every_rule(recommender: Recommender) -> None:
    expected_to_fire = {rule_id for s in SCENARIOS for rule_id in s.expect.get("fired", [])}
    all_rules = {r.id for r in recommender.rulebook.rules}
    assert all_rules - expected_to_fire == set()
    assert expected_to_fire - all_rules == set(), "scenarios name rules that do not exist"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_scenario(recommender: Recommender, scenario: Scenario) -> None:
    assert scenario_problems(recommender, scenario) == []


def test_a_wrong_expectation_is_reported(recommender: Recommender) -> None:
    wrong = Scenario(
        "x.yaml",
        "wrong",
        {"role": "agent", "lines": "personal", "years_experience": 4},
        {"recommended_route": "CPCU", "fired": ["goal-leadership-cpcu"], "api_path": "path-1"},
    )
    problems = scenario_problems(recommender, wrong)
    assert len(problems) == 3
    assert problems[0] == "recommended_route: got 'API_THEN_CPCU', expected 'CPCU'"


def test_a_broken_scenario_file_names_itself(rules_copy: Path) -> None:
    (rules_copy / "scenarios").mkdir()
    (rules_copy / "scenarios" / "mine.yaml").write_text("scenarios: [{name: x}]\n")
    with pytest.raises(RulesError, match="scenarios/mine.yaml"):
        load_scenarios(rules_copy)
