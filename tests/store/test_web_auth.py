"""Signing in on the web: the login form, CSRF, the throttle, cookies over HTTPS, redirects."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from recommender.accounts.throttle import MAX_FAILED_LOGINS
from recommender.store import accounts
from recommender.store import teams as store_teams


def test_the_login_page_has_email_password_and_csrf(
    web: FlaskClient, csrf_token: Callable[[str], str]
) -> None:
    page = web.get("/login").get_data(as_text=True)
    assert 'type="email"' in page and 'type="password"' in page
    assert csrf_token(page)


def test_teams_need_a_login(web: FlaskClient) -> None:
    response = web.get("/teams")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_logging_in_and_out(
    web: FlaskClient, log_in: Callable[..., Any], csrf_token: Callable[[str], str]
) -> None:
    response = log_in(web, "ANN@example.com")
    assert response.status_code == 303 and response.headers["Location"] == "/teams"
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    assert web.get("/teams").status_code == 200
    page = web.get("/logout").get_data(as_text=True)
    web.post("/logout", data={"csrf_token": csrf_token(page)})
    assert web.get("/teams").status_code == 302


def test_the_session_cookie_is_secure_over_https(
    web: FlaskClient, csrf_token: Callable[[str], str], password: str
) -> None:
    token = csrf_token(web.get("/login", base_url="https://localhost").get_data(as_text=True))
    response = web.post(
        "/login",
        base_url="https://localhost",
        data={"email": "ann@example.com", "password": password, "csrf_token": token},
    )
    assert response.status_code == 303  # logged in, though browsers send no Referer here
    assert "Secure" in response.headers["Set-Cookie"]


def test_a_wrong_password_and_then_too_many_in_a_row_answer_429(
    web: FlaskClient, log_in: Callable[..., Any]
) -> None:
    for _ in range(MAX_FAILED_LOGINS):
        assert log_in(web, "ann@example.com", "wrong").status_code == 401
    blocked = log_in(web, "ann@example.com")  # even the right password, for now
    assert blocked.status_code == 429 and "Too many wrong passwords" in blocked.get_data(
        as_text=True
    )
    assert blocked.headers["Retry-After"]


def test_a_post_without_the_csrf_token_is_refused(
    web: FlaskClient, log_in: Callable[..., Any], password: str, roster_csv: str
) -> None:
    response = web.post("/login", data={"email": "ann@example.com", "password": password})
    assert response.status_code == 400
    assert "nothing was saved" in response.get_data(as_text=True)
    log_in(web, "ann@example.com")
    response = web.post(
        "/teams", data={"name": "X", "roster": (io.BytesIO(roster_csv.encode()), "r.csv")}
    )
    assert response.status_code == 400
    with web.application.app_context():
        assert store_teams.teams_of(accounts.user_by_email("ann@example.com")) == []


def test_login_goes_back_only_to_this_site(
    web: FlaskClient, csrf_token: Callable[[str], str], password: str
) -> None:
    token = csrf_token(web.get("/login").get_data(as_text=True))
    for target, expected in [
        ("/teams/1", "/teams/1"),
        ("//evil.example", "/teams"),
        ("https://evil.example/x", "/teams"),
    ]:
        web.get("/logout")
        response = web.post(
            "/login",
            data={
                "email": "ann@example.com",
                "password": password,
                "csrf_token": token,
                "next": target,
            },
        )
        assert response.headers["Location"] == expected
        token = csrf_token(web.get("/login").get_data(as_text=True))


def test_behind_a_proxy_the_cookie_is_secure_when_the_proxy_says_https(
    app_factory: Callable[..., Flask],
    add_user: Callable[..., Any],
    csrf_token: Callable[[str], str],
    password: str,
) -> None:
    app = app_factory(PROXY_FIX=1)
    with app.app_context():
        add_user("ann@example.com")
    client = app.test_client()
    https = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    token = csrf_token(client.get("/login", headers=https).get_data(as_text=True))
    response = client.post(
        "/login",
        headers=https,
        data={"email": "ann@example.com", "password": password, "csrf_token": token},
    )
    assert response.status_code == 303
    assert "Secure" in response.headers["Set-Cookie"]
