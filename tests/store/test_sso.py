"""Single sign-on against a real OpenID provider (Canaille, tests/store/sso_provider.py), with the
test client where a browser adds nothing (test_sso_browser.py signs in through chromium), on
SQLite and PostgreSQL: who is signed in with which role, and every failure a clear page and an
entry in the audit log, never a 500 (the pages around it, password sign-in off and the settings:
test_sso_pages_and_settings.py)."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sso_provider import (
    CALLBACK,
    Provider,
    at_the_provider,
    consent,
    path_of,
    sso_config,
)

from recommender.accounts import invitations, people
from recommender.extensions import db
from recommender.store import accounts
from recommender.store.models import AuditEntry, User
from recommender.testing import free_port

ROLE_MAP = {"learning-admins": "admin", "team-leads": "manager"}


def _user(app: Flask, email: str) -> User | None:
    with app.app_context():
        return accounts.user_by_email(email)


def _audit(app: Flask) -> list[tuple[str, str, str, str]]:
    """The audit log, oldest first: (actor, action, subject, detail)."""
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        return [(e.actor, e.action, e.subject, e.detail) for e in entries]


def _signed_in_as(client: FlaskClient) -> str | None:
    page = client.get("/teams")
    if page.status_code != 200:
        return None
    with client.session_transaction() as session:
        return str(session.get("_user_id"))


# --- who is signed in, with which role --------------------------------------------------------


def test_a_first_sign_in_makes_the_user_with_the_role_their_group_maps_to(
    sso_app: Callable[..., Flask],
    oidc_person: Callable[..., Any],
    begin: Callable[..., Any],
    sign_in: Callable[..., Any],
    oidc_provider: Provider,
) -> None:
    app = sso_app(OIDC_ROLE_CLAIM="groups", OIDC_ROLE_MAP=ROLE_MAP)
    cleo = oidc_person("Cleo@Example.com", groups=("staff", "learning-admins"))
    client = app.test_client()

    started = begin(client)
    authorize = urlsplit(started.headers["Location"])
    asked = parse_qs(authorize.query)
    assert f"{authorize.scheme}://{authorize.netloc}" == oidc_provider.issuer
    assert asked["code_challenge_method"] == ["S256"] and len(asked["code_challenge"][0]) == 43
    assert asked["redirect_uri"] == [CALLBACK] and asked["scope"] == ["openid email profile groups"]
    assert len(asked["nonce"][0]) >= 32 and len(asked["state"][0]) >= 20

    answer = sign_in(client, cleo)
    assert answer.status_code == 303 and answer.headers["Location"] == "/teams"
    user = _user(app, "cleo@example.com")
    assert user is not None and user.role == "admin" and user.password_hash is None
    assert user.last_sign_in_at is not None
    assert _signed_in_as(client) == f"{user.id}:0"
    assert _audit(app) == [
        ("single sign-on", "user_added", "cleo@example.com", "as admin, at their first sign-in"),
        ("cleo@example.com", "sign_in", "cleo@example.com", "sso"),
    ]


def test_without_a_role_map_a_new_user_is_an_adviser_and_the_next_page_is_kept(
    sso_app: Callable[..., Flask], oidc_person: Callable[..., Any], sign_in: Callable[..., Any]
) -> None:
    app = sso_app()
    dan = oidc_person("dan@example.com", groups=("learning-admins",))
    client = app.test_client()
    answer = sign_in(client, dan, next_url="/teams/new")
    assert answer.status_code == 303 and answer.headers["Location"] == "/teams/new"
    user = _user(app, "dan@example.com")
    assert user is not None and user.role == "adviser"


def test_a_second_sign_in_is_the_same_user_matched_by_email_and_a_fresh_session(
    sso_app: Callable[..., Flask],
    oidc_person: Callable[..., Any],
    sign_in: Callable[..., Any],
    add_user: Callable[..., User],
    log_in: Callable[..., Any],
) -> None:
    app = sso_app(OIDC_ROLE_CLAIM="groups", OIDC_ROLE_MAP=ROLE_MAP)
    with app.app_context():
        ann_id = add_user("ann@example.com", "manager").id
    person = oidc_person("ANN@example.com", groups=("team-leads",))
    client = app.test_client()
    with client.session_transaction() as session:
        session["planted"] = "by someone else"  # a session fixed before the sign-in
    assert sign_in(client, person, next_url="https://evil.example/").headers["Location"] == "/teams"
    assert _signed_in_as(client) == f"{ann_id}:0"
    with client.session_transaction() as session:
        assert "planted" not in session
    again = app.test_client()
    assert sign_in(again, person).status_code == 303
    assert _signed_in_as(again) == f"{ann_id}:0"
    user = _user(app, "ann@example.com")
    assert user is not None and user.role == "manager" and user.password_hash is not None
    assert log_in(app.test_client(), "ann@example.com").status_code == 303  # the password too
    assert [a for _, a, _, _ in _audit(app)] == ["sign_in", "sign_in", "sign_in"]


@pytest.mark.parametrize(
    ("groups", "role", "entry"),
    [
        (("staff",), "adviser", ("role_changed", "admin -> adviser")),
        (("staff", "team-leads"), "manager", ("role_changed", "admin -> manager")),
        ((), "admin", None),  # no groups: Canaille sends no groups claim, and nothing changes
    ],
    ids=["unmapped-lowered", "mapped", "no-claim-kept"],
)
def test_with_a_role_map_the_role_follows_the_claim_at_each_sign_in(
    sso_app: Callable[..., Flask],
    oidc_person: Callable[..., Any],
    sign_in: Callable[..., Any],
    add_user: Callable[..., User],
    groups: tuple[str, ...],
    role: str,
    entry: tuple[str, str] | None,
) -> None:
    app = sso_app(OIDC_ROLE_CLAIM="groups", OIDC_ROLE_MAP=ROLE_MAP)
    with app.app_context():
        add_user("ada@example.com", "admin")
        add_user("ade@example.com", "admin")
    client = app.test_client()
    assert sign_in(client, oidc_person("ada@example.com", groups=groups)).status_code == 303
    user = _user(app, "ada@example.com")
    assert user is not None and user.role == role
    changes = [(a, d) for actor, a, _, d in _audit(app) if actor == "single sign-on"]
    assert changes == ([entry] if entry else [])


def test_the_last_active_admin_keeps_the_role_though_the_claim_maps_no_more(
    sso_app: Callable[..., Flask],
    oidc_person: Callable[..., Any],
    sign_in: Callable[..., Any],
    add_user: Callable[..., User],
) -> None:
    app = sso_app(OIDC_ROLE_CLAIM="groups", OIDC_ROLE_MAP=ROLE_MAP)
    with app.app_context():
        add_user("ada@example.com", "admin")
        add_user("ann@example.com", "manager")
    client = app.test_client()
    assert sign_in(client, oidc_person("ada@example.com", groups=("staff",))).status_code == 303
    user = _user(app, "ada@example.com")
    assert user is not None and user.role == "admin"
    (kept,) = [entry for entry in _audit(app) if entry[1] == "role_kept"]
    assert kept[0] == "single sign-on" and kept[3].startswith("admin, not adviser: ")
    assert "the only active admin" in kept[3]


def test_an_invited_user_accepts_the_invitation_by_signing_in(
    sso_app: Callable[..., Flask], oidc_person: Callable[..., Any], sign_in: Callable[..., Any]
) -> None:
    app = sso_app()
    with app.app_context():
        invitation = invitations.invite(None, "cleo@example.com", "manager")
    link = path_of(invitation.url)
    client = app.test_client()
    page = client.get(link).get_data(as_text=True)
    assert "Sign in with Canaille" in page and "Set your password" in page
    assert sign_in(client, oidc_person("cleo@example.com")).status_code == 303
    user = _user(app, "cleo@example.com")
    assert user is not None and user.role == "manager"  # the invitation's role
    with app.app_context():
        (person,) = [p for p in people.people() if p.user.email == "cleo@example.com"]
        assert person.status == "active"
    assert app.test_client().get(link).status_code == 404  # the link is spent
    actions = [(actor, a, d) for actor, a, _, d in _audit(app)]
    assert actions[-2:] == [
        ("cleo@example.com", "invitation_accepted", "by single sign-on"),
        ("cleo@example.com", "sign_in", "sso"),
    ]


# --- every failure: a clear page, an audit entry, never a 500 ---------------------------------


def _failures(app: Flask) -> list[str]:
    return [detail for _, action, _, detail in _audit(app) if action == "sign_in_failed"]


def test_a_forged_or_replayed_state_is_refused(
    sso_app: Callable[..., Flask],
    oidc_person: Callable[..., Any],
    begin: Callable[..., Any],
    oidc_provider: Provider,
) -> None:
    app = sso_app()
    client = app.test_client()
    forged = client.get("/login/sso/callback?code=stolen&state=forged")
    assert forged.status_code == 400
    assert "was not started in this browser" in forged.get_data(as_text=True)
    assert "Sign in with Canaille" in forged.get_data(as_text=True)

    started = begin(client)
    consent(oidc_provider, oidc_person("dan@example.com"))
    back = path_of(at_the_provider(oidc_provider, started.headers["Location"]))
    stranger = app.test_client()  # the provider's answer, in another browser
    assert stranger.get(back).status_code == 400
    assert client.get(back).status_code == 303
    assert client.get(back).status_code == 400  # once only
    assert (
        _failures(app)
        == ["single sign-on: state: unknown or expired (not started in this browser)"] * 3
    )
    assert _user(app, "dan@example.com") is not None


def _change_kept_sign_in(client: FlaskClient, name: str, value: str) -> None:
    """Change what the session keeps of the sign-in under way (its nonce, its PKCE verifier)."""
    with client.session_transaction() as session:
        (key,) = [key for key in session if key.startswith("_state_sso_")]
        kept = session[key]
        kept["data"][name] = value
        session[key] = kept  # marks the session changed


def test_a_wrong_nonce_is_refused(
    sso_app: Callable[..., Flask],
    oidc_person: Callable[..., Any],
    begin: Callable[..., Any],
    oidc_provider: Provider,
) -> None:
    app = sso_app()
    client = app.test_client()
    started = begin(client)
    _change_kept_sign_in(client, "nonce", "not-the-nonce-sent")
    consent(oidc_provider, oidc_person("dan@example.com"))
    answer = client.get(path_of(at_the_provider(oidc_provider, started.headers["Location"])))
    assert answer.status_code == 400
    assert "could not be verified" in answer.get_data(as_text=True)
    assert _failures(app) == ["single sign-on: ID token: invalid_claim Invalid claim: 'nonce'"]
    assert _user(app, "dan@example.com") is None and _signed_in_as(client) is None


def test_the_pkce_verifier_is_sent_and_checked(
    sso_app: Callable[..., Flask],
    oidc_person: Callable[..., Any],
    begin: Callable[..., Any],
    oidc_provider: Provider,
) -> None:
    app = sso_app()
    client = app.test_client()
    started = begin(client)
    _change_kept_sign_in(client, "code_verifier", "x" * 48)  # not the challenge's
    consent(oidc_provider, oidc_person("dan@example.com"))
    answer = client.get(path_of(at_the_provider(oidc_provider, started.headers["Location"])))
    assert answer.status_code == 400
    (failure,) = _failures(app)
    assert failure.startswith("single sign-on: the provider refused the code: invalid_grant")
    assert _user(app, "dan@example.com") is None


def test_an_issuer_that_is_not_the_configured_one_exactly_is_refused(
    app_factory: Callable[..., Flask], oidc_provider: Provider, begin: Callable[..., Any]
) -> None:
    app = app_factory(**sso_config(oidc_provider.issuer + "/"))
    answer = begin(app.test_client())
    assert answer.status_code == 502
    assert "does not answer as career-path is set up to expect" in answer.get_data(as_text=True)
    (failure,) = _failures(app)
    assert failure == (
        f"single sign-on: issuer mismatch: CAREER_PATH_OIDC_ISSUER is "
        f"'{oidc_provider.issuer}/', the provider's discovery document says "
        f"'{oidc_provider.issuer}'"
    )


def test_an_unverified_email_address_is_refused(
    sso_app: Callable[..., Flask],
    oidc_person: Callable[..., Any],
    sign_in: Callable[..., Any],
    oidc_provider: Provider,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = sso_app()
    mapping = oidc_provider.server.app.config["CANAILLE_OIDC"]["USERINFO_MAPPING"]
    monkeypatch.setitem(mapping, "EMAIL_VERIFIED", "false")
    client = app.test_client()
    answer = sign_in(client, oidc_person("eve@example.com"))
    assert answer.status_code == 403
    assert "has not verified the e-mail address eve@example.com" in answer.get_data(as_text=True)
    assert _failures(app) == ["single sign-on: e-mail address not verified"]
    assert _audit(app)[-1][2] == "eve@example.com"
    assert _user(app, "eve@example.com") is None and _signed_in_as(client) is None


def test_a_deactivated_user_is_refused(
    sso_app: Callable[..., Flask],
    oidc_person: Callable[..., Any],
    sign_in: Callable[..., Any],
    add_user: Callable[..., User],
) -> None:
    app = sso_app()
    with app.app_context():
        add_user("ada@example.com", "admin")
        people.deactivate(None, add_user("bob@example.com", "adviser"))
    client = app.test_client()
    answer = sign_in(client, oidc_person("bob@example.com"))
    assert answer.status_code == 403
    assert "bob@example.com is deactivated" in answer.get_data(as_text=True)
    assert _failures(app) == ["single sign-on: deactivated"]
    assert _signed_in_as(client) is None


def test_a_provider_that_is_down_or_silent_is_a_clear_503(
    app_factory: Callable[..., Flask], begin: Callable[..., Any]
) -> None:
    down = app_factory(**sso_config(f"http://127.0.0.1:{free_port()}"))  # the app starts
    client = down.test_client()
    assert "Sign in with Canaille" in client.get("/login").get_data(as_text=True)
    answer = begin(client)
    assert answer.status_code == 503
    assert "Canaille cannot be reached just now" in answer.get_data(as_text=True)
    with socket.socket() as silent:  # takes connections, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        slow = app_factory(
            **sso_config(f"http://127.0.0.1:{silent.getsockname()[1]}", OIDC_TIMEOUT=0.5)
        )
        started = time.monotonic()
        assert begin(slow.test_client()).status_code == 503
        assert time.monotonic() - started < 3
    assert _failures(down) == [  # both apps on the test's one database
        "single sign-on: discovery: ConnectionError",
        "single sign-on: discovery: ReadTimeout",
    ]


def test_a_provider_that_denies_the_sign_in_is_a_clear_403(
    sso_app: Callable[..., Flask], begin: Callable[..., Any]
) -> None:
    app = sso_app()
    client = app.test_client()
    started = begin(client)
    state = parse_qs(urlsplit(started.headers["Location"]).query)["state"][0]
    answer = client.get(f"/login/sso/callback?error=access_denied&state={state}")
    assert answer.status_code == 403
    assert "Canaille did not let you sign in (access_denied)" in answer.get_data(as_text=True)
    assert _failures(app) == ["single sign-on: the provider answered error=access_denied"]
