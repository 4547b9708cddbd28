"""Invitations on the web, against a real SMTP server: an admin invites, the mail arrives, its
link sets a password once, and the new user signs in (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import socket
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
import requests
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from recommender.accounts.tokens import token_hash
from recommender.extensions import db
from recommender.mail import wait_for_sends
from recommender.store import accounts
from recommender.store import outbox as outbox_rows
from recommender.store.db import utcnow
from recommender.store.models import OneTimeLink
from recommender.testing import SMTPServer, app_server

NEW_PASSWORD = "a long enough password"


def _admin(app: Flask, log_in: Callable[..., Any]) -> FlaskClient:
    client = app.test_client()
    assert log_in(client, "ada@example.com").status_code == 303
    return client


def _post(client: FlaskClient, page: str, action: str, data: dict[str, str]) -> Any:
    """Post a form of `page` with the page's CSRF token, as a browser does."""
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).get_data(True))
    assert token, f"no form on {page}"
    return client.post(action, data={**data, "csrf_token": token.group(1)})


def _invite(admin: FlaskClient, email: str = "cleo@example.com", role: str = "manager") -> Any:
    return _post(admin, "/admin/users", "/admin/users", {"email": email, "role": role})


def _resend(app: Flask, admin: FlaskClient, email: str = "cleo@example.com") -> Any:
    with app.app_context():
        user = accounts.user_by_email(email)
        assert user is not None
        user_id = user.id
    return _post(admin, "/admin/users", f"/admin/users/{user_id}/invitation", {})


def _set_password(client: FlaskClient, path: str, password: str = NEW_PASSWORD) -> Any:
    return _post(client, path, path, {"password": password, "password_again": password})


def test_an_invited_person_follows_the_mailed_link_sets_a_password_and_signs_in(
    org_app: Flask,
    smtp_server: SMTPServer,
    log_in: Callable[..., Any],
    mail_link: Callable[[Any], str],
) -> None:
    admin = _admin(org_app, log_in)
    response = _invite(admin, "Cleo@Example.com", "adviser")
    assert response.status_code == 303 and response.headers["Location"] == "/admin/users"
    assert "Invited cleo@example.com as adviser." in admin.get("/admin/users").get_data(True)
    (mail,) = smtp_server.wait_for(1)
    assert mail.rcpt_tos == ["cleo@example.com"]
    assert mail.subject == "You are invited to career-path"
    assert "ada@example.com invited you to career-path as an adviser." in mail.text
    path = mail_link(mail)
    assert path.startswith("/invitations/") and f'href="{mail.links[0]}"' in mail.html

    cleo = org_app.test_client()
    page = cleo.get(path)
    assert page.status_code == 200 and "Choose a password for cleo@example.com" in page.get_data(
        True
    )
    assert page.headers["Cache-Control"] == "no-store"
    short = _set_password(cleo, path, "too short")
    assert short.status_code == 422 and "at least 12 characters" in short.get_data(True)
    differ = _post(cleo, path, path, {"password": NEW_PASSWORD, "password_again": "other one!!!!"})
    assert differ.status_code == 422 and "The two passwords differ" in differ.get_data(True)
    done = _set_password(cleo, path)
    assert done.status_code == 303 and done.headers["Location"] == "/teams"
    assert cleo.get("/teams").status_code == 200  # signed in

    again = org_app.test_client()
    assert again.get(path).status_code == 404  # used once
    assert "cannot be used" in again.get(path).get_data(True)
    assert log_in(again, "cleo@example.com", NEW_PASSWORD).status_code == 303
    with org_app.app_context():
        cleo_user = accounts.user_by_email("cleo@example.com")
        assert cleo_user is not None and cleo_user.role == "adviser"
        assert cleo_user.last_sign_in_at is not None
        stored = db.session.scalars(sa.select(OneTimeLink)).one()
        assert stored.token_hash == token_hash(path.rsplit("/", 1)[1])  # the secret is not kept
        assert outbox_rows.troubled_mails() == []


def test_a_used_link_posted_again_changes_nothing(
    org_app: Flask,
    smtp_server: SMTPServer,
    log_in: Callable[..., Any],
    mail_link: Callable[[Any], str],
) -> None:
    admin = _admin(org_app, log_in)
    _invite(admin)
    path = mail_link(smtp_server.wait_for(1)[0])
    first, second = org_app.test_client(), org_app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', second.get(path).get_data(True))
    assert _set_password(first, path).status_code == 303
    assert token is not None
    late = second.post(
        path,
        data={
            "password": "the attacker's one",
            "password_again": "the attacker's one",
            "csrf_token": token.group(1),
        },
    )
    assert late.status_code == 404
    assert log_in(org_app.test_client(), "cleo@example.com", NEW_PASSWORD).status_code == 303


def test_an_expired_invitation_is_refused_and_a_new_one_replaces_the_old(
    org_app: Flask,
    smtp_server: SMTPServer,
    log_in: Callable[..., Any],
    mail_link: Callable[[Any], str],
) -> None:
    admin = _admin(org_app, log_in)
    _invite(admin)
    old = mail_link(smtp_server.wait_for(1)[0])
    with org_app.app_context():
        link = db.session.scalars(sa.select(OneTimeLink)).one()
        link.expires_at = utcnow() - timedelta(seconds=1)  # 7 days later
        db.session.commit()
    stranger = org_app.test_client()
    assert stranger.get(old).status_code == 404
    page = admin.get("/admin/users").get_data(True)
    assert "Invitation expired" in page
    assert _resend(org_app, admin).status_code == 303
    new = mail_link(smtp_server.wait_for(2)[1])
    assert new != old and stranger.get(new).status_code == 200
    assert _set_password(stranger, new).status_code == 303
    assert (
        "Send a new invitation"
        not in admin.get("/admin/users")
        .get_data(True)
        .split("cleo@example.com")[1]
        .split("</li>")[0]
    )


def test_a_resend_voids_the_link_sent_before(
    org_app: Flask,
    smtp_server: SMTPServer,
    log_in: Callable[..., Any],
    mail_link: Callable[[Any], str],
) -> None:
    admin = _admin(org_app, log_in)
    _invite(admin)
    first = mail_link(smtp_server.wait_for(1)[0])
    _resend(org_app, admin)
    second = mail_link(smtp_server.wait_for(2)[1])
    visitor = org_app.test_client()
    assert visitor.get(first).status_code == 404 and visitor.get(second).status_code == 200


def test_inviting_someone_with_an_account_or_a_bad_address_is_refused_on_the_form(
    org_app: Flask, smtp_server: SMTPServer, log_in: Callable[..., Any]
) -> None:
    admin = _admin(org_app, log_in)
    taken = _invite(admin, "ann@example.com", "admin")
    assert taken.status_code == 422
    assert "ann@example.com has an account already." in taken.get_data(True)
    bad = _invite(admin, "not an address", "admin")
    assert bad.status_code == 422 and "Give a valid email address." in bad.get_data(True)
    role = _invite(admin, "x@example.com", "boss")
    assert role.status_code == 422 and "Role must be one of" in role.get_data(True)
    time.sleep(0.2)
    assert smtp_server.mails == []


def test_with_the_mail_server_down_the_invitation_succeeds_and_mail_send_delivers_it_once(
    org_app: Flask,
    smtp_server: SMTPServer,
    log_in: Callable[..., Any],
    mail_link: Callable[[Any], str],
) -> None:
    admin = _admin(org_app, log_in)
    smtp_server.stop()
    started = time.monotonic()
    response = _invite(admin)
    assert response.status_code == 303 and time.monotonic() - started < 2
    wait_for_sends(org_app)
    page = admin.get("/admin/users").get_data(True)
    assert "Mails that did not go" in page and "ConnectionRefusedError" in page
    runner = org_app.test_cli_runner()
    smtp_server.start()
    not_yet = runner.invoke(args=["mail", "send"])  # the backoff: not due for a minute
    assert (not_yet.exit_code, not_yet.output) == (0, "Nothing to send.\n")
    with org_app.app_context():
        (waiting,) = outbox_rows.troubled_mails()
        assert (waiting.status, waiting.attempts) == ("queued", 1)
        waiting.next_attempt_at = utcnow()  # a minute later
        db.session.commit()
    sent = runner.invoke(args=["mail", "send"])
    assert sent.exit_code == 0 and "sent mail 1 (invitation) to cleo@example.com" in sent.output
    assert runner.invoke(args=["mail", "send"]).output == "Nothing to send.\n"
    time.sleep(0.2)
    (mail,) = smtp_server.mails  # once, never twice
    assert _set_password(org_app.test_client(), mail_link(mail)).status_code == 303


@pytest.mark.slow
def test_a_silent_mail_server_never_slows_the_request(
    app_factory: Callable[..., Flask], add_user: Callable[..., Any], log_in: Callable[..., Any]
) -> None:
    with socket.socket() as silent:  # accepts the connection, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(5)
        app = app_factory(SMTP_HOST="127.0.0.1", SMTP_PORT=silent.getsockname()[1], SMTP_TIMEOUT=3)
        with app.app_context():
            add_user("ada@example.com", "admin")
        with app_server(app) as base, requests.Session() as session:
            page = session.get(base + "/login").text
            token = re.search(r'name="csrf_token" value="([^"]+)"', page)
            assert token is not None
            session.post(
                base + "/login",
                data={
                    "email": "ada@example.com",
                    "password": "correct horse battery",
                    "csrf_token": token.group(1),
                },
            )
            token = re.search(
                r'name="csrf_token" value="([^"]+)"', session.get(base + "/admin/users").text
            )
            assert token is not None
            started = time.monotonic()
            answer = session.post(
                base + "/admin/users",
                data={"email": "cleo@example.com", "role": "manager", "csrf_token": token.group(1)},
                allow_redirects=False,
            )
            took = time.monotonic() - started
        assert answer.status_code == 303 and took < 1.5, took  # the send waits 3 s, after
        wait_for_sends(app)
    with app.app_context():
        (waiting,) = outbox_rows.troubled_mails()
        assert waiting.status == "queued" and "timed out" in (waiting.last_error or "")


def test_without_base_url_links_use_the_address_the_admin_opened(
    app_factory: Callable[..., Flask],
    smtp_server: SMTPServer,
    add_user: Callable[..., Any],
    log_in: Callable[..., Any],
) -> None:
    app = app_factory(**smtp_server.config())
    with app.app_context():
        add_user("ada@example.com", "admin")
    admin = _admin(app, log_in)
    _invite(admin)
    (mail,) = smtp_server.wait_for(1)
    assert mail.links[0].startswith("http://localhost/invitations/")
