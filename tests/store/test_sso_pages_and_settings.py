"""Single sign-on against a real OpenID provider (Canaille, tests/store/sso_provider.py), on
SQLite and PostgreSQL: the pages around it (logging out, the login page's form-action, the
button's CSRF token, an authorization endpoint on another origin), password sign-in turned off,
and the settings, each bad one named when the app starts (who signs in, and every failure:
test_sso.py)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import pytest
from flask import Flask
from sqlalchemy import select
from sso_provider import Provider, path_of, sso_config

from recommender.accounts import invitations
from recommender.extensions import db
from recommender.store.models import OutboxMail, User
from recommender.testing import app_server


def _mails(app: Flask) -> list[str]:
    """The outbox's mails' text, oldest first."""
    with app.app_context():
        return [m.text_body for m in db.session.scalars(select(OutboxMail).order_by(OutboxMail.id))]


# --- the pages around it ----------------------------------------------------------------------


def test_logging_out_ends_the_session_a_sign_in_made(
    sso_app: Callable[..., Flask],
    oidc_person: Callable[..., Any],
    sign_in: Callable[..., Any],
    csrf_token: Callable[[str], str],
) -> None:
    app = sso_app()
    client = app.test_client()
    assert sign_in(client, oidc_person("dan@example.com")).status_code == 303
    copy = app.test_client()
    with client.session_transaction() as mine, copy.session_transaction() as theirs:
        theirs.update(mine)  # the same cookie, in another browser
    token = csrf_token(client.get("/logout").get_data(as_text=True))
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/teams").status_code == 302 and copy.get("/teams").status_code == 302


def test_the_login_page_lets_its_forms_go_to_the_provider_only_with_sso_on(
    sso_app: Callable[..., Flask],
    app_factory: Callable[..., Flask],
    oidc_provider: Provider,
    csrf_token: Callable[[str], str],
) -> None:
    on = sso_app().test_client().get("/login")
    assert "form-action 'self' " + oidc_provider.issuer in on.headers["Content-Security-Policy"]
    page = on.get_data(as_text=True)
    assert 'action="/login/sso"' in page and 'type="password"' in page
    off = app_factory().test_client()
    answer = off.get("/login")
    assert "/login/sso" not in answer.get_data(as_text=True)
    assert "form-action 'self';" in answer.headers["Content-Security-Policy"] + ";"
    token = csrf_token(answer.get_data(as_text=True))
    assert off.post("/login/sso", data={"csrf_token": token}).status_code == 404
    assert off.get("/login/sso/callback?code=x&state=y").status_code == 404


def test_the_sign_in_button_needs_the_csrf_token(sso_app: Callable[..., Flask]) -> None:
    client = sso_app().test_client()
    client.get("/login")
    assert client.post("/login/sso", data={"next": "/teams"}).status_code == 400


def test_an_authorization_endpoint_on_another_origin_gets_a_link_not_a_redirect(
    app_factory: Callable[..., Flask], begin: Callable[..., Any]
) -> None:
    """A provider whose authorization endpoint is on another host than its issuer (Amazon
    Cognito's are): the page that posted let forms go to the issuer only."""
    document = Flask("provider")
    elsewhere = "https://login.example.net/oauth2/authorize"

    @document.get("/.well-known/openid-configuration")
    def discovery() -> dict[str, str]:
        issuer = "http://127.0.0.1:" + str(document.config["PORT"])
        return {"issuer": issuer, "authorization_endpoint": elsewhere, "jwks_uri": issuer}

    with app_server(document) as issuer:
        document.config["PORT"] = urlsplit(issuer).port
        app = app_factory(**sso_config(issuer))
        client = app.test_client()
        assert (
            client.get("/login")
            .headers["Content-Security-Policy"]
            .endswith(f"form-action 'self' {issuer}")
        )
        answer = begin(client)
        assert answer.status_code == 200
        page = answer.get_data(as_text=True)
        assert f'href="{elsewhere}?response_type=code' in page and "Continue to Canaille" in page
        policy = client.get("/login").headers["Content-Security-Policy"]
        assert policy.endswith(f"form-action 'self' {issuer} https://login.example.net")


# --- password sign-in off -------------------------------------------------------------------


def test_with_password_sign_in_off_only_the_button_is_offered_and_passwords_are_refused(
    sso_app: Callable[..., Flask],
    add_user: Callable[..., User],
    password: str,
    csrf_token: Callable[[str], str],
) -> None:
    app = sso_app(PASSWORD_LOGIN=False)
    with app.app_context():
        add_user("ada@example.com", "admin")
        invitation = invitations.invite(None, "cleo@example.com", "manager")
    assert "Open this link and sign in with Canaille as cleo@example.com" in _mails(app)[0]
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    assert "Sign in with Canaille" in page and 'type="password"' not in page
    assert "Forgot your password?" not in page
    token = csrf_token(page)
    refused = client.post(
        "/login", data={"email": "ada@example.com", "password": password, "csrf_token": token}
    )
    assert refused.status_code == 403 and "Passwords are not used" in refused.get_data(as_text=True)
    assert client.get("/teams").status_code == 302

    link = path_of(invitation.url)
    page = client.get(link).get_data(as_text=True)
    assert "Sign in with Canaille" in page and 'type="password"' not in page
    data = {"password": "a long enough password", "password_again": "a long enough password"}
    assert client.post(link, data={**data, "csrf_token": token}).status_code == 403
    for path in ("/password/forgot", "/password/reset/anything"):
        page = client.get(path)
        assert page.status_code == 200 and "Passwords are not used here" in page.get_data(
            as_text=True
        )
        assert 'type="password"' not in page.get_data(as_text=True)
        asked = client.post(path, data={"email": "ada@example.com", "csrf_token": token})
        assert asked.status_code == 403
    assert len(_mails(app)) == 1  # the invitation: no reset link was mailed


# --- the settings -----------------------------------------------------------------------------

ON = {
    "OIDC_ISSUER": "https://login.example.com",
    "OIDC_CLIENT_ID": "career-path",
    "OIDC_CLIENT_SECRET": "s3cret",
}


@pytest.mark.parametrize(
    ("config", "message"),
    [
        ({"OIDC_ISSUER": "https://login.example.com"}, "CAREER_PATH_OIDC_CLIENT_ID is not set"),
        ({**ON, "OIDC_ISSUER": "http://login.example.com"}, "must be the provider's https://"),
        ({**ON, "OIDC_SCOPES": "openid profile"}, "CAREER_PATH_OIDC_SCOPES must include openid"),
        ({**ON, "OIDC_DEFAULT_ROLE": "boss"}, "CAREER_PATH_OIDC_DEFAULT_ROLE must be one of"),
        ({**ON, "OIDC_ROLE_CLAIM": "groups"}, "CAREER_PATH_OIDC_ROLE_MAP is not set"),
        ({**ON, "OIDC_ROLE_CLAIM": "groups", "OIDC_ROLE_MAP": "[1]"}, "a JSON object"),
        ({**ON, "OIDC_TIMEOUT": "soon"}, "CAREER_PATH_OIDC_TIMEOUT must be a number"),
        ({**ON, "PASSWORD_LOGIN": "maybe"}, "CAREER_PATH_PASSWORD_LOGIN must be true or false"),
        ({"PASSWORD_LOGIN": False}, "CAREER_PATH_PASSWORD_LOGIN=false needs single sign-on"),
    ],
    ids=["half", "http", "scopes", "role", "claim-alone", "map", "timeout", "flag", "no-sso"],
)
def test_a_bad_sso_setting_is_named_when_the_app_starts(
    config: dict[str, Any], message: str
) -> None:
    from recommender import create_app
    from recommender.accounts.sso_settings import SsoSettingsError

    with pytest.raises(SsoSettingsError, match=message):
        create_app({"TESTING": True, **config})


def test_sso_settings_from_the_environment_keep_their_type(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from recommender import create_app
    from recommender.accounts.sso_settings import sso_settings

    for name, value in {
        **ON,
        "OIDC_CLIENT_ID": "12345",  # JSON would make it a number
        "OIDC_ROLE_CLAIM": "groups",
        "OIDC_ROLE_MAP": '{"learning-admins": "admin"}',
        "PASSWORD_LOGIN": "false",
        "OIDC_TIMEOUT": "2.5",
    }.items():
        monkeypatch.setenv(f"CAREER_PATH_{name}", value)
    with create_app({"TESTING": True}).app_context():
        found = sso_settings()
    assert (found.client_id, found.password_login, found.timeout) == ("12345", False, 2.5)
    assert found.role_map == {"learning-admins": "admin"} and found.on
