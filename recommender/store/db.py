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

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

SQLITE_FILE = "career-path.sqlite3"
BUSY_TIMEOUT_MS = 5000


def utcnow() -> datetime:
    """Now in UTC, without a timezone: what every column stores on both databases."""
    return datetime.now(UTC).replace(tzinfo=None)


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
    """Point `app`'s Flask-SQLAlchemy at its database; the schema comes from `db upgrade`."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app)
    # Connections that died while pooled (a PostgreSQL restart) are replaced, not handed out.
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})


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
