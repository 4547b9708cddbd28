"""Store fixtures: a database per test on SQLite and on a real PostgreSQL, apps on it, and what
the saved teams' tests share: users with the test password, rosters, logging in, tokens.

The PostgreSQL cases (marked `postgres`) read CAREER_PATH_TEST_POSTGRES_URL, which bin/test
sets (bin/with-postgres starts a throwaway cluster): without it they skip, and under CI (CI=true)
a skip fails the run (tests/conftest.py).
"""

from __future__ import annotations

import copy
import io
import os
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import flask_migrate
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sso_provider import (  # noqa: F401  (fixtures)
    begin,
    oidc_client,
    oidc_person,
    oidc_provider,
    sign_in,
    sso_app,
)

from recommender import create_app, saved_teams
from recommender.accounts.users import create_user
from recommender.cli import main
from recommender.config import DEFAULT_RULES_DIR
from recommender.extensions import current_recommender, db
from recommender.mail import wait_for_sends
from recommender.store import accounts
from recommender.store.models import Team, User
from recommender.team import parse_roster
from recommender.testing import SMTPServer, postgres_database, serving

POSTGRES_ENV = "CAREER_PATH_TEST_POSTGRES_URL"


def _postgres_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL (bin/test starts one if it can)")
    return url


DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@contextmanager
def fresh_database(kind: str, folder: Path) -> Iterator[str]:
    """The URL of an empty database of its own: an SQLite file in `folder`, or a PostgreSQL
    database made on CAREER_PATH_TEST_POSTGRES_URL's server and dropped after."""
    if kind == "sqlite":
        yield f"sqlite:///{folder / 'store.sqlite3'}"
        return
    with postgres_database(_postgres_url(), "t") as url:
        yield url


@pytest.fixture(params=DATABASES)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database of its own for one test: an SQLite file, or a PostgreSQL database."""
    with fresh_database(request.param, tmp_path) as url:
        yield url


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
    wait_for_sends(app)  # mails a request queued are tried first, on their own connections
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def app_factory(
    request: pytest.FixtureRequest, db_url: str, tmp_path: Path
) -> Iterator[Callable[..., Flask]]:
    """Make apps on the test's database (a second one is a restart); closed at the end."""
    if "smtp_server" in request.fixturenames:
        # Up before the apps, so down after them: the mails they send after a response are
        # tried (close_app waits for them) while it still listens.
        request.getfixturevalue("smtp_server")
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


# --- users, rosters, logging in -------------------------------------------------------------

PASSWORD = "correct horse battery"
ROSTER_CSV = (
    "name,role,lines,years_experience,completed_courses,start_date\n"
    "Ana Agent,agent,personal,2,,2025-01-06\n"
    "Carl Claims,claims,both,1,CPCU 500,2025-01-06\n"
    "Una Underwriter,underwriter,commercial,12,,2025-01-06\n"
)
ROSTER_JSON = {
    "name": "Claims team",
    "members": [
        {
            "name": "Ana Agent",
            "role": "agent",
            "lines": "personal",
            "years_experience": 2,
            "start_date": "2025-01-06",
        },
        {
            "name": "Carl Claims",
            "role": "claims",
            "lines": "both",
            "years_experience": 1,
            "completed_courses": ["CPCU 500"],
            "start_date": "2025-01-06",
        },
    ],
}


@pytest.fixture
def password() -> str:
    """Every test user's password."""
    return PASSWORD


@pytest.fixture
def roster_csv() -> str:
    """A roster of three, as a CSV file's text."""
    return ROSTER_CSV


@pytest.fixture
def roster_json() -> dict[str, Any]:
    """A named team of two, as the saved-teams API's JSON body."""
    return copy.deepcopy(ROSTER_JSON)


@pytest.fixture
def add_user() -> Callable[..., User]:
    """Add a user with the test password (in an app context)."""

    def add(email: str, role: str = "manager") -> User:
        return create_user(email, role, PASSWORD)

    return add


@pytest.fixture
def bearer() -> Callable[[str], dict[str, str]]:
    """The Authorization header for an API token."""
    return lambda token: {"Authorization": f"Bearer {token}"}


@pytest.fixture
def csrf_token() -> Callable[[str], str]:
    """The CSRF token in a page's first form."""

    def token(page: str) -> str:
        found = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert found, "no CSRF token in the page"
        return found.group(1)

    return token


@pytest.fixture
def log_in(csrf_token: Callable[[str], str]) -> Callable[..., Any]:
    """Log in through the login form, as a browser does: log_in(client, email[, password])."""

    def post(client: Any, email: str, password: str = PASSWORD) -> Any:
        token = csrf_token(client.get("/login").get_data(as_text=True))
        data = {"email": email, "password": password, "csrf_token": token}
        return client.post("/login", data=data)

    return post


@pytest.fixture
def make_team(add_user: Callable[..., User], roster_csv: str) -> Callable[..., Team]:
    """Save the test roster as a team of `owner_email` (added if need be)."""

    def make(owner_email: str = "ann@example.com") -> Team:
        owner = accounts.user_by_email(owner_email) or add_user(owner_email)
        roster = parse_roster(roster_csv)
        return saved_teams.create_from_roster(current_recommender(), owner, "Claims team", roster)

    return make


@pytest.fixture
def web(app_factory: Callable[..., Flask], add_user: Callable[..., Any]) -> FlaskClient:
    """A browser on a fresh app with Ann and Bob; outside any app context, as a real one is
    (a pushed context would share `g`, and so the logged-in user, between requests)."""
    app = app_factory()
    with app.app_context():
        add_user("ann@example.com")
        add_user("bob@example.com", "adviser")
    return app.test_client()


# --- the real server on a database of its own ---------------------------------------------


@dataclass(frozen=True)
class ServedDatabase:
    """bin/serve on a database of its own, and an app on the same database for the test."""

    url: str  # the server's, e.g. http://127.0.0.1:40123
    db_url: str
    instance: Path  # the server's instance folder (it made it)
    app: Flask  # to add users and tokens, and to read or write rows directly

    @property
    def kind(self) -> str:
        return "sqlite" if self.db_url.startswith("sqlite") else "postgresql"


@pytest.fixture(scope="module", params=DATABASES)
def served_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServedDatabase]:
    """The service as the README starts it (bin/serve: 2 workers of 4 threads, behind one
    trusted proxy, so that X-Forwarded-For gives each client its address) on a fresh database
    per module: an SQLite file, or a PostgreSQL database from CAREER_PATH_TEST_POSTGRES_URL."""
    folder = tmp_path_factory.mktemp(f"served-{request.param}")
    instance = folder / "instance"  # made by the server
    with fresh_database(request.param, folder) as url:
        env = {
            **os.environ,
            "CAREER_PATH_DATABASE_URL": url,
            "CAREER_PATH_INSTANCE_PATH": str(instance),
            "CAREER_PATH_PROXY_FIX": "1",
        }
        with serving(workers=2, threads=4, log=folder / "server.log", env=env) as server:
            app = make_app(url, instance)
            try:
                yield ServedDatabase(server.url, url, instance, app)
            finally:
                close_app(app)


# --- an organization: mail to a real SMTP server, an admin, a manager and an adviser ----------

BASE_URL = "https://career.example.com"


@pytest.fixture
def org_app(
    app_factory: Callable[..., Flask], smtp_server: SMTPServer, add_user: Callable[..., User]
) -> Flask:
    """An app whose mail goes to `smtp_server`, its links starting with BASE_URL, with Ada
    (admin), Ann (manager) and Bob (adviser), each with the test password."""
    app = app_factory(**smtp_server.config(BASE_URL=BASE_URL))
    with app.app_context():
        add_user("ada@example.com", "admin")
        add_user("ann@example.com", "manager")
        add_user("bob@example.com", "adviser")
    return app


@pytest.fixture
def mail_link() -> Callable[[Any], str]:
    """The path of the first link of a received mail (the test client has no host)."""

    def path(received: Any) -> str:
        link: str = received.links[0]
        assert link.startswith(BASE_URL + "/"), link
        return link.removeprefix(BASE_URL)

    return path


@pytest.fixture
def run_cli(capsys: pytest.CaptureFixture[str]) -> Callable[..., tuple[int, str]]:
    """Run `career-path ARGV` in this process, as a person types it (its settings from the
    environment): run_cli(argv[, stdin]) answers the exit status and its output, with its
    errors after when it failed (logs go to stderr too, so the output's last line is its own).
    """

    def run(argv: list[str], stdin: str = "") -> tuple[int, str]:
        sys.stdin = io.StringIO(stdin)
        try:
            code = main(argv)
        finally:
            sys.stdin = sys.__stdin__
        out = capsys.readouterr()
        return code, out.out + "\n" + out.err if code else out.out

    return run
