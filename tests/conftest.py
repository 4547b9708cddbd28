"""Shared fixtures: the shipped rules, a recommender, a rules copy, an app, servers, a browser."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest
from flask import Flask
from flask.testing import FlaskClient

from recommender import create_app
from recommender.config import DEFAULT_RULES_DIR
from recommender.recommendation import Recommender
from recommender.testing import Served, SMTPServer, app_server, serving

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


@pytest.fixture
def small_app() -> Flask:
    """An app with small team limits: 2,000 bytes and 5 rows (the team page's and API's tests)."""
    return create_app(
        {
            "TESTING": True,
            "RULES_DIR": DEFAULT_RULES_DIR,
            "TEAM_MAX_BYTES": 2000,
            "TEAM_MAX_ROWS": 5,
        }
    )


# --- servers: the service as bin/serve runs it, and an app behind werkzeug's server -----------


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The service as the README starts it, `bin/serve`, on a free loopback port (1 worker)."""
    log = tmp_path_factory.mktemp("served") / "server.log"
    with serving(workers=1, log=log) as server:
        yield server


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    """The app served by a real threaded HTTP server on a free loopback port."""
    with app_server(create_app({"RULES_DIR": DEFAULT_RULES_DIR})) as url:
        yield url


# --- the browser: Debian's chromium driven by Playwright, axe-core injected ------------------

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# The flags this machine needs: no sandbox as root, and no calls home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Chromium, headless; the test skips where chromium or axe-core is missing (not under CI)."""
    playwright_api = pytest.importorskip("playwright.sync_api")
    if not (Path(CHROMIUM).exists() and AXE.exists()):
        # CI installs both (.ci/run); elsewhere say what is missing instead of failing obscurely.
        if os.environ.get("CI"):
            raise RuntimeError(f"browser tests need {CHROMIUM} and {AXE}: see .ci/run")
        pytest.skip("chromium or node_modules/axe-core missing (run .ci/run)")
    with playwright_api.sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_page(browser: Any) -> Iterator[Callable[..., Any]]:
    """Open pages in contexts of your choice; each asserts at the end that it stayed local."""
    opened = []

    def open_page(**options: Any) -> Any:
        context = browser.new_context(**options)
        page = context.new_page()
        page.requested = []
        page.on("request", lambda request: page.requested.append(request.url))
        opened.append((context, page))
        return page

    yield open_page
    for context, page in opened:
        hosts = {urlparse(url).hostname for url in page.requested if not url.startswith("data:")}
        context.close()
        assert hosts <= {"127.0.0.1"}, f"requests left localhost: {hosts}"


@pytest.fixture
def page(new_page: Callable[..., Any], base_url: str) -> Any:
    """A fresh page on the app's server that records every request it makes."""
    return new_page(viewport={"width": 1280, "height": 900})


@pytest.fixture(scope="session")
def axe() -> Callable[[Any], list[dict[str, Any]]]:
    """The axe-core audit of a page: its serious and critical accessibility violations."""

    def violations(page: Any) -> list[dict[str, Any]]:
        page.add_script_tag(path=str(AXE))
        results = page.evaluate("async () => await axe.run(document)")
        return [v for v in results["violations"] if v["impact"] in ("serious", "critical")]

    return violations


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


# --- mail: a real SMTP server (aiosmtpd) on a free loopback port ------------------------------


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    """A real SMTP server for this test: `.config()` points an app at it, `.wait_for(n)` the
    mails received (each with .subject, .text, .html, .links)."""
    server = SMTPServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()
