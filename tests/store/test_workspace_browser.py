"""The saved team page as a manager's workspace, in Debian's chromium: people first, sections
reached by links, no sideways scrolling on a 375 px phone (the member's private page too),
axe-core clean; on SQLite and on PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from flask import Flask

from recommender import saved_teams
from recommender.extensions import current_recommender
from recommender.team import parse_roster
from recommender.testing import app_server

pytestmark = pytest.mark.browser

MESSY_ROSTER = (
    "name,role,lines,years_experience,completed_courses,start_date,team,manager\n"
    '"Smith, Robert",agent,personal,2,CPCU 5555,2025-01-06,East,"Lee, Dana"\n'
    "Maximiliana Wolfeschlegelsteinhausenbergerdorff,claims,both,1.5,CPCU 500,2025-01-06,"
    "West,Dana Lee\n"
    "Una Underwriter,underwriter,commercial,12,,2027-01-04,East,Dana Lee\n"
    "Broken Row,agnet,personal,x,,2027-01-04,,\n"
)


def _log_in(page: Any, base: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email address").fill("ann@example.com")
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()


def _named(violations: list[dict[str, Any]]) -> list[tuple[str, list[str]]]:
    return [(v["id"], [n["html"][:120] for n in v["nodes"]]) for v in violations]


def _overflow(page: Any) -> int:
    width: int = page.evaluate("document.documentElement.scrollWidth")
    if width > page.viewport_size["width"]:  # say which elements stick out
        print(page.evaluate(WIDEST))
    return width


WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .filter(e => !e.closest('.table-wrap'))
  .slice(0, 8)
  .map(e => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)"""


@pytest.mark.parametrize("width", [1280, 375])
def test_the_team_page_puts_people_first_and_fits_a_phone(
    app_factory: Callable[..., Flask],
    browser: Any,
    axe: Callable[[Any], list[dict[str, Any]]],
    add_user: Callable[..., Any],
    password: str,
    width: int,
) -> None:
    app = app_factory()
    with app.app_context():
        owner = add_user("ann@example.com")
        team = saved_teams.create_from_roster(
            current_recommender(), owner, "Claims team", parse_roster(MESSY_ROSTER)
        )
        team_id = team.id
        member = team.members[1]  # the longest name
        member_id = member.id
        token = saved_teams.create_member_link(member, "ann@example.com")
        saved_teams.record_progress(
            current_recommender(), member, "CPCU 500", "failed", date(2025, 5, 1), "ann"
        )
    context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
    page = context.new_page()
    with app_server(app) as base:
        _log_in(page, base, password)
        page.goto(f"{base}/teams/{team_id}")
        headings = page.locator("main h2").all_inner_texts()
        # People first: what to act on, then the members, then the schedule and the budget.
        order = [h for h in headings if h in ("To act on", "Members and progress", "Budget")]
        assert order == ["To act on", "Members and progress", "Budget"], headings
        act = page.locator("section.act-now").inner_text()
        assert "Smith, Robert" in act or "Maximiliana" in act  # started 2025: behind
        assert "Next buy-by day" in act
        members_top = page.locator("#members-heading").bounding_box()["y"]
        height = page.evaluate("document.documentElement.scrollHeight")
        print(f"\n{width}px: page {height}px tall, members heading at {members_top:.0f}px")
        # Each section is reached by a link of the page's own (no JavaScript needed).
        for target in ("members-heading", "schedule-heading", "budget-heading"):
            page.locator(f'nav.page-sections a[href="#{target}"]').click()
            assert page.evaluate("location.hash") == f"#{target}"
            box = page.locator(f"#{target}").bounding_box()
            assert -2 <= box["y"] < 800
        assert _overflow(page) <= width, f"the team page is {_overflow(page)}px wide"
        violations = axe(page)
        assert violations == [], _named(violations)

        progress = page.locator("section.route-card", has_text="Maximiliana").locator(
            "table.progress"
        )
        assert progress.get_by_role("button", name="Remove CPCU 500 failed on 2025-05-01").count()

        for form in ("members/new", f"members/{member_id}/edit"):
            page.goto(f"{base}/teams/{team_id}/{form}")
            page.get_by_role("button", name="Save").click()  # the name is blank on a new one
            page.wait_for_load_state()
            assert _overflow(page) <= width, f"the member form is {_overflow(page)}px wide"
            violations = axe(page)
            assert violations == [], _named(violations)

        # An adviser keeps a client from a result page, in one click with a name.
        page.goto(f"{base}/result?role=claims&lines=both&years_experience=3")
        page.wait_for_load_state()
        violations = axe(page)
        assert violations == [], _named(violations)
        page.get_by_label("Client's name").fill("Carla Client")
        page.get_by_role("button", name="Keep as a client").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "Carla Client"
        assert page.get_by_role("link", name="Their whole recommendation").is_visible()
        assert _overflow(page) <= width

        page.goto(f"{base}/my/{token}")
        assert page.get_by_role("heading", level=1).is_visible()
        assert _overflow(page) <= width, f"the private page is {_overflow(page)}px wide"
        violations = axe(page)
        assert violations == [], _named(violations)
    context.close()
