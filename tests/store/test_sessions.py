"""Sessions that end, on both databases: logout, a new password and deactivation end every
session of the user, a copy of the cookie too; a deactivated user's API tokens stop."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from flask.testing import FlaskClient

from recommender.accounts.tokens import create_token
from recommender.accounts.users import end_sessions, set_password
from recommender.extensions import db
from recommender.store import accounts
from recommender.store import teams as store_teams
from recommender.store.errors import Invalid


def _copy(client: FlaskClient) -> FlaskClient:
    """Another browser holding the same cookies (a cookie saved, or stolen)."""
    other = client.application.test_client()
    cookie = client.get_cookie(client.application.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    other.set_cookie(cookie.key, cookie.value, domain=cookie.domain, path=cookie.path)
    return other


def _save_team(client: FlaskClient, csrf_token: Callable[[str], str], roster_csv: str) -> str:
    token = csrf_token(client.get("/teams").get_data(as_text=True))
    form = {"name": "T", "csrf_token": token, "roster": (io.BytesIO(roster_csv.encode()), "r.csv")}
    answer = client.post("/teams", data=form)
    assert answer.status_code == 303
    return str(answer.headers["Location"])


def test_a_cookie_saved_before_logout_opens_nothing_after_it(
    web: FlaskClient,
    log_in: Callable[..., Any],
    csrf_token: Callable[[str], str],
    roster_csv: str,
) -> None:
    log_in(web, "ann@example.com")
    team_url = _save_team(web, csrf_token, roster_csv)
    saved = _copy(web)
    token = csrf_token(saved.get(team_url).get_data(as_text=True))  # the copy works, for now
    web.post("/logout", data={"csrf_token": csrf_token(web.get("/logout").get_data(as_text=True))})
    assert saved.get("/teams").status_code == 302  # to /login
    answer = saved.post(f"{team_url}/rename", data={"name": "Renamed", "csrf_token": token})
    assert answer.status_code in (302, 400)
    with web.application.app_context():
        (team,) = store_teams.teams_of(accounts.user_by_email("ann@example.com"))
        assert team.name == "T" and [e.action for e in team.history] == ["created"]


def test_logging_out_ends_the_users_sessions_everywhere_and_only_theirs(
    web: FlaskClient, log_in: Callable[..., Any], csrf_token: Callable[[str], str]
) -> None:
    laptop, phone, bob = web, web.application.test_client(), web.application.test_client()
    for client, email in [(laptop, "ann@example.com"), (phone, "ann@example.com")]:
        log_in(client, email)
    log_in(bob, "bob@example.com")
    page = laptop.get("/logout").get_data(as_text=True)
    laptop.post("/logout", data={"csrf_token": csrf_token(page)})
    assert phone.get("/teams").status_code == 302
    assert bob.get("/teams").status_code == 200
    log_in(phone, "ann@example.com")  # a new session works
    assert phone.get("/teams").status_code == 200


def test_a_new_password_ends_every_session_and_must_be_long_enough(
    web: FlaskClient, log_in: Callable[..., Any], password: str
) -> None:
    log_in(web, "ann@example.com")
    with web.application.app_context():
        ann = accounts.user_by_email("ann@example.com")
        with pytest.raises(Invalid) as short:
            set_password(ann, "eleven char")
        assert "password" in short.value.errors
        assert web.get("/teams").status_code == 200  # a refused password ends nothing
        set_password(ann, "a much longer passphrase")
    assert web.get("/teams").status_code == 302
    assert log_in(web, "ann@example.com", password).status_code == 401
    assert log_in(web, "ann@example.com", "a much longer passphrase").status_code == 303


def test_a_deactivated_user_loses_sessions_and_tokens_and_cannot_log_in(
    web: FlaskClient, log_in: Callable[..., Any], bearer: Callable[[str], dict[str, str]]
) -> None:
    log_in(web, "ann@example.com")
    with web.application.app_context():
        token = create_token(accounts.user_by_email("ann@example.com"))
    assert web.get("/api/v1/teams", headers=bearer(token)).status_code == 200
    with web.application.app_context():
        ann = accounts.user_by_email("ann@example.com")
        ann.active = False  # what an admin's deactivation sets
        db.session.commit()
    assert web.get("/teams").status_code == 302  # even before end_sessions is called
    assert web.get("/api/v1/teams", headers=bearer(token)).status_code == 401
    assert log_in(web, "ann@example.com").status_code == 401
    with web.application.app_context():
        ann = accounts.user_by_email("ann@example.com")
        end_sessions(ann)
        ann.active = True
        db.session.commit()
    assert web.get("/api/v1/teams", headers=bearer(token)).status_code == 200
    assert web.get("/teams").status_code == 302  # its sessions were ended
    assert log_in(web, "ann@example.com").status_code == 303


@pytest.mark.parametrize("kept", ["3", "1:x", "\u00b2:0", "99999999999:0", "", ":"])
def test_a_session_that_names_no_user_and_generation_is_signed_in_as_nobody(
    web: FlaskClient, kept: str
) -> None:
    with web.session_transaction() as session:
        session["_user_id"] = kept
    assert web.get("/teams").status_code == 302
