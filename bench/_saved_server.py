"""bench/saved_teams.py's server and client: bin/serve on an empty database of its own,
`career-path` run on that database, and a browser-like client of it, timed.

The server is started by recommender.testing (started), as in the tests.
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from _common import ROOT

from recommender.testing import BIN_SERVE, HOST, free_port, postgres_database, started

POSTGRES_ENV = "CAREER_PATH_TEST_POSTGRES_URL"
EMAIL, PASSWORD = "bench@example.com", "correct horse battery staple"
TIMEOUT = 900  # seconds: saving 50,000 members is one long request


# --- a server on a database ---------------------------------------------------------------


@contextmanager
def database(kind: str) -> Iterator[str]:
    """An empty database of its own: an SQLite file, or a database in the PostgreSQL given."""
    if kind == "sqlite":
        folder = tempfile.mkdtemp(prefix="bench-saved-")
        try:
            yield f"sqlite:///{folder}/career-path.sqlite3"
        finally:
            shutil.rmtree(folder, ignore_errors=True)
        return
    with postgres_database(os.environ[POSTGRES_ENV], "bench") as url:
        yield url


@contextmanager
def server(url: str) -> Iterator[tuple[str, dict[str, str], int]]:
    """bin/serve (2 workers x 4 threads) on the database `url`: its base URL, env, pid."""
    instance = tempfile.mkdtemp(prefix="bench-instance-")
    env = {
        **os.environ,
        "CAREER_PATH_DATABASE_URL": url,
        "CAREER_PATH_INSTANCE_PATH": instance,
        "CAREER_PATH_LOG_LEVEL": "WARNING",
    }
    port = free_port()
    command = [str(BIN_SERVE), "--host", HOST, "--port", str(port), "--workers", "2"]
    try:
        with started([*command, "--threads", "4"], port, env=env) as served:
            yield served.url, env, served.pid
    finally:
        shutil.rmtree(instance, ignore_errors=True)


def career_path(env: dict[str, str], *args: str, stdin: str = "") -> str:
    """Run `career-path ARGS` on the server's database; its output."""
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "career-path"), *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


# --- HTTP ---------------------------------------------------------------------------------


class Client:
    """A browser-like client (cookies) that also sends the API token where asked."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self.token = token
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str | None = None,
        api: bool = False,
    ) -> tuple[int, bytes, Any]:
        request = urllib.request.Request(self.base + path, data=body, method=method)
        if content_type:
            request.add_header("Content-Type", content_type)
        if api:
            request.add_header("Authorization", f"Bearer {self.token}")
        try:
            with self.opener.open(request, timeout=TIMEOUT) as answer:
                return answer.status, answer.read(), answer.headers
        except urllib.error.HTTPError as error:
            return error.code, error.read(), error.headers

    def form(self, path: str, fields: dict[str, str]) -> tuple[int, bytes, Any]:
        body = urllib.parse.urlencode(fields).encode()
        return self.call("POST", path, body, "application/x-www-form-urlencoded")

    def log_in(self) -> None:
        page = self.call("GET", "/login")[1].decode()
        status, _, _ = self.form(
            "/login", {"email": EMAIL, "password": PASSWORD, "csrf_token": csrf(page)}
        )
        assert status == 200, status  # redirected to /teams


def csrf(page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert found, "no CSRF token"
    return found.group(1)


def once(call: Callable[[], tuple[int, bytes, Any]]) -> float:
    """Milliseconds of one call."""
    start = time.perf_counter()
    status, body, _ = call()
    assert status == 200, (status, body[:300])
    return (time.perf_counter() - start) * 1000


def timed(call: Callable[[], tuple[int, bytes, Any]], rounds: int) -> tuple[list[float], int]:
    """Milliseconds of `rounds` calls after one not counted, and the last answer's size."""
    status, body, _ = call()
    assert status in (200, 201), (status, body[:300])
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        status, body, _ = call()
        samples.append((time.perf_counter() - start) * 1000)
        assert status in (200, 201), (status, body[:300])
    return samples, len(body)
