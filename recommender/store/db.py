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
import secrets
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

SQLITE_FILE = "career-path.sqlite3"
SECRET_KEY_FILE = "secret_key"
BUSY_TIMEOUT_MS = 5000
MIGRATIONS_DIR = Path(__file__).resolve().parent.parent.parent / "migrations"

# Named constraints, so that migrations can drop and alter them on every database.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(directory=str(MIGRATIONS_DIR), render_as_batch=True, compare_type=True)


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


def init_db(app: Flask) -> None:
    """Bind the database and the migrations to `app`; the schema comes from `db upgrade`."""
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app)
    # Connections that died while pooled (a PostgreSQL restart) are replaced, not handed out.
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", {"pool_pre_ping": True})
    db.init_app(app)
    migrate.init_app(app, db)


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


def init_secret_key(app: Flask) -> None:
    """SECRET_KEY from CAREER_PATH_SECRET_KEY, else one generated once into the instance folder."""
    if app.config.get("SECRET_KEY"):
        return
    path = Path(app.instance_path) / SECRET_KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: of several workers starting at once, one writes the key and the rest read it.
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = _read_key(path)
    else:
        key = secrets.token_hex(32)
        with os.fdopen(fd, "w") as handle:
            handle.write(key)
    app.config["SECRET_KEY"] = key


def _read_key(path: Path) -> str:
    # Another worker may have created the file a moment ago and not yet written it.
    for _ in range(50):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.02)
    raise RuntimeError(f"the secret key file {path.name} in the instance folder is empty")
