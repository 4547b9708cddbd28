"""Forgotten passwords against a real SMTP server: the same answer for every address, a mailed
link that sets a new password once and ends the other sessions, limits per address and per
client (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
import statistics
import time
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from recommender.accounts.resets import PER_ACCOUNT, PER_ADDRESS
from recommender.extensions import db
from recommender.mail import wait_for_sends
from recommender.store.db import utcnow
from recommender.store.models import AuditEntry, OneTimeLink
from recommender.testing import SMTPServer

NEW_PASSWORD = "my new long password"


def _token(client: FlaskClient, page: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get(page).get_data(True))
    assert found, f"no form on {page}"
    return found.group(1)


def _ask(client: FlaskClient, email: str, address: str = "10.0.0.1") -> Any:
    data = {"email": email, "csrf_token": _token(client, "/password/forgot")}
    return client.post("/password/forgot", data=data, environ_base={"REMOTE_ADDR": address})


def _set(client: FlaskClient, path: str, password: str = NEW_PASSWORD) -> Any:
    data = {"password": password, "password_again": password, "csrf_token": _token(client, path)}
    return client.post(path, data=data)


def test_the_login_page_links_to_forgot_your_password(org_app: Flask) -> None:
    page = org_app.test_client().get("/login").get_data(True)
    assert '<a href="/password/forgot">Forgot your password?</a>' in page


def test_a_reset_link_sets_a_new_password_once_and_ends_the_other_sessions(
    org_app: Flask,
    smtp_server: SMTPServer,
    log_in: Callable[..., Any],
    password: str,
    mail_link: Callable[[Any], str],
) -> None:
    elsewhere = org_app.test_client()  # Ann, signed in on another device
    assert log_in(elsewhere, "ann@example.com").status_code == 303
    assert elsewhere.get("/teams").status_code == 200

    ann = org_app.test_client()
    assert _ask(ann, "ann@example.com").status_code == 200
    (mail,) = smtp_server.wait_for(1)
    assert mail.subject == "Set a new career-path password" and mail.rcpt_tos == ["ann@example.com"]
    path = mail_link(mail)
    assert path.startswith("/password/reset/")
    assert "until" in mail.text and f'href="{mail.links[0]}"' in mail.html
    assert _set(ann, path, "short").status_code == 422
    done = _set(ann, path)
    assert done.status_code == 303 and done.headers["Location"] == "/teams"
    assert ann.get("/teams").status_code == 200  # signed in
    assert elsewhere.get("/teams").status_code == 302  # the other session ended

    assert org_app.test_client().get(path).status_code == 404  # once
    assert log_in(org_app.test_client(), "ann@example.com", password).status_code == 401
    assert log_in(org_app.test_client(), "ann@example.com", NEW_PASSWORD).status_code == 303


def test_an_expired_reset_link_is_refused(
    org_app: Flask, smtp_server: SMTPServer, mail_link: Callable[[Any], str]
) -> None:
    client = org_app.test_client()
    _ask(client, "ann@example.com")
    path = mail_link(smtp_server.wait_for(1)[0])
    with org_app.app_context():
        link = db.session.scalars(sa.select(OneTimeLink)).one()
        assert link.expires_at - link.created_at == timedelta(hours=1)
        link.expires_at = utcnow() - timedelta(seconds=1)
        db.session.commit()
    refused = client.get(path)
    assert refused.status_code == 404 and "Ask for a new link" in refused.get_data(True)
    late = org_app.test_client()
    token = _token(late, "/password/forgot")
    posted = late.post(
        path, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD, "csrf_token": token}
    )
    assert posted.status_code == 404


def _answer(response: Any, email: str) -> str:
    """The page without what differs by design: the address asked for, the CSRF token."""
    page = response.get_data(True).replace(email, "EMAIL")
    return re.sub(r'name="csrf_token" value="[^"]+"', "", page)


def test_the_answer_is_the_same_whether_or_not_the_address_has_an_account(
    org_app: Flask, smtp_server: SMTPServer
) -> None:
    client = org_app.test_client()
    known = _ask(client, "ann@example.com", "10.0.0.1")
    unknown = _ask(client, "nobody@example.com", "10.0.0.2")
    assert known.status_code == unknown.status_code == 200
    assert _answer(known, "ann@example.com") == _answer(unknown, "nobody@example.com")
    assert "If an account has the address ann@example.com" in known.get_data(True)
    wait_for_sends(org_app)
    time.sleep(0.2)
    assert [m.rcpt_tos for m in smtp_server.mails] == [["ann@example.com"]]  # only a real one
    with org_app.app_context():
        entries = db.session.scalars(
            sa.select(AuditEntry).where(AuditEntry.action == "password_reset_requested")
        ).all()
        assert [(e.subject, e.detail) for e in entries] == [
            ("ann@example.com", "a link was mailed"),
            ("nobody@example.com", "no active account has this address"),
        ]


def test_the_answer_takes_about_the_same_time_either_way(
    org_app: Flask, add_user: Callable[..., Any]
) -> None:
    with org_app.app_context():
        for i in range(10):
            add_user(f"user{i}@example.com")
    client = org_app.test_client()
    token = _token(client, "/password/forgot")
    known: list[float] = []
    unknown: list[float] = []
    for i in range(10):  # each address once, each from a client address of its own
        for email, times in ((f"user{i}@example.com", known), (f"no{i}@example.com", unknown)):
            started = time.perf_counter()
            answer = client.post(
                "/password/forgot",
                data={"email": email, "csrf_token": token},
                environ_base={"REMOTE_ADDR": f"10.1.{i}.{len(times)}"},
            )
            times.append(time.perf_counter() - started)
            assert answer.status_code == 200
    wait_for_sends(org_app)
    # Both count the request, compose the mail, record and commit; only a real account's
    # link and mail are stored, and the mail goes after the response. Generous, as this
    # machine's cores are shared: typically 9-11 ms either way on SQLite.
    assert abs(statistics.median(known) - statistics.median(unknown)) < 0.05


def test_asking_too_often_is_limited_per_address_asked_for_and_per_client(
    org_app: Flask, smtp_server: SMTPServer
) -> None:
    client = org_app.test_client()
    for i in range(PER_ACCOUNT):
        assert _ask(client, "ann@example.com", f"10.0.0.{i}").status_code == 200
    limited = _ask(client, "ann@example.com", "10.0.0.99")
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "3600"
    assert "Wait an hour" in limited.get_data(True)
    # The same limit for an address without an account: the limit tells nothing either.
    for i in range(PER_ACCOUNT):
        assert _ask(client, "nobody@example.com", f"10.0.1.{i}").status_code == 200
    assert _ask(client, "nobody@example.com", "10.0.1.99").status_code == 429
    # Per client address: many addresses from one network.
    for i in range(PER_ADDRESS):
        assert _ask(client, f"p{i}@example.com", "10.9.9.9").status_code == 200
    assert _ask(client, "bob@example.com", "10.9.9.9").status_code == 429
    assert _ask(client, "bob@example.com", "10.9.9.10").status_code == 200
    assert len(smtp_server.wait_for(PER_ACCOUNT + 1)) == PER_ACCOUNT + 1  # Ann's 3, Bob's 1


def test_a_deactivated_user_gets_no_link(
    org_app: Flask, smtp_server: SMTPServer, log_in: Callable[..., Any]
) -> None:
    admin = org_app.test_client()
    log_in(admin, "ada@example.com")
    with org_app.app_context():
        from recommender.accounts import people
        from recommender.store import accounts

        bob = accounts.user_by_email("bob@example.com")
        assert bob is not None
        people.deactivate(None, bob)
    assert _ask(org_app.test_client(), "bob@example.com").status_code == 200
    wait_for_sends(org_app)
    time.sleep(0.2)
    assert smtp_server.mails == []


def test_a_forged_host_gets_no_link_without_base_url(
    app_factory: Callable[..., Flask], smtp_server: SMTPServer, add_user: Callable[..., Any]
) -> None:
    app = app_factory(**smtp_server.config())  # no BASE_URL: links from the request's Host
    with app.app_context():
        add_user("ann@example.com")
    client = app.test_client()
    evil = "http://evil.example"  # the Host header of a forged request
    page = client.get("/password/forgot", base_url=evil).get_data(True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token is not None
    forged = client.post(
        "/password/forgot",
        base_url=evil,
        data={"email": "ann@example.com", "csrf_token": token.group(1)},
    )
    assert forged.status_code == 200 and "If an account has the address" in forged.get_data(True)
    local = _ask(client, "ann@example.com")  # Host: localhost, a loopback name
    assert local.status_code == 200
    (mail,) = smtp_server.wait_for(1)
    assert mail.links[0].startswith("http://localhost/password/reset/")
    time.sleep(0.2)
    assert len(smtp_server.mails) == 1
    with app.app_context():
        details = db.session.scalars(sa.select(AuditEntry.detail).order_by(AuditEntry.id)).all()
    assert details[0] == "no link mailed: CAREER_PATH_BASE_URL is not set"
