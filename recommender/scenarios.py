"""Golden scenarios (rules/scenarios/*.yaml): a profile and what the policy says must come out.

`rules check` runs them, and so do the tests, so an adviser who adds a case sees it checked.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from .catalog import flatten_messages, read_yaml
from .errors import EngineError, ProfileError, RulesError
from .recommendation import Recommender
from .vocabulary import FITS, ROUTES

SCENARIO_DIR = "scenarios"

_ROUTE_KEY = fields.String(validate=validate.OneOf(ROUTES))


class ExpectSchema(Schema):
    """What a scenario expects; each key is optional and checked only when given."""

    recommended_route = fields.String(allow_none=True, validate=validate.OneOf(ROUTES))
    fits = fields.Dict(keys=_ROUTE_KEY, values=fields.String(validate=validate.OneOf(FITS)))
    fired = fields.List(fields.String())
    not_fired = fields.List(fields.String())
    remaining = fields.Dict(keys=_ROUTE_KEY, values=fields.List(fields.String()))
    api_path = fields.String()
    also_consider = fields.List(fields.String())
    warnings = fields.Dict(keys=_ROUTE_KEY, values=fields.List(fields.String()))
    # route -> ["API after CPCU 556", "CPCU after CPCU 551"]: the milestones in order.
    milestones = fields.Dict(keys=_ROUTE_KEY, values=fields.List(fields.String()))
    folded_into = fields.Dict(keys=_ROUTE_KEY, values=fields.String(allow_none=True))
    summary_contains = fields.List(fields.String())
    costs = fields.Dict(keys=_ROUTE_KEY, values=fields.List(fields.String(allow_none=True)))


class ScenarioSchema(Schema):
    name = fields.String(required=True)
    profile = fields.Dict(required=True)
    expect = fields.Nested(ExpectSchema, required=True)


class ScenarioFileSchema(Schema):
    scenarios = fields.List(fields.Nested(ScenarioSchema), required=True)


@dataclass(frozen=True)
class Scenario:
    file: str
    name: str
    profile: dict[str, Any]
    expect: dict[str, Any]


def load_scenarios(rules_dir: Path | str) -> list[Scenario]:
    """Every scenario in rules_dir/scenarios/*.yaml (none if the folder is missing)."""
    folder = Path(rules_dir) / SCENARIO_DIR
    out = []
    for path in sorted(folder.glob("*.yaml")):
        try:
            data = ScenarioFileSchema().load(read_yaml(path) or {})
        except ValidationError as exc:
            message = "; ".join(flatten_messages(exc.messages))
            raise RulesError(f"{SCENARIO_DIR}/{path.name}", message) from exc
        out += [Scenario(f"{SCENARIO_DIR}/{path.name}", **s) for s in data["scenarios"]]
    return out


def scenario_problems(recommender: Recommender, scenario: Scenario) -> list[str]:
    """How the recommendation for the scenario's profile differs from what it expects."""
    try:
        result = recommender.recommend(recommender.load_profile(scenario.profile))
    except (ProfileError, EngineError) as exc:
        return [f"no recommendation: {exc}"]
    expect = scenario.expect
    routes = {r["route"]: r for r in result["routes"]}
    problems = []

    def differs(what: str, got: Any, wanted: Any) -> None:
        if got != wanted:
            problems.append(f"{what}: got {got!r}, expected {wanted!r}")

    if "recommended_route" in expect:
        differs("recommended_route", result["recommended_route"], expect["recommended_route"])
    for route, fit in expect.get("fits", {}).items():
        differs(f"{route} fit", routes[route]["fit"], fit)
    fired = result["fired_rules"]
    wanted = expect.get("fired", [])
    differs("fired rules (in order)", [r for r in fired if r in wanted], wanted)
    for rule_id in expect.get("not_fired", []):
        if rule_id in fired:
            problems.append(f"{rule_id} fired but should not")
    problems += _route_problems(expect, routes)
    if "also_consider" in expect:
        got = [a["designation"] for a in result["also_consider"]]
        differs("also consider", got, expect["also_consider"])
    for text in expect.get("summary_contains", []):
        if text not in result["summary"]:
            problems.append(f"summary does not say {text!r}: {result['summary']!r}")
    return problems


def _route_problems(expect: dict[str, Any], routes: dict[str, dict[str, Any]]) -> list[str]:
    """How each route differs from what the scenario expects of it."""
    views = {
        "remaining": lambda r: [c["code"] for c in r["remaining_courses"]],
        "warnings": lambda r: [w["rule"] for w in r["warnings"]],
        "milestones": lambda r: [
            f"{m['designation']} after {m['after_course']}" for m in r["milestones"]
        ],
        "folded_into": lambda r: r["folded_into"],
        "costs": lambda r: [i["discount"] for i in r["estimated_cost"]["items"]],
    }
    problems = []
    for key, view in views.items():
        for route, wanted in expect.get(key, {}).items():
            got = view(routes[route])
            if got != wanted:
                problems.append(f"{route} {key}: got {got!r}, expected {wanted!r}")
    if "api_path" in expect and routes["API"]["api_path"] != expect["api_path"]:
        problems.append(
            f"API path: got {routes['API']['api_path']!r}, expected {expect['api_path']!r}"
        )
    return problems
