"""The database: Flask-SQLAlchemy on SQLite in the instance folder, or CAREER_PATH_DATABASE_URL.

Traps of the drivers, and what this module does about them:

- SQLite allows one writer at a time; a second one fails at once with "database is locked"
  unless it waits. Every connection sets `busy_timeout` (5 s) and the file is in WAL mode, so
  readers never block the writer nor the writer the readers.
- SQLite leaves foreign keys unchecked unless each connection asks: `foreign_keys=ON`.
- SQLite stores a timezone-aware datetime without its offset: every time is UTC, naive
  on SQLite and aware on PostgreSQL, so the models store and compare UTC only (see `utcnow`).
- psycopg 3 is named in the URL as `postgresql+psycopg://`; a plain `postgresql://` would
  make SQLAlchemy look for psycopg2, so it is rewritten.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

SQLITE_FILE = "career-path.sqlite3"
BUSY_TIMEOUT_MS = 5000
CHUNK = 500  # ids per IN list: far below either database's limit of bound parameters


def utcnow() -> datetime:
    """Now in UTC, without a timezone: what every column stores on both databases."""
    return datetime.now(UTC).replace(tzinfo=None)


def chunks(ids: list[int]) -> Iterator[list[int]]:
    """`ids` CHUNK at a time: one IN (...) list each."""
    for start in range(0, len(ids), CHUNK):
        yield ids[start : start + CHUNK]


def database_url(app: Flask) -> str:
    """The database to use: DATABASE_URL (CAREER_PATH_DATABASE_URL), else the instance SQLite."""
    url = app.config.get("DATABASE_URL") or app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        return f"sqlite:///{Path(app.instance_path) / SQLITE_FILE}"
    url = str(url)
    for plain in ("postgresql://", "postgres://"):
        if url.startswith(plain):
            return "postgresql+psycopg://" + url[len(plain) :]
    return url


def configure_database(app: Flask) -> None:
    """Point `app`'s Flask-SQLAlchemy at its database; the schema comes from `db upgrade`.

    The instance folder is made 0700 and an SQLite file 0600 (its WAL and shared-memory files
    take the file's mode): they hold the accounts and the teams, as the signing key does. An
    SQLite file that an older release left readable by others is made 0600.
    """
    # Made 0700; one that exists is left as it is (it may be a folder shared on purpose).
    Path(app.instance_path).mkdir(mode=0o700, parents=True, exist_ok=True)
    url = database_url(app)
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    path = sqlite_path(url)
    if path is not None:
        private_file(path)
    # Connections that died while pooled (a PostgreSQL restart) are replaced, not handed out.
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite database URL; None for another database or one in memory."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    if str(parsed.database).startswith("file:"):  # a URI filename: left as it is
        return None
    return Path(str(parsed.database))


def private_file(path: Path) -> None:
    """Make `path` a file only its owner reads and writes (0600): created so if missing, its
    group's and others' bits taken away if present (its WAL and shared-memory files' too)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass
    for each in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if each.stat().st_mode & 0o077:
                each.chmod(0o600)
        except (FileNotFoundError, PermissionError):  # none yet, or not ours to change
            pass


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(connection: Any, _record: Any) -> None:
    """WAL, a busy timeout and foreign keys on every SQLite connection."""
    if type(connection).__module__.split(".")[0] != "sqlite3":
        return
    cursor = connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    if cursor.execute("PRAGMA database_list").fetchone()[2]:  # a file, not :memory:
        cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()
