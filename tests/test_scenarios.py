"""Golden scenarios from rules/scenarios/*.yaml: profile in, the policy's answer out."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from marshmallow import Schema, fields, validate

from recommender.config import DEFAULT_RULES_DIR
from recommender.recommendation import Recommender
from recommender.vocabulary import FITS, ROUTES

SCENARIO_DIR = DEFAULT_RULES_DIR / "scenarios"


class ExpectSchema(Schema):
    recommended_route = fields.String(allow_none=True, validate=validate.OneOf(ROUTES))
    fits = fields.Dict(
        keys=fields.String(validate=validate.OneOf(ROUTES)),
        values=fields.String(validate=validate.OneOf(FITS)),
    )
    fired = fields.List(fields.String())
    not_fired = fields.List(fields.String())
    remaining = fields.Dict(
        keys=fields.String(validate=validate.OneOf(ROUTES)), values=fields.List(fields.String())
    )
    api_path = fields.String()
    also_consider = fields.List(fields.String())
    warnings = fields.Dict(
        keys=fields.String(validate=validate.OneOf(ROUTES)), values=fields.List(fields.String())
    )


class ScenarioSchema(Schema):
    name = fields.String(required=True)
    profile = fields.Dict(required=True)
    expect = fields.Nested(ExpectSchema, required=True)


class ScenarioFileSchema(Schema):
    scenarios = fields.List(fields.Nested(ScenarioSchema), required=True)


def load_scenarios() -> list[dict[str, Any]]:
    out = []
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        data = ScenarioFileSchema().load(yaml.safe_load(path.read_text(encoding="utf-8")))
        out += [dict(s, file=path.name) for s in data["scenarios"]]
    return out


SCENARIOS = load_scenarios()


def test_there_are_at_least_forty_scenarios() -> None:
    assert len(SCENARIOS) >= 40


def test_scenarios_cover_every_rule(recommender: Recommender) -> None:
    expected_to_fire = {rule_id for s in SCENARIOS for rule_id in s["expect"].get("fired", [])}
    all_rules = {r.id for r in recommender.rulebook.rules}
    assert all_rules - expected_to_fire == set()
    assert expected_to_fire - all_rules == set(), "scenarios name rules that do not exist"


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_scenario(recommender: Recommender, scenario: dict[str, Any]) -> None:
    result = recommender.recommend(recommender.load_profile(scenario["profile"]))
    expect = scenario["expect"]
    routes = {r["route"]: r for r in result["routes"]}
    if "recommended_route" in expect:
        assert result["recommended_route"] == expect["recommended_route"]
    for route, fit in expect.get("fits", {}).items():
        assert routes[route]["fit"] == fit, route
    fired = result["fired_rules"]
    in_order = [rule_id for rule_id in fired if rule_id in expect.get("fired", [])]
    assert in_order == expect.get("fired", []), f"fired: {fired}"
    assert not set(expect.get("not_fired", [])) & set(fired), f"fired: {fired}"
    for route, codes in expect.get("remaining", {}).items():
        assert [c["code"] for c in routes[route]["remaining_courses"]] == codes, route
    if "api_path" in expect:
        assert routes["API"]["api_path"] == expect["api_path"]
    if "also_consider" in expect:
        assert [a["designation"] for a in result["also_consider"]] == expect["also_consider"]
    for route, rule_ids in expect.get("warnings", {}).items():
        assert [w["rule"] for w in routes[route]["warnings"]] == rule_ids, route
