"""The store: migrations, teams and their history, versions, export and import, backup."""

from __future__ import annotations

import json
import sqlite3
import subprocess
from collections.abc import Callable
from datetime import date
from pathlib import Path

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask

from recommender import saved_teams
from recommender.extensions import current_recommender, db
from recommender.store import accounts, transfer
from recommender.store import teams as store_teams
from recommender.store.errors import Invalid, StaleVersion, TeamNotFound
from recommender.store.models import Team, User

TABLES = {
    "users",
    "api_tokens",
    "teams",
    "members",
    "progress",
    "events",
    "login_failures",
    "member_plans",
    "member_exams",
}
TABLES |= {"outbox", "one_time_links", "audit_log", "rate_counts"}  # issue 20: organization
TABLES |= {"team_shares"}  # issue 20: teams shared
TABLES |= {"reminders", "unsubscribes", "plan_requests", "request_events", "team_budgets"}  # 21


def _tables() -> set[str]:
    return set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}


def test_upgrade_from_empty_creates_every_table(store_app: Flask) -> None:
    assert _tables() == TABLES


def test_downgrade_then_upgrade_round_trips(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    make_team()
    flask_migrate.downgrade(revision="base")
    assert _tables() == set()
    flask_migrate.upgrade()
    assert _tables() == TABLES
    assert accounts.user_by_email("ann@example.com") is None  # the data went with the tables


def test_migrations_match_the_models(store_app: Flask) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with db.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), db.metadata)
    assert diff == []


def test_a_team_is_saved_with_its_members_and_history(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    team = make_team()
    assert [m.name for m in team.members] == ["Ana Agent", "Carl Claims", "Una Underwriter"]
    assert team.version == 1
    assert team.rules_version == current_recommender().rulebook.version
    assert [e.action for e in store_teams.history_of(team)] == ["created"]
    assert store_teams.teams_of(team.owner) == [team]


def test_another_users_team_is_not_found(
    store_app: Flask, make_team: Callable[..., Team], add_user: Callable[..., User]
) -> None:
    team = make_team()
    bob = add_user("bob@example.com")
    with pytest.raises(TeamNotFound):
        store_teams.team_for(bob, team.id)
    assert store_teams.teams_of(bob) == []
    assert store_teams.team_for(team.owner, team.id) is team


def test_a_stale_version_changes_nothing(store_app: Flask, make_team: Callable[..., Team]) -> None:
    team = make_team()
    store_teams.rename_team(team, "Renamed", "ann", expected_version=1)
    assert team.version == 2
    with pytest.raises(StaleVersion):
        store_teams.rename_team(team, "Again", "ann", expected_version=1)
    db.session.expire_all()
    assert db.session.get(Team, team.id).name == "Renamed"


def test_a_concurrent_change_is_caught(
    store_app: Flask, db_url: str, make_team: Callable[..., Team]
) -> None:
    team = make_team()
    assert team.version == 1  # this app server has read the team
    # Another app server changes the team between this one reading and writing it.
    other = sa.create_engine(db_url)
    with other.begin() as conn:
        conn.execute(sa.text("UPDATE teams SET version = version + 1, name = 'Theirs'"))
    other.dispose()
    with pytest.raises(StaleVersion):
        store_teams.rename_team(team, "Mine", "ann")
    assert db.session.get(Team, team.id).name == "Theirs"


def test_a_change_that_fails_leaves_nothing_behind(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    team = make_team()
    with pytest.raises(RuntimeError), store_teams.change(team):
        team.name = "Half done"
        raise RuntimeError("boom")
    db.session.expire_all()
    assert db.session.get(Team, team.id).name == "Claims team"
    assert len(store_teams.history_of(db.session.get(Team, team.id))) == 1


def test_deleting_a_team_deletes_its_members_progress_and_history(
    store_app: Flask, make_team: Callable[..., Team]
) -> None:
    team = make_team()
    saved_teams.record_progress(
        current_recommender(), team.members[0], "API 29", "passed", date(2025, 1, 1), "ann"
    )
    store_teams.delete_team(team)
    for table in ("teams", "members", "progress", "events"):
        assert db.session.scalar(sa.text(f"SELECT count(*) FROM {table}")) == 0


def test_export_then_import_round_trips_a_team_exactly(
    store_app: Flask, make_team: Callable[..., Team], add_user: Callable[..., User]
) -> None:
    recommender = current_recommender()
    team = make_team()
    saved_teams.record_progress(
        recommender, team.members[1], "CPCU 520", "failed", date(2025, 6, 1), "x"
    )
    store_teams.rename_team(team, "Claims 2026", "ann")
    exported = transfer.export_team(team)
    bob = add_user("bob@example.com")
    copy = transfer.import_team(json.loads(json.dumps(exported)), owner=bob)
    again = transfer.export_team(copy)
    assert {**again, "owner": exported["owner"]} == exported
    assert copy.id != team.id and copy.owner == bob


def test_import_refuses_what_is_not_an_export(
    store_app: Flask, add_user: Callable[..., User]
) -> None:
    with pytest.raises(Invalid, match="Not a team export"):
        transfer.import_team({"name": "x"})
    with pytest.raises(Invalid, match="No user nobody@example.com"):
        transfer.import_team({"format": "career-path-team", "owner": "nobody@example.com"})
    add_user("ann@example.com")
    with pytest.raises(Invalid, match="Not a team export: missing 'name'"):
        transfer.import_team({"format": "career-path-team", "owner": "ann@example.com"})
    assert db.session.scalar(sa.text("SELECT count(*) FROM teams")) == 0


def test_backup_copies_the_whole_database(
    store_app: Flask, db_url: str, tmp_path: Path, make_team: Callable[..., Team]
) -> None:
    make_team()
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


@pytest.mark.slow
@pytest.mark.postgres
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
