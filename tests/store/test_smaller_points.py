"""The smaller points of issue 16, on both databases: the private link's page is not cached,
`users add` wants 12 characters, `tokens list|revoke`, private files, pg_dump's password."""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from recommender.accounts.tokens import user_for_token
from recommender.cli import main
from recommender.store.models import Team


@pytest.fixture
def env(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The environment of a deployment: its database and its instance folder, migrated."""
    monkeypatch.setenv("CAREER_PATH_DATABASE_URL", db_url)
    monkeypatch.setenv("CAREER_PATH_INSTANCE_PATH", str(tmp_path / "instance"))
    assert main(["db", "upgrade"]) == 0
    return tmp_path


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_page_that_shows_a_new_private_link_is_not_kept_in_any_cache(
    web: FlaskClient,
    log_in: Callable[..., Any],
    csrf_token: Callable[[str], str],
    make_team: Callable[..., Team],
) -> None:
    with web.application.app_context():
        team = make_team()
        team_id, member_id = team.id, team.members[0].id
    log_in(web, "ann@example.com")
    token = csrf_token(web.get(f"/teams/{team_id}").get_data(as_text=True))
    shown = web.post(f"/teams/{team_id}/members/{member_id}/link", data={"csrf_token": token})
    assert shown.status_code == 200 and "/my/" in shown.get_data(as_text=True)
    assert shown.headers["Cache-Control"] == "no-store"


def test_users_add_refuses_a_password_shorter_than_12_characters(
    env: Path, run_cli: Callable[..., tuple[int, str]]
) -> None:
    add = ["users", "add", "ann@example.com", "--role", "manager", "--password-stdin"]
    code, out = run_cli(add, "x\n")
    assert code == 1 and "at least 12 characters" in out
    code, out = run_cli(add, "eleven char\n")
    assert code == 1 and "at least 12 characters" in out
    assert run_cli(add, "twelve chars\n") == (0, "Added ann@example.com (manager).\n")


def test_tokens_are_listed_by_prefix_and_revoked(
    env: Path, app_factory: Callable[..., Flask], run_cli: Callable[..., tuple[int, str]]
) -> None:
    run_cli(
        ["users", "add", "ann@example.com", "--role", "manager", "--password-stdin"],
        "correct horse battery\n",
    )
    first = run_cli(["tokens", "create", "ann@example.com"])[1].splitlines()[-1]
    second = run_cli(["tokens", "create", "ann@example.com"])[1].splitlines()[-1]
    code, listed = run_cli(["tokens", "list", "ann@example.com"])
    assert code == 0 and listed.count(" made ") == 2
    assert f"{first[:10]}..." in listed and f"{second[:10]}..." in listed
    assert first[10:] not in listed and second[10:] not in listed  # only the prefixes

    code, out = run_cli(["tokens", "revoke", "ann@example.com", first[:10]])
    assert (code, out) == (0, "Revoked 1 API token of ann@example.com.\n")
    code, out = run_cli(["tokens", "revoke", "ann@example.com", "cp_nothing"])
    assert code == 1 and "no token" in out
    assert run_cli(["tokens", "revoke", "ann@example.com"])[0] == 2  # neither named nor --all
    app = app_factory()
    with app.app_context():
        assert user_for_token(first) is None and user_for_token(second) is not None
    code, out = run_cli(["tokens", "revoke", "ann@example.com", second])  # a whole token
    assert code == 0
    third = run_cli(["tokens", "create", "ann@example.com"])[1].splitlines()[-1]
    assert run_cli(["tokens", "revoke", "ann@example.com", "--all"])[0] == 0
    with app.app_context():
        assert user_for_token(second) is None and user_for_token(third) is None
    assert "has no API tokens" in run_cli(["tokens", "list", "ann@example.com"])[1]


def test_the_sqlite_database_its_journal_and_the_instance_folder_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, run_cli: Callable[..., tuple[int, str]]
) -> None:
    monkeypatch.delenv("CAREER_PATH_DATABASE_URL", raising=False)
    instance = tmp_path / "instance"
    monkeypatch.setenv("CAREER_PATH_INSTANCE_PATH", str(instance))
    add = ["users", "add", "ann@example.com", "--role", "manager", "--password-stdin"]
    assert run_cli(["db", "upgrade"])[0] == 0
    database = instance / "career-path.sqlite3"
    with sqlite3.connect(database) as held:  # keeps the WAL and shared-memory files in place
        held.execute("SELECT count(*) FROM users").fetchone()
        assert run_cli(add, "correct horse battery\n")[0] == 0
        files = [database, *instance.glob("career-path.sqlite3-*")]
        assert {p.name for p in files} >= {database.name, f"{database.name}-wal"}
        assert {p.name: _mode(p) for p in files} == {p.name: 0o600 for p in files}
    assert _mode(instance) == 0o700 and _mode(instance / "secret_key") == 0o600
    backup = tmp_path / "backup.sqlite3"
    assert run_cli(["db", "backup", str(backup)])[0] == 0
    assert _mode(backup) == 0o600
    # A database that an older release left readable by others is made private; a folder that
    # exists is left as it is (it may be shared on purpose).
    database.chmod(0o644)
    instance.chmod(0o750)
    assert run_cli(["tokens", "create", "ann@example.com"])[0] == 0
    assert _mode(database) == 0o600 and _mode(instance) == 0o750


def test_db_backup_makes_a_private_file_and_keeps_the_password_off_the_command_line(
    db_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., tuple[int, str]],
) -> None:
    seen = tmp_path / "seen"
    if db_url.startswith("postgresql"):
        real = shutil.which("pg_dump")
        assert real, "pg_dump is not installed (bin/with-postgres puts it on PATH)"
        # pg_dump itself, behind a script that writes down what it was given.
        wrapper = tmp_path / "bin" / "pg_dump"
        wrapper.parent.mkdir()
        wrapper.write_text(
            "#!/bin/sh\n"
            f'printf "%s\\n" "$@" > {seen}\n'
            f'printf "PGPASSWORD=%s\\n" "$PGPASSWORD" >> {seen}\n'
            f'exec {real} "$@"\n'
        )
        wrapper.chmod(0o755)
        monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
        # The throwaway cluster trusts every connection: the password is sent, not needed.
        db_url = sa.make_url(db_url).set(password="s3cret-Passw0rd").render_as_string(False)
    monkeypatch.setenv("CAREER_PATH_DATABASE_URL", db_url)
    monkeypatch.setenv("CAREER_PATH_INSTANCE_PATH", str(tmp_path / "instance"))
    assert run_cli(["db", "upgrade"])[0] == 0
    backup = tmp_path / "backup"
    code, out = run_cli(["db", "backup", str(backup)])
    assert code == 0, out
    assert _mode(backup) == 0o600 and backup.stat().st_size > 0
    if db_url.startswith("postgresql"):
        argv, _, password = seen.read_text().rpartition("PGPASSWORD=")
        assert "--dbname" in argv and "s3cret-Passw0rd" not in argv
        assert password.strip() == "s3cret-Passw0rd"
