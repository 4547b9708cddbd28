"""The admin pages and the password links in Debian's chromium: at 1280 and 375 px wide,
axe-clean, and with JavaScript off; the invitation followed from the mail the SMTP server got."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from recommender.testing import SMTPServer, app_server

pytestmark = pytest.mark.browser

NEW_PASSWORD = "a long enough password"


@pytest.fixture
def admin_app(
    app_factory: Callable[..., Flask], smtp_server: SMTPServer, add_user: Callable[..., Any]
) -> Flask:
    """Ada the admin, Ann a manager; mail to the test's server; links from the page's address."""
    app = app_factory(**smtp_server.config())
    with app.app_context():
        add_user("ada@example.com", "admin")
        add_user("ann@example.com", "manager")
    return app


def _log_in(page: Any, base: str, email: str, password: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base + "/teams")


def _fits(page: Any) -> bool:
    """Whether the page needs no sideways scrolling (tables scroll inside their frames)."""
    return bool(page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"))


@pytest.mark.parametrize("width", [1280, 375])
def test_an_admin_invites_and_the_invitee_sets_a_password_axe_clean(
    admin_app: Flask,
    new_page: Callable[..., Any],
    axe: Callable[[Any], list[dict[str, Any]]],
    smtp_server: SMTPServer,
    password: str,
    width: int,
) -> None:
    viewport = {"width": width, "height": 900}
    admin = new_page(viewport=viewport, bypass_csp=True)  # axe-core is an inline script
    with app_server(admin_app) as base:
        _log_in(admin, base, "ada@example.com", password)
        admin.get_by_role("link", name="People").click()
        admin.wait_for_url(base + "/admin/users")
        assert admin.get_by_role("heading", level=1).inner_text() == "People"
        assert "Mail is on: 127.0.0.1" in admin.content()
        assert axe(admin) == [] and _fits(admin)

        admin.get_by_label("Email address").fill("cleo@example.com")
        admin.get_by_label("Role", exact=True).select_option("adviser")
        admin.get_by_role("button", name="Send the invitation").click()
        admin.wait_for_url(base + "/admin/users")
        assert "Invited cleo@example.com as adviser. The mail is on its way." in admin.content()
        card = admin.locator("li.person", has_text="cleo@example.com")
        assert "Invited" in card.inner_text()
        assert axe(admin) == [] and _fits(admin)

        (mail,) = smtp_server.wait_for(1)
        invitee = new_page(viewport=viewport, bypass_csp=True)
        invitee.goto(mail.links[0])
        assert invitee.get_by_role("heading", level=1).inner_text() == "Welcome to career-path"
        assert axe(invitee) == [] and _fits(invitee)
        invitee.get_by_label("New password").fill(NEW_PASSWORD)
        invitee.get_by_label("The same password again").fill(NEW_PASSWORD)
        invitee.get_by_role("button", name="Set your password").click()
        invitee.wait_for_url(base + "/teams")
        assert "Welcome: your password is set." in invitee.content()
        assert "People" not in invitee.get_by_role("navigation", name="Main").inner_text()

        admin.get_by_role("link", name="Audit log").click()
        admin.wait_for_url(base + "/admin/audit")
        table = admin.locator("table.audit-table").inner_text()
        assert "Invitation accepted" in table and "Invitation sent" in table
        assert axe(admin) == [] and _fits(admin)
        admin.get_by_label("Action").select_option("invitation_sent")
        admin.get_by_role("button", name="Show").click()
        admin.wait_for_url(base + "/admin/audit?person=&action=invitation_sent")
        assert "Invitation accepted" not in admin.locator("table.audit-table").inner_text()

        forgot = new_page(viewport=viewport, bypass_csp=True)
        forgot.goto(base + "/login")
        forgot.get_by_role("link", name="Forgot your password?").click()
        assert axe(forgot) == [] and _fits(forgot)
        forgot.get_by_label("Email address").fill("ann@example.com")
        forgot.get_by_role("button", name="Mail me a link").click()
        assert "If an account has the address ann@example.com" in forgot.content()
        assert axe(forgot) == []


def test_the_admin_pages_and_links_work_without_javascript(
    admin_app: Flask,
    new_page: Callable[..., Any],
    smtp_server: SMTPServer,
    password: str,
) -> None:
    admin = new_page(viewport={"width": 375, "height": 740}, java_script_enabled=False)
    with app_server(admin_app) as base:
        _log_in(admin, base, "ada@example.com", password)
        admin.goto(base + "/admin/users")
        admin.get_by_label("Email address").fill("cleo@example.com")
        admin.get_by_role("button", name="Send the invitation").click()
        admin.wait_for_url(base + "/admin/users")
        card = admin.locator("li.person", has_text="ann@example.com")
        card.get_by_label("Role of ann@example.com").select_option("adviser")
        card.get_by_role("button", name="Change role of ann@example.com").click()
        admin.wait_for_url(base + "/admin/users")
        assert "ann@example.com is now adviser." in admin.content()
        card = admin.locator("li.person", has_text="ann@example.com")
        card.get_by_role("button", name="Deactivate ann@example.com").click()
        admin.wait_for_url(base + "/admin/users")
        assert "Deactivated ann@example.com" in admin.content()
        card = admin.locator("li.person", has_text="ann@example.com")
        card.get_by_role("button", name="Reactivate ann@example.com").click()
        admin.wait_for_url(base + "/admin/users")
        card = admin.locator("li.person", has_text="cleo@example.com")
        card.get_by_role("button", name="Send a new invitation to cleo@example.com").click()
        admin.wait_for_url(base + "/admin/users")
        assert "Sent cleo@example.com a new invitation" in admin.content()

        first, second = smtp_server.wait_for(2)
        invitee = new_page(viewport={"width": 375, "height": 740}, java_script_enabled=False)
        invitee.goto(first.links[0])
        assert "This link cannot be used" in invitee.content()  # the resend voided it
        invitee.goto(second.links[0])
        invitee.get_by_label("New password").fill(NEW_PASSWORD)
        invitee.get_by_label("The same password again").fill(NEW_PASSWORD)
        invitee.get_by_role("button", name="Set your password").click()
        invitee.wait_for_url(base + "/teams")

        admin.goto(base + "/admin/audit")
        admin.get_by_label("Person (email address)").fill("ann@example.com")
        admin.get_by_role("button", name="Show").click()
        rows = admin.locator("table.audit-table tbody tr")
        assert rows.count() == 3  # role changed, deactivated, reactivated
        with admin.expect_download() as download:
            admin.get_by_role("link", name="Download as CSV").click()
        lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
        assert len(lines) == 4 and all("ann@example.com" in line for line in lines[1:])
