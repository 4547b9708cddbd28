"""Single sign-on in Debian's chromium, against the real provider the tests start (Canaille,
tests/store/sso_provider.py): from /login's "Sign in with Canaille" through the provider's own
pages back to /teams, with the Content-Security-Policy enforced (the button's form is redirected
to the provider, which the policy's form-action must allow); the pages axe-clean."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from flask import Flask
from sqlalchemy import select
from sso_provider import Provider, sign_in_at_provider_pages, sso_config

from recommender.extensions import db
from recommender.store import accounts
from recommender.store.models import AuditEntry
from recommender.testing import app_server

pytestmark = pytest.mark.browser

ROLE_MAP = {"learning-admins": "admin", "team-leads": "manager"}


@pytest.fixture
def contexts(browser: Any) -> Iterator[Callable[..., Any]]:
    """Pages in browser contexts of their own (cookies apart); each may go to this machine only:
    the app on 127.0.0.1, the provider on localhost."""
    opened: list[tuple[Any, list[str]]] = []

    def open_page(**options: Any) -> Any:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, **options)
        context.set_default_timeout(15_000)
        requested: list[str] = []
        context.on("request", lambda request: requested.append(request.url))
        opened.append((context, requested))
        return context.new_page()

    yield open_page
    for context, requested in opened:
        context.close()
        hosts = {urlparse(url).hostname for url in requested if not url.startswith("data:")}
        assert hosts <= {"127.0.0.1", "localhost"}, f"requests left this machine: {hosts}"


def test_a_person_signs_in_from_the_login_page_to_their_teams_through_the_provider(
    app_factory: Callable[..., Flask],
    oidc_provider: Provider,
    oidc_client: Callable[[str], Any],
    oidc_person: Callable[..., Any],
    contexts: Callable[..., Any],
) -> None:
    app = app_factory(
        **sso_config(oidc_provider.issuer, OIDC_ROLE_CLAIM="groups", OIDC_ROLE_MAP=ROLE_MAP)
    )
    person = oidc_person("cleo@example.com", groups=("team-leads",))
    page = contexts()  # the Content-Security-Policy enforced
    authorize: list[str] = []
    page.on("request", lambda r: authorize.append(r.url) if "/oauth/authorize?" in r.url else None)
    with app_server(app) as base:
        oidc_client(base + "/login/sso/callback")
        page.goto(base + "/login")
        assert page.get_by_label("Password").count() == 1  # passwords stay on by default
        page.get_by_role("button", name="Sign in with Canaille").click()
        page.wait_for_url(oidc_provider.issuer + "/**")
        asked = parse_qs(urlparse(authorize[0]).query)
        assert asked["code_challenge_method"] == ["S256"] and asked["state"] and asked["nonce"]
        assert asked["redirect_uri"] == [base + "/login/sso/callback"]

        sign_in_at_provider_pages(page, person)
        page.wait_for_url(base + "/teams")
        assert page.get_by_role("link", name="Log out").count() == 1
        assert page.get_by_role("heading", level=1).count() == 1

        page.get_by_role("link", name="Log out").click()
        page.get_by_role("button", name="Log out").click()
        page.goto(base + "/teams")
        assert page.url.startswith(base + "/login")

    with app.app_context():
        user = accounts.user_by_email("cleo@example.com")
        assert user is not None and user.role == "manager" and user.password_hash is None
        actions = db.session.execute(
            select(AuditEntry.action, AuditEntry.detail).order_by(AuditEntry.id)
        ).all()
    assert [tuple(row) for row in actions[:2]] == [
        ("user_added", "as manager, at their first sign-in"),
        ("sign_in", "sso"),
    ]


def test_the_sign_in_pages_are_axe_clean_and_work_without_javascript(
    app_factory: Callable[..., Flask],
    oidc_provider: Provider,
    oidc_client: Callable[[str], Any],
    contexts: Callable[..., Any],
    axe: Callable[[Any], list[dict[str, Any]]],
) -> None:
    """With password sign-in off: /login offers only the button, a failed sign-in says why."""
    app = app_factory(**sso_config(oidc_provider.issuer, PASSWORD_LOGIN=False))
    checked = contexts(bypass_csp=True)  # axe-core is an inline script
    plain = contexts(java_script_enabled=False)
    with app_server(app) as base:
        oidc_client(base + "/login/sso/callback")
        checked.goto(base + "/login")
        assert checked.get_by_label("Password").count() == 0
        assert "Forgot your password?" not in checked.content()
        assert axe(checked) == []
        checked.goto(base + "/login/sso/callback?code=stolen&state=forged")
        assert "was not started in this browser" in checked.content()
        assert axe(checked) == []
        checked.goto(base + "/password/forgot")
        assert "Passwords are not used here" in checked.content()
        assert axe(checked) == []

        plain.goto(base + "/login")
        plain.get_by_role("button", name="Sign in with Canaille").click()
        plain.wait_for_url(oidc_provider.issuer + "/**")
        assert plain.locator("input[name=login]").count() == 1  # the provider's own page
