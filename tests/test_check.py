"""rules check's guards that do not depend on the rule files alone (docs/policy.md)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from recommender.check import (
    breaches,
    goal_breaches,
    plan_breaches,
    promise_breaches,
    quickest_credential,
    table_route,
)
from recommender.planner import Profile
from recommender.recommendation import Recommender

COMMERCIAL_QUICK = {
    "role": "agent",
    "lines": "commercial",
    "years_experience": 3,
    "goal": "quick_credential",
}


def answer(recommender: Recommender, **profile) -> tuple[dict, Profile]:
    loaded = recommender.load_profile(profile)
    return recommender.recommend(loaded), loaded


@pytest.mark.parametrize(
    ("profile", "route"),
    [
        (Profile("claims", "personal", 12, ("API", "CPCU")), None),  # row 1
        (Profile("claims", "both", 12, ("CPCU",)), "API"),  # row 2
        (Profile("claims", "commercial", 12, ("CPCU",)), None),  # row 3
        (Profile("claims", "commercial", 1, ("API",), goal="quick_credential"), "CPCU"),  # row 4
        (Profile("claims", "commercial", 1, goal="quick_credential"), "CPCU"),  # row 5
        (Profile("claims", "both", 30, goal="quick_credential"), "API"),  # row 6
        (Profile("claims", "both", 30, goal="master_personal_lines"), "API"),  # row 7
        (Profile("claims", "both", 9.5, goal="advance_to_leadership"), "API_THEN_CPCU"),  # 8
        (Profile("claims", "both", 10, goal="advance_to_leadership"), "CPCU"),  # row 9
        (Profile("claims", "both", 2.9), "API"),  # row 10
        (Profile("claims", "both", 3), "API_THEN_CPCU"),  # row 11
        (Profile("claims", "both", 10), "CPCU"),  # row 12
    ],
)
def test_the_table_read_by_hand_gives_each_row(profile: Profile, route: str | None) -> None:
    assert table_route(profile) == route


def test_the_quickest_credential_follows_the_role_and_lines() -> None:
    assert quickest_credential(Profile("underwriter", "both", 1)) == "AU"
    assert quickest_credential(Profile("underwriter", "personal", 1)) == "AINS"
    assert quickest_credential(Profile("broker", "personal", 1)) == "AAI"
    assert quickest_credential(Profile("claims", "commercial", 1)) == "AIC"
    assert quickest_credential(Profile("customer_service", "commercial", 1)) == "AINS"


def test_the_shipped_rules_breach_nothing_for_a_set_aside_goal(recommender: Recommender) -> None:
    result, profile = answer(recommender, **COMMERCIAL_QUICK)
    assert breaches(result, profile, recommender.catalog) == []


def test_a_reordered_decision_rule_is_caught_by_the_table(rules_copy: Path) -> None:
    path = rules_copy / "decision.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - id: commercial-lines-cpcu")
    end = text.index("  - id: goal-quick-credential-api")
    row_5 = text[start:end]
    text = text[:start] + text[end:]
    row_7 = text.index("  - id: goal-master-personal-lines-api")
    path.write_text(text[:row_7] + row_5 + text[row_7:], encoding="utf-8")
    reordered = Recommender.from_dir(rules_copy)
    result, profile = answer(reordered, **COMMERCIAL_QUICK)
    assert result["recommended_route"] == "API"  # row 6 now comes first
    assert "recommends API, the decision table says CPCU" in breaches(
        result, profile, reordered.catalog
    )


def test_a_reason_promising_credit_the_catalog_does_not_give_is_caught(
    recommender: Recommender,
) -> None:
    result, _ = answer(recommender, role="claims", lines="personal", years_experience=0.5)
    assert promise_breaches(result, recommender.catalog) == []
    ains = next(a for a in result["also_consider"] if a["designation"] == "AINS")
    ains["reason"] = (
        "The AINS is a foundation, and its courses give credit toward the API and the CPCU."
    )
    assert promise_breaches(result, recommender.catalog) == [
        "the AINS reason promises credit toward the CPCU, which the catalog does not give"
    ]
    aic = next(a for a in result["also_consider"] if a["designation"] == "AIC")
    aic["reason"] = "The AIC counts toward the API."
    assert len(promise_breaches(result, recommender.catalog)) == 2


def test_a_goal_set_aside_in_silence_is_caught(recommender: Recommender) -> None:
    result, profile = answer(recommender, **COMMERCIAL_QUICK)
    assert goal_breaches(result, profile) == []
    silent = {**result, "summary": "We recommend the CPCU."}
    assert goal_breaches(silent, profile) == [
        "the quick-credential goal is set aside without saying so",
        "the summary does not name the quickest credential AAI",
    ]
    assert "the quickest fitting credential AAI is not suggested" in goal_breaches(
        {**result, "also_consider": []}, profile
    )


def test_a_goal_met_by_the_api_needs_no_note(recommender: Recommender) -> None:
    result, profile = answer(
        recommender, role="agent", lines="personal", years_experience=3, goal="quick_credential"
    )
    assert "You asked for a quick credential" not in result["summary"]
    assert goal_breaches(result, profile) == []


def test_ethics_last_or_a_wrong_milestone_is_caught(recommender: Recommender) -> None:
    result, profile = answer(recommender, role="claims", lines="personal", years_experience=4)
    catalog = recommender.catalog
    assert plan_breaches(result, profile, catalog) == []
    routes = {r["route"]: r for r in result["routes"]}

    late_ethics = copy.deepcopy(result)
    api = next(r for r in late_ethics["routes"] if r["route"] == "API")
    api["remaining_courses"].append(api["remaining_courses"].pop(0))
    assert plan_breaches(late_ethics, profile, catalog) == ["API: ethics is not first"]

    swapped = copy.deepcopy(result)
    combined = next(r for r in swapped["routes"] if r["route"] == "API_THEN_CPCU")
    combined["milestones"].reverse()
    assert plan_breaches(swapped, profile, catalog) == [
        "API_THEN_CPCU: milestones ['CPCU', 'API'], expected ['API', 'CPCU']"
    ]

    early = copy.deepcopy(result)
    combined = next(r for r in early["routes"] if r["route"] == "API_THEN_CPCU")
    combined["milestones"][1]["after_course"] = "CPCU 500"
    assert plan_breaches(early, profile, catalog) == [
        "API_THEN_CPCU: the CPCU milestone is before the last exam that counts toward it"
    ]

    no_note = copy.deepcopy(result)
    cpcu = next(r for r in no_note["routes"] if r["route"] == "CPCU")
    cpcu["milestones"][0]["note"] = None
    assert plan_breaches(no_note, profile, catalog) == [
        "CPCU: the CPCU milestone does not state the experience rule"
    ]
    assert routes["API"]["milestones"][0]["designation"] == "API"
