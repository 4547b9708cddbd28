"""Store fixtures: a database per test on SQLite and on a real PostgreSQL, and apps on it.

The PostgreSQL cases read CAREER_PATH_TEST_POSTGRES_URL (.ci/postgres sets it): without it
they skip, except under CI (CI=true), where they fail.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
import sqlalchemy as sa
from flask import Flask

from recommender import create_app
from recommender.config import DEFAULT_RULES_DIR
from recommender.extensions import db

POSTGRES_ENV = "CAREER_PATH_TEST_POSTGRES_URL"


def _postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{POSTGRES_ENV} is not set: under CI the PostgreSQL tests must run")
        pytest.skip(f"{POSTGRES_ENV} is not set (.ci/postgres starts a server)")
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own for one test: an SQLite file, or a PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    base = sa.make_url(_postgres_url())
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def make_app(db_url: str, instance: Path, **config: Any) -> Flask:
    """An app on `db_url` with its instance folder at `instance`, migrated to the latest."""
    app = create_app(
        {
            "TESTING": True,
            "RULES_DIR": DEFAULT_RULES_DIR,
            "DATABASE_URL": db_url,
            "INSTANCE_PATH": str(instance),
            **config,
        }
    )
    with app.app_context():
        flask_migrate.upgrade()
    return app


def close_app(app: Flask) -> None:
    """Give back the app's database connections (a PostgreSQL database is then dropped)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_factory(db_url: str, tmp_path: Path) -> Iterator[Callable[..., Flask]]:
    """Make apps on the test's database (a second one is a restart); closed at the end."""
    made: list[Flask] = []

    def factory(**config: Any) -> Flask:
        app = make_app(db_url, tmp_path / "instance", **config)
        made.append(app)
        return app

    yield factory
    for app in made:
        close_app(app)


@pytest.fixture
def store_app(app_factory: Callable[..., Flask]) -> Iterator[Flask]:
    """An app on a fresh database, inside an app context."""
    app = app_factory()
    with app.app_context():
        yield app
