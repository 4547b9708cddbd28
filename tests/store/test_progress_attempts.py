"""Every attempt kept and counted, on both databases: two failures in a window send the second
retake to the next at full price, a course passed once is passed, removing an attempt re-plans
its member, a database of one row per course keeps every row when upgraded, and an attempt the
planner cannot retake spoils only its member (the kept plans themselves: test_kept_plans.py)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask

from recommender import saved_teams
from recommender.extensions import current_recommender, db
from recommender.saved_teams.plans import kept_plans
from recommender.store.models import Team

# --- every attempt kept and counted -----------------------------------------------------------


def test_two_failures_in_one_window_send_the_second_retake_to_the_next_at_full_price(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    recommender = current_recommender()
    team = make_team()
    ana = team.members[0]
    code = "API 29"
    fee = recommender.catalog.courses[code].exam_fee
    today = date(2025, 6, 1)
    saved_teams.record_progress(recommender, ana, code, "failed", date(2025, 5, 1), "ann")
    [first] = saved_teams.plan(recommender, team, today=today).plan["members"][0]["retakes"]
    assert (first["window_start"], first["same_window"]) == ("2025-04-15", True)
    assert first["amount"] == fee - 80
    # The same-window retake, failed too: the window's one retake is taken.
    saved_teams.record_progress(recommender, ana, code, "failed", date(2025, 5, 20), "ann")
    member = saved_teams.plan(recommender, team, today=today).plan["members"][0]
    [second] = member["retakes"]
    assert (second["failed_on"], second["window_start"]) == ("2025-05-20", "2025-07-15")
    assert (second["same_window"], second["discount"], second["amount"]) == (False, None, fee)
    assert [(p["course"], p["status"]) for p in member["progress"]] == [
        (code, "failed"),
        (code, "failed"),
    ]
    # A failure in another window counts no retake taken in this one.
    saved_teams.record_progress(recommender, ana, code, "failed", date(2025, 7, 20), "ann")
    [third] = saved_teams.plan(recommender, team, today=date(2025, 7, 21)).plan["members"][0][
        "retakes"
    ]
    assert (third["window_start"], third["same_window"]) == ("2025-07-15", True)


def test_a_course_passed_in_any_attempt_is_passed(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    recommender = current_recommender()
    team = make_team()
    ana = team.members[0]
    saved_teams.record_progress(recommender, ana, "API 29", "passed", date(2025, 5, 1), "ann")
    saved_teams.record_progress(recommender, ana, "API 29", "failed", date(2025, 6, 1), "ann")
    member = saved_teams.plan(recommender, team).plan["members"][0]
    assert "API 29" not in member["remaining_courses"] and member["retakes"] == []
    assert len(member["progress"]) == 2


def test_removing_an_attempt_replans_the_member_and_is_in_the_history(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    from recommender.store import teams as store_teams
    from recommender.store.errors import ProgressNotFound

    recommender = current_recommender()
    team = make_team()
    ana, carl = team.members[0], team.members[1]
    saved_teams.record_progress(recommender, ana, "API 29", "passed", date(2025, 5, 1), "ann")
    entry = saved_teams.member_plan(recommender, ana)
    assert "API 29" not in entry["remaining_courses"]
    [wrong] = entry["progress"]
    with pytest.raises(ProgressNotFound):
        saved_teams.remove_progress(recommender, carl, wrong["id"], "bob")
    saved_teams.remove_progress(recommender, ana, wrong["id"], "bob")
    entry = saved_teams.member_plan(recommender, ana)
    assert entry["progress"] == [] and "API 29" in entry["remaining_courses"]
    last = store_teams.history_of(team)[-1]
    assert (last.action, last.actor, last.member_id) == ("progress removed", "bob", ana.id)
    assert "removed API 29 passed on 2025-05-01 (recorded by ann)" in last.text


def test_a_database_of_one_row_per_course_keeps_every_row_when_upgraded(
    app_factory: Callable[..., Flask],
) -> None:
    app = app_factory()  # migrated to the latest: go back to the old table, as deployed before
    with app.app_context():
        # the migration before kept plans (later migrations are undone with it)
        flask_migrate.downgrade(revision="0003_organization")
        columns = "(member_id, course, status, date, recorded_by, recorded_at)"
        with db.engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO users (id, email, role, created_at) "
                    "VALUES (1, 'ann@example.com', 'manager', '2026-01-01 00:00:00')"
                )
            )
            conn.execute(
                sa.text(
                    "INSERT INTO teams (id, owner_id, name, version, rules_version, created_at, "
                    "updated_at) VALUES (1, 1, 'Old', 3, NULL, '2026-01-01 00:00:00', "
                    "'2026-01-01 00:00:00')"
                )
            )
            for member_id in (1, 2):
                conn.execute(
                    sa.text(
                        "INSERT INTO members (id, team_id, position, name, profile) VALUES "
                        f"({member_id}, 1, {member_id}, 'M{member_id}', "
                        """'{"role": "agent", "lines": "personal", "years_experience": 2}')"""
                    )
                )
            rows = [
                (1, "API 29", "passed", "2025-05-01"),
                (1, "AINS 21", "failed", "2025-06-01"),
                (2, "API 29", "scheduled", "2027-04-20"),
            ]
            for row in rows:
                conn.execute(
                    sa.text(
                        f"INSERT INTO progress {columns} VALUES "
                        "(:member, :course, :status, :date, 'ann', '2026-01-01 00:00:00')"
                    ),
                    dict(zip(("member", "course", "status", "date"), row, strict=True)),
                )
            with pytest.raises(sa.exc.IntegrityError):  # the old table: one row per course
                with conn.begin_nested():
                    conn.execute(
                        sa.text(
                            f"INSERT INTO progress {columns} VALUES "
                            "(1, 'API 29', 'failed', '2025-06-01', 'x', '2026-01-01 00:00:00')"
                        )
                    )
        flask_migrate.upgrade()
        with db.engine.connect() as conn:
            found = conn.execute(
                sa.text("SELECT member_id, course, status, date FROM progress ORDER BY id")
            ).all()
        assert [(m, c, s, str(d)) for m, c, s, d in found] == rows
        team = db.session.get(Team, 1)
        assert team is not None
        recommender = current_recommender()
        member = team.members[0]
        saved_teams.record_progress(recommender, member, "API 29", "failed", date(2025, 6, 2), "x")
        entry = saved_teams.plan(recommender, team).plan["members"][0]  # planned on first view
        assert [p["course"] for p in entry["progress"]] == ["API 29", "AINS 21", "API 29"]
        assert "API 29" not in entry["remaining_courses"]  # passed once: passed


def test_a_stored_attempt_the_planner_cannot_retake_spoils_only_its_member(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    from recommender.store import teams as store_teams

    recommender = current_recommender()
    team = make_team()
    ana = team.members[0]
    # Stored before dates were bounded where they enter: no window holds it.
    for on in (date(9999, 12, 31), date(1, 1, 1)):
        store_teams.record_progress(
            ana,
            "API 29",
            "failed",
            on,
            "old",
            lambda member: kept_plans(recommender, [member], date.today())[0],
        )
    plan = saved_teams.team_page(recommender, team).plan
    member = next(m for m in plan["members"] if m["id"] == ana.id)
    assert member["retakes"] == [] and "API 29" in member["remaining_courses"]
    assert sum("outside the planning horizon" in w for w in member["warnings"]) == 2
    others = [m for m in plan["members"] if m["id"] != ana.id]
    assert others and all(not m["errors"] for m in others)
    assert saved_teams.member_plan(recommender, ana)["warnings"] == member["warnings"]
