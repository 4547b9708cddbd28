"""Shared fixtures: the shipped rules, a recommender, a rules copy to break, an app, bin/serve."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from recommender import create_app
from recommender.config import DEFAULT_RULES_DIR
from recommender.recommendation import Recommender

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session", autouse=True)
def _instance_folder(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Give every app of the run (and bin/serve) an instance folder of its own, not the repo's."""
    folder = tmp_path_factory.mktemp("instance")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CAREER_PATH_INSTANCE_PATH", str(folder))
        yield


@pytest.fixture(scope="session")
def recommender() -> Recommender:
    return Recommender.from_dir(DEFAULT_RULES_DIR)


@pytest.fixture
def rules_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped rules directory (without scenarios)."""
    target = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, target, ignore=shutil.ignore_patterns("scenarios"))
    return target


@pytest.fixture
def app() -> Flask:
    """A fresh app on the shipped rules, in testing mode."""
    return create_app({"TESTING": True, "RULES_DIR": DEFAULT_RULES_DIR})


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@dataclass
class Served:
    """A server that bin/serve started: its address and the file its output goes to."""

    host: str
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The service as the README starts it, `bin/serve`, on a free loopback port (1 worker)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    log = tmp_path_factory.mktemp("served") / "server.log"
    command = [str(ROOT / "bin" / "serve"), "--port", str(port), "--workers", "1"]
    with log.open("wb") as out:
        # A session of its own, so that stopping it reaches the worker too.
        process = subprocess.Popen(
            command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Served("127.0.0.1", port, log)
    try:
        _wait_until_up(server, process)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_until_up(server: Served, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120  # bin/serve may first set up .venv
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(server.url + "/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    pytest.fail(f"bin/serve did not come up:\n{server.log.read_text(errors='replace')[-3000:]}")


# Under CI a skipped browser or PostgreSQL test fails the run: there both must be set up (bin/test
# installs chromium, axe-core and postgresql when they are missing, and starts a cluster), and a
# skip would hide that they are not. A browser module skips whole, before its marker is read.
_required_skips: list[str] = []


def _note_required_skip(report: pytest.CollectReport | pytest.TestReport) -> None:
    marks = getattr(report, "keywords", {})
    if report.skipped and (
        "browser" in report.nodeid.split("::")[0] or "browser" in marks or "postgres" in marks
    ):
        _required_skips.append(report.nodeid)


def pytest_collectreport(report: pytest.CollectReport) -> None:
    _note_required_skip(report)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    _note_required_skip(report)


def _under_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if _required_skips and _under_ci():
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _required_skips and _under_ci():
        terminalreporter.write_line(
            "CI: a browser or PostgreSQL test was skipped, which fails the run: "
            + ", ".join(_required_skips),
            red=True,
        )
