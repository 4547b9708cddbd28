"""Saved teams in Debian's chromium: log in, save a team from a roster, record progress, and
find it all again after the server restarts (on SQLite and on PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from store_helpers import PASSWORD, ROSTER_CSV, add_user

# The browser and the axe-core audit of the profile pages' browser tests (that module skips,
# and so this one, where chromium or axe-core is missing).
from test_web_browser import axe_violations, browser  # noqa: F401
from werkzeug.serving import make_server

pytestmark = pytest.mark.browser


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """The app behind a real threaded HTTP server on a free loopback port, stopped after."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def test_a_manager_saves_a_team_records_progress_and_finds_it_after_a_restart(
    app_factory: Callable[..., Flask],
    browser,  # noqa: F811
    tmp_path: Path,
) -> None:
    app = app_factory()
    with app.app_context():
        add_user("ann@example.com")
    roster = tmp_path / "claims team.csv"
    roster.write_text(ROSTER_CSV, encoding="utf-8")
    context = browser.new_context(bypass_csp=True)  # axe-core is injected as an inline script
    page = context.new_page()
    with serving(app) as base:
        page.goto(base + "/teams")
        assert page.url.startswith(base + "/login")  # the teams need an account
        page.get_by_label("Email address").fill("ann@example.com")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(base + "/teams")
        assert axe_violations(page) == []

        page.get_by_label("Team name").fill("Claims team")
        page.get_by_label("Roster file").set_input_files(str(roster))
        page.get_by_role("button", name="Save the team").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "Claims team"
        team_url = page.url
        assert axe_violations(page) == []

        card = page.locator("section.route-card", has_text="Ana Agent")
        card.get_by_label("Course").select_option("API 29")
        card.get_by_label("Result").select_option("passed")
        card.get_by_label("Date").fill("2025-05-01")
        card.get_by_role("button", name="Record").click()
        page.wait_for_load_state()
        assert "Recorded Ana Agent: API 29 passed on 2025-05-01." in page.content()

    restarted = app_factory()  # a new app on the same database and instance folder
    with serving(restarted) as base:
        page.goto(team_url.replace(team_url.split("/teams")[0], base))
        assert page.get_by_role("heading", level=1).inner_text() == "Claims team"
        history = page.locator("table.history").inner_text()
        assert "Ana Agent: API 29 passed on 2025-05-01." in history
        progress = page.locator("section.route-card", has_text="Ana Agent").locator(
            "table.progress"
        )
        assert "API 29" in progress.inner_text()
    context.close()
