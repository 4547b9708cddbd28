"""The store: migrations, users and tokens, teams, progress, versions, export and backup."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask
from store_helpers import PASSWORD, ROSTER_CSV, add_user

from recommender.extensions import current_recommender
from recommender.store import queries, teams
from recommender.store.db import db
from recommender.store.models import Team
from recommender.team import parse_roster

TABLES = {"users", "api_tokens", "teams", "members", "progress", "events", "login_failures"}


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def _team(owner_email: str = "ann@example.com") -> Team:
    owner = queries.user_by_email(owner_email) or add_user(owner_email)
    return teams.create_from_roster(
        current_recommender(), owner, "Claims team", parse_roster(ROSTER_CSV)
    )


def test_upgrade_from_empty_creates_every_table(store_app: Flask) -> None:
    assert _tables() == TABLES


def test_downgrade_then_upgrade_round_trips(store_app: Flask) -> None:
    _team()
    flask_migrate.downgrade(revision="base")
    assert _tables() == set()
    flask_migrate.upgrade()
    assert _tables() == TABLES
    assert queries.user_by_email("ann@example.com") is None  # the data went with the tables


def test_migrations_match_the_models(store_app: Flask) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_passwords_are_hashed_and_checked(store_app: Flask) -> None:
    user = add_user("Ann@Example.com ")
    assert user.email == "ann@example.com"
    assert PASSWORD not in (user.password_hash or "")
    assert user.password_hash.startswith("$argon2id$")
    assert queries.authenticate("ANN@example.com", PASSWORD) == user
    assert queries.authenticate("ann@example.com", "wrong") is None
    assert queries.authenticate("nobody@example.com", PASSWORD) is None


def test_a_taken_email_or_unknown_role_is_refused(store_app: Flask) -> None:
    add_user("ann@example.com")
    with pytest.raises(queries.StoreError, match="exists already"):
        add_user("ANN@example.com")
    with pytest.raises(queries.StoreError) as caught:
        queries.create_user("bob@example.com", "boss", PASSWORD)
    assert "role" in caught.value.errors


def test_tokens_are_stored_hashed_and_find_their_user(store_app: Flask) -> None:
    user = add_user("ann@example.com")
    token = queries.create_token(user)
    stored = db.session.scalars(sa.text("SELECT token_hash FROM api_tokens")).all()
    assert token not in stored and len(stored[0]) == 64
    assert queries.user_for_token(token) == user
    assert queries.user_for_token(token + "x") is None


def test_a_team_is_saved_with_its_members_and_history(store_app: Flask) -> None:
    team = _team()
    assert [m.name for m in team.members] == ["Ana Agent", "Carl Claims", "Una Underwriter"]
    assert team.version == 1
    assert team.rules_version == current_recommender().rulebook.version
    assert [e.action for e in queries.history_of(team)] == ["created"]
    assert queries.teams_of(team.owner) == [team]


def test_another_users_team_is_not_found(store_app: Flask) -> None:
    team = _team()
    bob = add_user("bob@example.com")
    with pytest.raises(queries.TeamNotFound):
        queries.team_for(bob, team.id)
    assert queries.teams_of(bob) == []
    assert queries.team_for(team.owner, team.id) is team


def test_a_passed_course_leaves_the_plan_and_is_in_the_history(store_app: Flask) -> None:
    recommender = current_recommender()
    team = _team()
    ana = team.members[0]
    before = teams.plan(recommender, team).plan["members"][0]
    first = before["remaining_courses"][0]
    teams.record_progress(recommender, ana, first.lower(), "passed", date(2025, 5, 1), "ann")
    after = teams.plan(recommender, team).plan["members"][0]
    assert first not in after["remaining_courses"]
    assert after["remaining_courses"] == before["remaining_courses"][1:]
    assert after["progress"][0]["course"] == first
    assert team.version == 2
    assert queries.history_of(team)[-1].text == f"Ana Agent: {first} passed on 2025-05-01."


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


def test_a_failed_course_is_retaken_in_its_window_at_the_retake_price(store_app: Flask) -> None:
    recommender = current_recommender()
    catalog = recommender.catalog
    team = _team()
    ana = team.members[0]
    today = date(2025, 5, 2)
    before = teams.plan(recommender, team, today=today).plan["members"][0]
    first = _paid_course(before)
    fee = catalog.courses[first].exam_fee
    # Failed inside the 2025-04-15..06-15 window: one retake is allowed in that same window,
    # $80 off (Ana has no discount of her own to compete with it).
    teams.record_progress(recommender, ana, first, "failed", date(2025, 5, 1), "ann")
    plan = teams.plan(recommender, team, today=today).plan
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


def test_a_failure_on_a_windows_last_day_is_retaken_in_the_next(store_app: Flask) -> None:
    recommender = current_recommender()
    team = _team()
    ana = team.members[0]
    # The window's last day: 15 June 2025 is a Sunday, so it runs to Monday 16 (issue 18).
    today = date(2025, 6, 17)
    first = _paid_course(teams.plan(recommender, team, today=today).plan["members"][0])
    fee = recommender.catalog.courses[first].exam_fee
    teams.record_progress(recommender, ana, first, "failed", date(2025, 6, 16), "ann")
    plan = teams.plan(recommender, team, today=today).plan
    [retake] = plan["members"][0]["retakes"]
    assert retake["failed_on"] == "2025-06-16"
    assert (retake["window_start"], retake["same_window"]) == ("2025-07-15", False)
    assert (retake["added_months"], retake["added_fees"], retake["discount"]) == (3, fee, None)
    assert _exam(plan["members"][0], first)["window_start"] == "2025-07-15"
    assert "Ana Agent" in _cohort_members(plan, "2025-07-15", first)


def test_a_retake_window_closed_by_today_gives_way_to_the_next_open_one(
    store_app: Flask,
) -> None:
    recommender = current_recommender()
    team = _team()
    ana = team.members[0]
    today = date(2025, 9, 1)  # the failed exam's window (to 2025-06-15) has closed
    first = _paid_course(teams.plan(recommender, team, today=today).plan["members"][0])
    fee = recommender.catalog.courses[first].exam_fee
    teams.record_progress(recommender, ana, first, "failed", date(2025, 5, 1), "ann")
    plan = teams.plan(recommender, team, today=today).plan
    [retake] = plan["members"][0]["retakes"]
    assert (retake["window_start"], retake["window_end"]) == ("2025-07-15", "2025-09-15")
    assert (retake["same_window"], retake["discount"], retake["added_fees"]) == (False, None, fee)
    assert retake["added_months"] == 3  # from the failed window's end to this one's
    assert "Ana Agent" in _cohort_members(plan, "2025-07-15", first)


def test_a_pass_after_a_failure_clears_the_retake(store_app: Flask) -> None:
    recommender = current_recommender()
    team = _team()
    ana = team.members[0]
    today = date(2025, 8, 1)
    first = _paid_course(teams.plan(recommender, team, today=today).plan["members"][0])
    teams.record_progress(recommender, ana, first, "failed", date(2025, 5, 1), "ann")
    assert teams.plan(recommender, team, today=today).plan["members"][0]["retakes"]
    teams.record_progress(recommender, ana, first, "passed", date(2025, 7, 20), "ann")
    member = teams.plan(recommender, team, today=today).plan["members"][0]
    assert member["retakes"] == []
    assert first not in member["remaining_courses"]
    assert first not in [e["code"] for e in member["exam_schedule"]]


def test_all_courses_passed_shows_the_designation_earned(store_app: Flask) -> None:
    recommender = current_recommender()
    team = _team()
    ana = team.members[0]
    member = teams.plan(recommender, team).plan["members"][0]
    assert member["recommended_route"] == "API"
    for code in member["remaining_courses"]:
        teams.record_progress(recommender, ana, code, "passed", date(2025, 9, 1), "ann")
    member = teams.plan(recommender, team).plan["members"][0]
    assert member["remaining_courses"] == []
    assert member["earned"] == ["API"]
    assert member["status"] == "completed"


def test_a_member_past_their_exam_windows_is_behind(store_app: Flask) -> None:
    recommender = current_recommender()
    team = _team()
    plan = teams.plan(recommender, team, today=date(2025, 1, 7)).plan
    assert {m["status"] for m in plan["members"]} == {"on_track"}
    late = teams.plan(recommender, team, today=date(2027, 1, 7)).plan["members"][0]
    assert late["status"] == "behind"
    assert late["overdue_courses"]


def test_an_unknown_course_is_refused_naming_the_field(store_app: Flask) -> None:
    team = _team()
    with pytest.raises(queries.StoreError) as caught:
        teams.record_progress(
            current_recommender(), team.members[0], "XYZ 1", "passed", date(2025, 1, 1), "ann"
        )
    assert "course" in caught.value.errors
    assert team.version == 1


def test_a_stale_version_changes_nothing(store_app: Flask) -> None:
    team = _team()
    queries.rename_team(team, "Renamed", "ann", expected_version=1)
    assert team.version == 2
    with pytest.raises(queries.StaleVersion):
        queries.rename_team(team, "Again", "ann", expected_version=1)
    db.session.expire_all()
    assert db.session.get(Team, team.id).name == "Renamed"


def test_a_concurrent_change_is_caught(store_app: Flask, db_url: str) -> None:
    team = _team()
    assert team.version == 1  # this app server has read the team
    # Another app server changes the team between this one reading and writing it.
    other = sa.create_engine(db_url)
    with other.begin() as conn:
        conn.execute(sa.text("UPDATE teams SET version = version + 1, name = 'Theirs'"))
    other.dispose()
    with pytest.raises(queries.StaleVersion):
        queries.rename_team(team, "Mine", "ann")
    assert db.session.get(Team, team.id).name == "Theirs"


def test_a_change_that_fails_leaves_nothing_behind(store_app: Flask) -> None:
    team = _team()
    with pytest.raises(RuntimeError), queries.change(team):
        team.name = "Half done"
        raise RuntimeError("boom")
    db.session.expire_all()
    assert db.session.get(Team, team.id).name == "Claims team"
    assert len(queries.history_of(db.session.get(Team, team.id))) == 1


def test_deleting_a_team_deletes_its_members_progress_and_history(store_app: Flask) -> None:
    team = _team()
    teams.record_progress(
        current_recommender(), team.members[0], "API 29", "passed", date(2025, 1, 1), "ann"
    )
    queries.delete_team(team)
    for table in ("teams", "members", "progress", "events"):
        assert db.session.scalar(sa.text(f"SELECT count(*) FROM {table}")) == 0


def test_a_member_link_is_unguessable_and_revocable(store_app: Flask) -> None:
    team = _team()
    ana = team.members[0]
    token = queries.create_member_link(ana, "ann")
    assert len(token) >= 40
    assert queries.member_for_link(token) == ana
    assert token not in (ana.link_hash or "")
    queries.revoke_member_link(ana, "ann")
    assert queries.member_for_link(token) is None


def test_export_then_import_round_trips_a_team_exactly(store_app: Flask) -> None:
    recommender = current_recommender()
    team = _team()
    teams.record_progress(recommender, team.members[1], "CPCU 520", "failed", date(2025, 6, 1), "x")
    queries.rename_team(team, "Claims 2026", "ann")
    exported = queries.export_team(team)
    bob = add_user("bob@example.com")
    copy = queries.import_team(json.loads(json.dumps(exported)), owner=bob)
    again = queries.export_team(copy)
    assert {**again, "owner": exported["owner"]} == exported
    assert copy.id != team.id and copy.owner == bob


def test_import_refuses_what_is_not_an_export(store_app: Flask) -> None:
    with pytest.raises(queries.StoreError, match="Not a team export"):
        queries.import_team({"name": "x"})
    with pytest.raises(queries.StoreError, match="No user nobody@example.com"):
        queries.import_team({"format": "career-path-team", "owner": "nobody@example.com"})
    add_user("ann@example.com")
    with pytest.raises(queries.StoreError, match="Not a team export: missing 'name'"):
        queries.import_team({"format": "career-path-team", "owner": "ann@example.com"})
    assert db.session.scalar(sa.text("SELECT count(*) FROM teams")) == 0


def test_rules_change_names_the_members_whose_route_changes(store_app: Flask) -> None:
    recommender = current_recommender()
    team = _team()
    # As if the team had last been shown under other rules that sent Ana to the CPCU.
    team.rules_version = "2020.1.1+00000000"
    team.members[0].shown_route = "CPCU"
    db.session.commit()
    saved = teams.plan(recommender, team)
    assert saved.rules_change is not None
    assert [(mid, c.old.route, c.new.route) for mid, c in saved.changed] == [
        (team.members[0].id, "CPCU", "API")
    ]
    teams.acknowledge_rules(recommender, team, "ann")
    assert teams.plan(recommender, team).rules_change is None
    assert team.members[0].shown_route == "API"


def test_backup_copies_the_whole_database(store_app: Flask, db_url: str, tmp_path: Path) -> None:
    _team()
    target = tmp_path / "backup.db"
    result = store_app.test_cli_runner().invoke(args=["db", "backup", str(target)])
    assert result.exit_code == 0, result.output
    if db_url.startswith("sqlite"):
        with sqlite3.connect(target) as conn:
            assert conn.execute("SELECT name FROM teams").fetchall() == [("Claims team",)]
        return
    # PostgreSQL: restore the dump into a new database and read the team back.
    base = sa.make_url(db_url)
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    restored = base.database + "_restored"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{restored}"'))
    try:
        libpq = base.set(drivername="postgresql", database=restored)
        subprocess.run(
            [
                "psql",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-f",
                str(target),
                libpq.render_as_string(hide_password=False),
            ],
            check=True,
            capture_output=True,
        )
        engine = sa.create_engine(base.set(database=restored))
        with engine.connect() as conn:
            assert conn.execute(sa.text("SELECT name FROM teams")).all() == [("Claims team",)]
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{restored}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.parametrize("db_url", ["postgresql"], indirect=True)
def test_app_servers_upgrading_at_once_take_turns(db_url: str, tmp_path: Path) -> None:
    """Several `career-path db upgrade` at once on an empty PostgreSQL (bin/serve on each)."""
    import os
    import sys

    env = {
        **os.environ,
        "CAREER_PATH_DATABASE_URL": db_url,
        "CAREER_PATH_INSTANCE_PATH": str(tmp_path),
    }
    go = tmp_path / "go"
    # Each process loads the app first, then all upgrade at the same moment.
    script = (
        "import os, sys, time, flask_migrate\n"
        "from recommender import create_app\n"
        "app = create_app()\n"
        f"while not os.path.exists({str(go)!r}): time.sleep(0.005)\n"
        "with app.app_context(): flask_migrate.upgrade()\n"
    )
    runs = [
        subprocess.Popen(
            [sys.executable, "-c", script],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for _ in range(4)
    ]
    import time

    time.sleep(4)
    go.touch()
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0, 0, 0, 0], outputs
    assert sum("Running upgrade  -> 0001_saved_teams" in out for out in outputs) == 1
    engine = sa.create_engine(db_url)
    assert set(sa.inspect(engine).get_table_names()) - {"alembic_version"} == TABLES
    engine.dispose()
