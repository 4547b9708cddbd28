"""Saved teams in Debian's chromium: log in, save a team from a roster, record progress, and
find it all again after the server restarts (on SQLite and on PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from recommender.testing import app_server

pytestmark = pytest.mark.browser


def test_a_manager_saves_a_team_records_progress_and_finds_it_after_a_restart(
    app_factory: Callable[..., Flask],
    browser: Any,
    axe: Callable[[Any], list[dict[str, Any]]],
    add_user: Callable[..., Any],
    password: str,
    roster_csv: str,
    tmp_path: Path,
) -> None:
    app = app_factory()
    with app.app_context():
        add_user("ann@example.com")
    roster = tmp_path / "claims team.csv"
    roster.write_text(roster_csv, encoding="utf-8")
    context = browser.new_context(bypass_csp=True)  # axe-core is injected as an inline script
    page = context.new_page()
    with app_server(app) as base:
        page.goto(base + "/teams")
        assert page.url.startswith(base + "/login")  # the teams need an account
        page.get_by_label("Email address").fill("ann@example.com")
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(base + "/teams")
        assert axe(page) == []

        page.get_by_label("Team name").fill("Claims team")
        page.get_by_label("Roster file").set_input_files(str(roster))
        page.get_by_role("button", name="Save the team").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "Claims team"
        team_url = page.url
        assert axe(page) == []

        card = page.locator("section.route-card", has_text="Ana Agent")
        card.get_by_label("Course").select_option("API 29")
        card.get_by_label("Result").select_option("passed")
        card.get_by_label("Date").fill("2025-05-01")
        card.get_by_role("button", name="Record").click()
        page.wait_for_load_state()
        assert "Recorded Ana Agent: API 29 passed on 2025-05-01." in page.content()

    restarted = app_factory()  # a new app on the same database and instance folder
    with app_server(restarted) as base:
        page.goto(team_url.replace(team_url.split("/teams")[0], base))
        assert page.get_by_role("heading", level=1).inner_text() == "Claims team"
        history = page.locator("table.history").inner_text()
        assert "Ana Agent: API 29 passed on 2025-05-01." in history
        progress = page.locator("section.route-card", has_text="Ana Agent").locator(
            "table.progress"
        )
        assert "API 29" in progress.inner_text()
    context.close()
