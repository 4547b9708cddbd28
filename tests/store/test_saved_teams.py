"""Saved teams' use-cases on both databases: progress re-plans, retakes, designations earned,
who is behind, member links, and whose route a change of the rules changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask

from recommender import saved_teams
from recommender.extensions import current_recommender, db
from recommender.store import teams as store_teams
from recommender.store.errors import Invalid
from recommender.store.models import Team


def test_a_passed_course_leaves_the_plan_and_is_in_the_history(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    recommender = current_recommender()
    team = make_team()
    ana = team.members[0]
    before = saved_teams.plan(recommender, team).plan["members"][0]
    first = before["remaining_courses"][0]
    saved_teams.record_progress(recommender, ana, first.lower(), "passed", date(2025, 5, 1), "ann")
    after = saved_teams.plan(recommender, team).plan["members"][0]
    assert first not in after["remaining_courses"]
    assert after["remaining_courses"] == before["remaining_courses"][1:]
    assert after["progress"][0]["course"] == first
    assert team.version == 2
    assert store_teams.history_of(team)[-1].text == f"Ana Agent: {first} passed on 2025-05-01."


def _exam(member: dict[str, Any], code: str) -> dict[str, Any]:
    return next(e for e in member["exam_schedule"] if e["code"] == code)


def _paid_course(member: dict[str, Any]) -> str:
    """The member's first remaining course with an exam fee (the ethics exam is free)."""
    courses = current_recommender().catalog.courses
    return next(c for c in member["remaining_courses"] if courses[c].exam_fee > 80)


def _cohort_members(plan: dict[str, Any], window_start: str, code: str) -> list[str]:
    window = next((w for w in plan["schedule"] if w["window_start"] == window_start), None)
    cohorts = window["cohorts"] if window else []
    return next((c["members"] for c in cohorts if c["code"] == code), [])


def test_a_failed_course_is_retaken_in_its_window_at_the_retake_price(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    recommender = current_recommender()
    catalog = recommender.catalog
    team = make_team()
    ana = team.members[0]
    today = date(2025, 5, 2)
    before = saved_teams.plan(recommender, team, today=today).plan["members"][0]
    first = _paid_course(before)
    fee = catalog.courses[first].exam_fee
    # Failed inside the 2025-04-15..06-15 window: one retake is allowed in that same window,
    # $80 off (Ana has no discount of her own to compete with it).
    saved_teams.record_progress(recommender, ana, first, "failed", date(2025, 5, 1), "ann")
    plan = saved_teams.plan(recommender, team, today=today).plan
    member = plan["members"][0]
    assert first in member["remaining_courses"]
    [retake] = member["retakes"]
    # 2025-06-15 is a Sunday: the window runs to the next business day (issue 18).
    assert (retake["code"], retake["window_start"], retake["window_end"]) == (
        first,
        "2025-04-15",
        "2025-06-16",
    )
    assert retake["same_window"] is True
    assert retake["discount"] == "same_window_retake"
    assert retake["amount"] == retake["added_fees"] == fee - 80
    assert retake["added_months"] == 0
    assert _exam(member, first)["window_start"] == "2025-04-15"
    assert "Ana Agent" in _cohort_members(plan, "2025-04-15", first)
    # The retake is not studied again: the other courses cost and take what they did.
    others = sum(catalog.courses[c].exam_fee for c in before["remaining_courses"] if c != first)
    assert member["estimated_cost"]["low"] == round(others + fee - 80, 2)
    assert plan["budget"]["total"] == plan["summary"]["total_cost"]["low"]


def test_a_failure_on_a_windows_last_day_is_retaken_in_the_next(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    recommender = current_recommender()
    team = make_team()
    ana = team.members[0]
    # The window's last day: 15 June 2025 is a Sunday, so it runs to Monday 16 (issue 18).
    today = date(2025, 6, 17)
    first = _paid_course(saved_teams.plan(recommender, team, today=today).plan["members"][0])
    fee = recommender.catalog.courses[first].exam_fee
    saved_teams.record_progress(recommender, ana, first, "failed", date(2025, 6, 16), "ann")
    plan = saved_teams.plan(recommender, team, today=today).plan
    [retake] = plan["members"][0]["retakes"]
    assert retake["failed_on"] == "2025-06-16"
    assert (retake["window_start"], retake["same_window"]) == ("2025-07-15", False)
    assert (retake["added_months"], retake["added_fees"], retake["discount"]) == (3, fee, None)
    assert _exam(plan["members"][0], first)["window_start"] == "2025-07-15"
    assert "Ana Agent" in _cohort_members(plan, "2025-07-15", first)


def test_a_retake_window_closed_by_today_gives_way_to_the_next_open_one(
    store_app: Flask,
    make_team: Callable[..., Team],
) -> None:
    recommender = current_recommender()
    team = make_team()
    ana = team.members[0]
    today = date(2025, 9, 1)  # the failed exam's window (to 2025-06-15) has closed
    first = _paid_course(saved_teams.plan(recommender, team, today=today).plan["members"][0])
    fee = recommender.catalog.courses[first].exam_fee
    saved_teams.record_progress(recommender, ana, first, "failed", date(2025, 5, 1), "ann")
    plan = saved_teams.plan(recommender, team, today=today).plan
    [retake] = plan["members"][0]["retakes"]
    assert (retake["window_start"], retake["window_end"]) == ("2025-07-15", "2025-09-15")
    assert (retake["same_window"], retake["discount"], retake["added_fees"]) == (False, None, fee)
    assert retake["added_months"] == 3  # from the failed window's end to this one's
    assert "Ana Agent" in _cohort_members(plan, "2025-07-15", first)


def test_a_pass_after_a_failure_clears_the_retake(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    recommender = current_recommender()
    team = make_team()
    ana = team.members[0]
    today = date(2025, 8, 1)
    first = _paid_course(saved_teams.plan(recommender, team, today=today).plan["members"][0])
    saved_teams.record_progress(recommender, ana, first, "failed", date(2025, 5, 1), "ann")
    assert saved_teams.plan(recommender, team, today=today).plan["members"][0]["retakes"]
    saved_teams.record_progress(recommender, ana, first, "passed", date(2025, 7, 20), "ann")
    member = saved_teams.plan(recommender, team, today=today).plan["members"][0]
    assert member["retakes"] == []
    assert first not in member["remaining_courses"]
    assert first not in [e["code"] for e in member["exam_schedule"]]


def test_all_courses_passed_shows_the_designation_earned(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    recommender = current_recommender()
    team = make_team()
    ana = team.members[0]
    member = saved_teams.plan(recommender, team).plan["members"][0]
    assert member["recommended_route"] == "API"
    for code in member["remaining_courses"]:
        saved_teams.record_progress(recommender, ana, code, "passed", date(2025, 9, 1), "ann")
    member = saved_teams.plan(recommender, team).plan["members"][0]
    assert member["remaining_courses"] == []
    assert member["earned"] == ["API"]
    assert member["status"] == "completed"


def test_a_member_past_their_exam_windows_is_behind(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    recommender = current_recommender()
    team = make_team()
    plan = saved_teams.plan(recommender, team, today=date(2025, 1, 7)).plan
    assert {m["status"] for m in plan["members"]} == {"on_track"}
    late = saved_teams.plan(recommender, team, today=date(2027, 1, 7)).plan["members"][0]
    assert late["status"] == "behind"
    assert late["overdue_courses"]


def test_an_unknown_course_is_refused_naming_the_field(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    team = make_team()
    with pytest.raises(Invalid) as caught:
        saved_teams.record_progress(
            current_recommender(), team.members[0], "XYZ 1", "passed", date(2025, 1, 1), "ann"
        )
    assert "course" in caught.value.errors
    assert team.version == 1


def test_a_member_link_is_unguessable_and_revocable(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    team = make_team()
    ana = team.members[0]
    token = saved_teams.create_member_link(ana, "ann")
    assert len(token) >= 40
    assert saved_teams.member_for_link(token) == ana
    assert token not in (ana.link_hash or "")
    saved_teams.revoke_member_link(ana, "ann")
    assert saved_teams.member_for_link(token) is None


def test_rules_change_names_the_members_whose_route_changes(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    recommender = current_recommender()
    team = make_team()
    # As if the team had last been shown under other rules that sent Ana to the CPCU.
    team.rules_version = "2020.1.1+00000000"
    team.members[0].shown_route = "CPCU"
    db.session.commit()
    saved = saved_teams.plan(recommender, team)
    assert saved.rules_change is not None
    assert [(mid, c.old.route, c.new.route) for mid, c in saved.changed] == [
        (team.members[0].id, "CPCU", "API")
    ]
    saved_teams.acknowledge_rules(recommender, team, "ann")
    assert saved_teams.plan(recommender, team).rules_change is None
    assert team.members[0].shown_route == "API"
