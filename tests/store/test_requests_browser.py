"""The request flow in Debian's chromium against a real SMTP server (issue 21): an employee
sends their plan from /result, the manager signs in from the mail's link and approves it into
a team, and the employee opens the private link mailed to them (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask

from recommender.testing import SMTPServer, app_server

pytestmark = pytest.mark.browser

BASE_URL = "https://career.example.com"  # org_app's (tests/store/conftest.py)
RESULT = "/result?role=agent&lines=personal&years_experience=2&start_date=2027-01-04"


def test_a_plan_goes_to_the_manager_who_approves_it_into_a_team(
    org_app: Flask,
    smtp_server: SMTPServer,
    browser: Any,
    axe: Callable[[Any], list[dict[str, Any]]],
    make_team: Callable[..., Any],
    password: str,
) -> None:
    with org_app.app_context():
        team_name = make_team("ann@example.com").name
    context = browser.new_context(bypass_csp=True)  # axe-core is injected as an inline script
    employee, manager = context.new_page(), browser.new_context().new_page()
    with app_server(org_app) as base:
        employee.goto(base + RESULT)
        employee.get_by_label("Your name").fill("Eve <i>Employee</i>")
        employee.get_by_label("Your e-mail").fill("eve@example.com")
        employee.get_by_label("Your manager's e-mail").fill("ann@example.com")
        employee.get_by_role("button", name="Send to my manager").click()
        employee.wait_for_load_state()
        assert employee.get_by_role("heading", level=1).inner_text() == "Sent to ann@example.com"
        assert axe(employee) == []

        mails = smtp_server.wait_for(2)
        to_manager = next(m for m in mails if m.rcpt_tos == ["ann@example.com"])
        manager.goto(base + to_manager.links[0].removeprefix(BASE_URL))
        manager.get_by_label("Email address").fill("ann@example.com")
        manager.get_by_label("Password").fill(password)
        manager.get_by_role("button", name="Log in").click()
        manager.wait_for_load_state()
        heading = manager.get_by_role("heading", level=1).inner_text()
        assert heading == "Plan request of Eve <i>Employee</i>: pending"  # text, never markup
        manager.get_by_label("Approve into a team").check()
        manager.get_by_label("Team", exact=True).select_option(label=team_name)
        manager.get_by_label("Approve even over the team's budget (recorded)").check()
        manager.get_by_role("button", name="Send the decision").click()
        manager.wait_for_load_state()
        assert (
            "Plan request of Eve <i>Employee</i>: approved"
            in manager.get_by_role("heading", level=1).inner_text()
        )

        link = smtp_server.wait_for(3)[2]
        assert link.rcpt_tos == ["eve@example.com"]
        employee.goto(base + link.links[0].removeprefix(BASE_URL))
        assert employee.url.startswith(base + "/my/")
        assert "Eve <i>Employee</i>" in employee.locator("body").inner_text()  # text, not markup
