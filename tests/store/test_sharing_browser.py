"""Sharing a team and the overview in Debian's chromium, JavaScript off, on a 375 px phone:
axe-clean, no sideways scrolling (on SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from recommender import saved_teams
from recommender.extensions import current_recommender
from recommender.team import parse_roster
from recommender.testing import app_server

pytestmark = pytest.mark.browser


def _fits(page: Any) -> bool:
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


def test_an_owner_shares_a_team_and_a_viewer_sees_it_in_the_overview_on_a_phone(
    app_factory: Callable[..., Flask],
    browser: Any,
    axe: Callable[[Any], list[dict[str, Any]]],
    add_user: Callable[..., Any],
    password: str,
    roster_csv: str,
) -> None:
    app = app_factory()
    with app.app_context():
        ann = add_user("ann@example.com")
        add_user("bob@example.com", "adviser")
        team = saved_teams.create_from_roster(
            current_recommender(), ann, "Claims team", parse_roster(roster_csv)
        )
        team_id = team.id

    def phone() -> Any:
        # JavaScript off: every form works without it. axe-core then runs in a second page
        # on the same HTML (add_script_tag needs scripts).
        context = browser.new_context(
            viewport={"width": 375, "height": 740}, java_script_enabled=False
        )
        return context.new_page()

    def audited(page: Any) -> list[dict[str, Any]]:
        checker = browser.new_context(viewport={"width": 375, "height": 740}, bypass_csp=True)
        copy = checker.new_page()
        copy.context.add_cookies(page.context.cookies())
        copy.goto(page.url)
        found = axe(copy)
        fits = _fits(copy)
        checker.close()
        assert fits, f"{page.url} scrolls sideways at 375 px"
        return found

    def log_in(page: Any, base: str, email: str) -> None:
        page.goto(base + "/login")
        page.get_by_label("Email address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()

    with app_server(app) as base:
        owner = phone()
        log_in(owner, base, "ann@example.com")
        owner.goto(f"{base}/teams/{team_id}")
        owner.get_by_role("link", name="Owner (ann@example.com) and colleagues").click()
        owner.wait_for_load_state()
        assert owner.get_by_role("heading", level=1).inner_text() == "Colleagues of Claims team"
        assert audited(owner) == []
        owner.get_by_label("Colleague's e-mail address").fill("bob@example.com")
        owner.get_by_label("Viewer", exact=True).check()
        owner.get_by_role("button", name="Share", exact=True).click()
        owner.wait_for_load_state()
        assert "bob@example.com is now a colleague on Claims team, as viewer." in owner.content()
        assert audited(owner) == []

        viewer = phone()
        log_in(viewer, base, "bob@example.com")
        viewer.goto(base + "/teams")
        assert "Viewer" in viewer.locator("table").inner_text()
        viewer.get_by_role("link", name="The overview of every team").click()
        viewer.wait_for_load_state()
        assert viewer.get_by_role("heading", level=1).inner_text() == "Overview of every team"
        assert "Claims team" in viewer.locator("table").first.inner_text()
        assert audited(viewer) == []
        viewer.get_by_label("Fiscal year starts in").select_option("4")
        viewer.get_by_role("button", name="Show").click()
        viewer.wait_for_load_state()
        assert "fiscal_year_start=4" in viewer.url
        assert audited(viewer) == []
