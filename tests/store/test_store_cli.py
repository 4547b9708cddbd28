"""`career-path db|users|tokens|teams`: through cli.main, as a person types them."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest


@pytest.fixture
def env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The environment of a deployment: its database and its instance folder."""
    monkeypatch.setenv("CAREER_PATH_DATABASE_URL", db_url)
    monkeypatch.setenv("CAREER_PATH_INSTANCE_PATH", str(tmp_path / "instance"))
    return tmp_path


@pytest.mark.slow
def test_users_tokens_and_teams_from_the_command_line(
    env: Path, db_url: str, password: str, run_cli: Callable[..., tuple[int, str]]
) -> None:
    assert run_cli(["db", "upgrade"])[0] == 0
    code, out = run_cli(
        ["users", "add", "Ann@Example.com", "--role", "manager", "--password-stdin"],
        password + "\n",
    )
    assert (code, out.strip()) == (0, "Added ann@example.com (manager).")
    code, out = run_cli(
        ["users", "add", "ann@example.com", "--role", "adviser", "--password-stdin"], "x\n"
    )
    assert code == 1 and "exists already" in out
    code, out = run_cli(["tokens", "create", "ann@example.com"])
    token = out.strip().splitlines()[-1]
    assert code == 0 and token.startswith("cp_") and len(token) > 40
    code, out = run_cli(["tokens", "create", "nobody@example.com"])
    assert code == 1 and "no user nobody@example.com" in out

    from recommender import create_app, saved_teams
    from recommender.accounts.tokens import user_for_token
    from recommender.extensions import current_recommender
    from recommender.team import parse_roster

    app = create_app()
    with app.app_context():
        owner = user_for_token(token)
        team = saved_teams.create_from_roster(
            current_recommender(),
            owner,
            "Sales",
            parse_roster("name,role,lines,years_experience\nA,agent,personal,2\n"),
        )
        team_id = team.id
        from recommender.extensions import db

        db.session.remove()
        db.engine.dispose()

    export = env / "team.json"
    assert run_cli(["teams", "export", str(team_id), str(export)])[0] == 0
    data = json.loads(export.read_text())
    assert data["name"] == "Sales" and data["members"][0]["name"] == "A"
    code, out = run_cli(["teams", "import", str(export)])
    assert code == 0 and "Imported the team 'Sales' as team" in out
    code, out = run_cli(["teams", "export", "999", "-"])
    assert code == 1 and "no team 999" in out
    backup = env / "backup.db"
    code, out = run_cli(["db", "backup", str(backup)])
    assert code == 0, out
    if db_url.startswith("sqlite"):
        with sqlite3.connect(backup) as conn:
            assert conn.execute("SELECT count(*) FROM teams").fetchone() == (2,)


def test_db_upgrade_creates_the_sqlite_file_in_the_instance_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., tuple[int, str]]
) -> None:
    monkeypatch.delenv("CAREER_PATH_DATABASE_URL", raising=False)
    monkeypatch.setenv("CAREER_PATH_INSTANCE_PATH", str(tmp_path / "instance"))
    assert run_cli(["db", "upgrade"])[0] == 0
    database = tmp_path / "instance" / "career-path.sqlite3"
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"users", "teams", "members", "progress"} <= tables
    key = (tmp_path / "instance" / "secret_key").read_text()
    assert len(key) == 64
    assert oct((tmp_path / "instance" / "secret_key").stat().st_mode & 0o777) == "0o600"


def test_the_other_commands_still_work(run_cli: Callable[..., tuple[int, str]]) -> None:
    code, out = run_cli(["recommend", "--role", "agent", "--lines", "personal", "--years", "2"])
    assert code == 0 and out.startswith("Recommended:")
