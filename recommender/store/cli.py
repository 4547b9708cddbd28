"""`career-path db|users|tokens|teams`: click commands on the app (Flask-Migrate's `db` too)."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

import click
from flask import Flask
from flask.cli import FlaskGroup, with_appcontext
from flask_migrate.cli import db as db_group

from ..extensions import db
from . import queries
from .models import ROLES, Team, User


def add_backup_command() -> None:
    """Add `db backup` to Flask-Migrate's `db` group (once: the group is shared by every app)."""
    if "backup" not in db_group.commands:
        db_group.add_command(backup)


def _user(email: str) -> User:
    user = queries.user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user {queries.normalise_email(email)}")
    return user


@click.group(help="Accounts: managers, advisers and admins.")
def users() -> None:
    pass


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option(
    "--password-stdin", is_flag=True, help="read the password from the first line of stdin"
)
@with_appcontext
def add_user(email: str, role: str, password_stdin: bool) -> None:
    """Add a user; asks for the password unless --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise click.ClickException("the password is empty")
    try:
        user = queries.create_user(email, role, password)
    except queries.StoreError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Added {user.email} ({user.role}).")


@click.group(help="API tokens for scripts.")
def tokens() -> None:
    pass


@tokens.command("create")
@click.argument("email")
@with_appcontext
def create_token(email: str) -> None:
    """Make a new API token for a user; it is printed once, as the last line."""
    user = _user(email)
    token = queries.create_token(user)
    click.echo(f"A new API token for {user.email}; it is shown only now:")
    click.echo(token)


@click.group(help="Saved teams: export and import as JSON.")
def teams() -> None:
    pass


@teams.command("export")
@click.argument("team_id", type=int)
@click.argument("file", type=click.Path(dir_okay=False, allow_dash=True))
@with_appcontext
def export_team(team_id: int, file: str) -> None:
    """Write a team (members, progress, history) as JSON to FILE (- = stdout)."""
    team = db.session.get(Team, team_id)
    if team is None:
        raise click.ClickException(f"no team {team_id}")
    text = json.dumps(queries.export_team(team), indent=2, ensure_ascii=False) + "\n"
    if file == "-":
        click.echo(text, nl=False)
    else:
        Path(file).write_text(text, encoding="utf-8")
        click.echo(f"Exported team {team_id} to {file}.", err=True)


@teams.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8"))
@click.option("--owner", metavar="EMAIL", help="the user to own it (default: as exported)")
@with_appcontext
def import_team(file: TextIO, owner: str | None) -> None:
    """Add a team from a JSON export; prints its new id."""
    try:
        data = json.load(file)
    except json.JSONDecodeError as exc:
        raise click.ClickException(f"not valid JSON: {exc}") from None
    try:
        team = queries.import_team(data, _user(owner) if owner else None)
    except queries.StoreError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Imported the team {team.name!r} as team {team.id}.")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def backup(file: str) -> None:
    """Copy the whole database to FILE: SQLite's online backup, or pg_dump for PostgreSQL."""
    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        raw = db.engine.raw_connection()
        try:
            target = sqlite3.connect(file)
            with target:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
            target.close()
        finally:
            raw.close()
    elif url.get_backend_name() == "postgresql":
        if shutil.which("pg_dump") is None:
            raise click.ClickException("pg_dump is not installed (Debian: postgresql-client)")
        libpq = url.set(drivername="postgresql").render_as_string(hide_password=False)
        done = subprocess.run(
            ["pg_dump", "--no-owner", "--file", file, "--dbname", libpq],
            capture_output=True,
            text=True,
        )
        if done.returncode:
            raise click.ClickException(f"pg_dump failed: {done.stderr.strip()}")
    else:
        raise click.ClickException(f"no backup for {url.get_backend_name()} databases")
    click.echo(f"Backed up the database to {file}.")


_apps: list[Flask] = []


def _create_app() -> Flask:
    from .. import create_app

    app = create_app()
    _apps.append(app)
    return app


def _close_apps() -> None:
    # A command's connections are closed when it ends, not left to the garbage collector.
    while _apps:
        with _apps.pop().app_context():
            db.session.remove()
            db.engine.dispose()


cli = FlaskGroup(
    name="career-path",
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
    load_dotenv=False,
    set_debug_flag=False,
)

COMMANDS = ("db", "users", "tokens", "teams")


def main(argv: Sequence[str]) -> int:
    """Run `career-path db|users|tokens|teams ...`; return the exit status."""
    try:
        cli.main(args=list(argv), prog_name="career-path", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    finally:
        _close_apps()
    return 0
