"""The store's commands: `career-path db backup` and `career-path teams export|import`."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import TextIO

import click
from flask.cli import with_appcontext
from flask_migrate.cli import db as db_group

from ..extensions import db
from . import transfer
from .accounts import normalise_email, user_by_email
from .db import private_file
from .errors import Invalid
from .models import Team


def add_backup_command() -> None:
    """Add `db backup` to Flask-Migrate's `db` group (once: the group is shared by every app)."""
    if "backup" not in db_group.commands:
        db_group.add_command(backup)


@click.group(help="Saved teams: export and import as JSON, re-plan stale members.")
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
    text = json.dumps(transfer.export_team(team), indent=2, ensure_ascii=False) + "\n"
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
    owner_user = None
    if owner:
        owner_user = user_by_email(owner)
        if owner_user is None:
            raise click.ClickException(f"no user {normalise_email(owner)}")
    try:
        team = transfer.import_team(data, owner_user)
    except Invalid as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Imported the team {team.name!r} as team {team.id}.")


@click.command("backup")
@click.argument("file", type=click.Path(dir_okay=False))
@with_appcontext
def backup(file: str) -> None:
    """Copy the whole database to FILE (made 0600): SQLite's online backup, or pg_dump for
    PostgreSQL (the password handed over in its environment, never on its command line)."""
    url = db.engine.url
    if url.get_backend_name() not in ("sqlite", "postgresql"):
        raise click.ClickException(f"no backup for {url.get_backend_name()} databases")
    if url.get_backend_name() == "postgresql" and shutil.which("pg_dump") is None:
        raise click.ClickException("pg_dump is not installed (Debian: postgresql-client)")
    private_file(Path(file))  # before a byte is written: readable by its owner alone
    if url.get_backend_name() == "sqlite":
        raw = db.engine.raw_connection()
        try:
            target = sqlite3.connect(file)
            with target:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
            target.close()
        finally:
            raw.close()
    else:
        # A command line is visible to every user of the machine (ps, /proc): the password
        # goes in pg_dump's environment (PGPASSWORD), the URL without it.
        libpq = url.set(drivername="postgresql", password=None)
        environment = dict(os.environ)
        if url.password is not None:
            environment["PGPASSWORD"] = str(url.password)
        done = subprocess.run(
            ["pg_dump", "--no-owner", "--file", file, "--dbname", libpq.render_as_string()],
            capture_output=True,
            text=True,
            env=environment,
        )
        if done.returncode:
            raise click.ClickException(f"pg_dump failed: {done.stderr.strip()}")
    click.echo(f"Backed up the database to {file}.")
