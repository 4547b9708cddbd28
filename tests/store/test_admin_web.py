"""The admin pages: every role against every page and form, deactivation that stops a live
session and an API token at once, the guards that keep an admin, and the audit log and its
CSV (SQLite and PostgreSQL)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from recommender.accounts import audit
from recommender.accounts.tokens import create_token
from recommender.extensions import db
from recommender.mail import wait_for_sends
from recommender.store import accounts
from recommender.store import teams as store_teams
from recommender.store.models import AuditEntry, User
from recommender.testing import SMTPServer


def _client(app: Flask, log_in: Callable[..., Any], email: str | None) -> FlaskClient:
    client = app.test_client()
    if email is not None:
        assert log_in(client, email).status_code == 303
    return client


def _token(client: FlaskClient) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").get_data(True))
    assert found
    return found.group(1)


def _user(app: Flask, email: str) -> User:
    with app.app_context():
        found = accounts.user_by_email(email)
        assert found is not None
        db.session.expunge(found)
        return found


def _actions(app: Flask) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


# --- each role against each page and form ---------------------------------------------------

PAGES = ["/admin/users", "/admin/audit", "/admin/audit.csv", "/admin/audit?person=x&action=y"]
FORMS = [
    ("/admin/users", {"email": "cleo@example.com", "role": "manager"}, "invitation_sent"),
    ("/admin/users/{bob}/role", {"role": "manager"}, "role_changed"),
    ("/admin/users/{bob}/deactivate", {}, "user_deactivated"),
    ("/admin/users/{carl}/reactivate", {}, "user_reactivated"),
    ("/admin/users/{cleo}/invitation", {}, "invitation_sent"),
]
ROLES = {"admin": "ada@example.com", "manager": "ann@example.com", "adviser": "bob@example.com"}


@pytest.fixture
def people(org_app: Flask, log_in: Callable[..., Any]) -> dict[str, int]:
    """Ids of Bob (adviser), Carl (deactivated) and Cleo (invited) for the forms' URLs."""
    admin = _client(org_app, log_in, "ada@example.com")
    token = _token(admin)
    admin.post(
        "/admin/users", data={"email": "cleo@example.com", "role": "adviser", "csrf_token": token}
    )
    with org_app.app_context():
        from recommender.accounts import people as people_
        from recommender.accounts.users import create_user

        carl = create_user("carl@example.com", "manager", "correct horse battery")
        people_.deactivate(None, carl)
    return {
        "bob": _user(org_app, "bob@example.com").id,
        "carl": _user(org_app, "carl@example.com").id,
        "cleo": _user(org_app, "cleo@example.com").id,
    }


@pytest.mark.parametrize("role", ["manager", "adviser"])
def test_managers_and_advisers_get_404_on_every_admin_page_and_form(
    org_app: Flask, log_in: Callable[..., Any], people: dict[str, int], role: str
) -> None:
    client = _client(org_app, log_in, ROLES[role])
    before = _actions(org_app)
    for page in PAGES:
        assert client.get(page).status_code == 404, page
    token = _token(client)
    for path, data, _ in FORMS:
        response = client.post(path.format(**people), data={**data, "csrf_token": token})
        assert response.status_code == 404, path
        assert client.post(path.format(**people), data=data).status_code == 404  # no token
    assert _actions(org_app) == before  # nothing done
    assert "People</a>" not in client.get("/teams").get_data(True)  # no link to the pages


def test_someone_signed_out_is_sent_to_log_in(org_app: Flask, people: dict[str, int]) -> None:
    client = org_app.test_client()
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302 and "/login?next=" in response.headers["Location"]
    token = _token(client)
    before = _actions(org_app)
    for path, data, _ in FORMS:
        response = client.post(path.format(**people), data={**data, "csrf_token": token})
        assert response.status_code == 302, path
    assert _actions(org_app) == before


def test_an_admin_reaches_every_page_and_form(
    org_app: Flask, log_in: Callable[..., Any], people: dict[str, int]
) -> None:
    client = _client(org_app, log_in, "ada@example.com")
    for page in PAGES:
        assert client.get(page).status_code == 200, page
    assert "People</a>" in client.get("/teams").get_data(True)
    token = _token(client)
    for path, data, action in FORMS:
        response = client.post(path.format(**people), data={**data, "csrf_token": token})
        assert response.status_code == 303, path
        assert _actions(org_app)[-1] == action


def test_every_admin_form_needs_the_csrf_token(
    org_app: Flask, log_in: Callable[..., Any], people: dict[str, int]
) -> None:
    client = _client(org_app, log_in, "ada@example.com")
    before = _actions(org_app)
    for path, data, _ in FORMS:
        response = client.post(path.format(**people), data=data)
        assert response.status_code == 400 and "nothing was saved" in response.get_data(True)
    assert _actions(org_app) == before
    assert _user(org_app, "bob@example.com").active


def test_a_missing_user_is_404(org_app: Flask, log_in: Callable[..., Any]) -> None:
    client = _client(org_app, log_in, "ada@example.com")
    response = client.post("/admin/users/999/deactivate", data={"csrf_token": _token(client)})
    assert response.status_code == 404


# --- deactivation ---------------------------------------------------------------------------


def test_deactivation_ends_a_live_session_and_an_api_token_at_once_and_the_teams_stay(
    org_app: Flask,
    log_in: Callable[..., Any],
    make_team: Callable[..., Any],
    bearer: Callable[[str], dict[str, str]],
) -> None:
    with org_app.app_context():
        make_team("bob@example.com")
        token = create_token(accounts.user_by_email("bob@example.com"))  # type: ignore[arg-type]
    bob = _client(org_app, log_in, "bob@example.com")
    api = org_app.test_client()
    assert bob.get("/teams").status_code == 200
    assert api.get("/api/v1/teams", headers=bearer(token)).status_code == 200

    admin = _client(org_app, log_in, "ada@example.com")
    bob_id = _user(org_app, "bob@example.com").id
    response = admin.post(f"/admin/users/{bob_id}/deactivate", data={"csrf_token": _token(admin)})
    assert response.status_code == 303
    assert "Deactivated bob@example.com" in admin.get("/admin/users").get_data(True)

    assert bob.get("/teams").status_code == 302  # the live session stopped
    assert api.get("/api/v1/teams", headers=bearer(token)).status_code == 401
    assert log_in(org_app.test_client(), "bob@example.com").status_code == 401
    with org_app.app_context():
        bob_user = accounts.user_by_email("bob@example.com")
        assert bob_user is not None and not bob_user.active
        assert [t.name for t in store_teams.teams_of(bob_user)] == ["Claims team"]  # kept
    assert _actions(org_app)[-3:] == ["user_deactivated", "token_revoked", "sign_in_failed"]

    response = admin.post(f"/admin/users/{bob_id}/reactivate", data={"csrf_token": _token(admin)})
    assert response.status_code == 303
    assert log_in(org_app.test_client(), "bob@example.com").status_code == 303
    assert api.get("/api/v1/teams", headers=bearer(token)).status_code == 401  # revoked for good


def test_an_admin_cannot_deactivate_themself_nor_leave_no_admin(
    org_app: Flask, log_in: Callable[..., Any]
) -> None:
    admin = _client(org_app, log_in, "ada@example.com")
    ada_id = _user(org_app, "ada@example.com").id
    page = admin.get("/admin/users").get_data(True)
    ada_card = page.split('id="user-' + str(ada_id) + '"')[1].split("</li>")[0]
    assert "Deactivate" not in ada_card  # no button for oneself
    token = _token(admin)
    response = admin.post(f"/admin/users/{ada_id}/deactivate", data={"csrf_token": token})
    assert response.status_code == 422 and "You cannot deactivate yourself" in response.get_data(
        True
    )
    response = admin.post(
        f"/admin/users/{ada_id}/role", data={"role": "manager", "csrf_token": token}
    )
    assert response.status_code == 422 and "the only active admin" in response.get_data(True)
    assert _user(org_app, "ada@example.com").role == "admin"

    ann_id = _user(org_app, "ann@example.com").id
    admin.post(f"/admin/users/{ann_id}/role", data={"role": "admin", "csrf_token": token})
    response = admin.post(
        f"/admin/users/{ada_id}/role", data={"role": "manager", "csrf_token": token}
    )
    assert response.status_code == 303  # Ann is an admin now
    assert admin.get("/admin/users").status_code == 404  # and Ada no longer
    with org_app.app_context():
        details = db.session.scalars(
            sa.select(AuditEntry.detail).where(AuditEntry.action == "role_changed")
        ).all()
    assert details == ["manager -> admin", "admin -> manager"]


def test_a_bad_role_is_refused(org_app: Flask, log_in: Callable[..., Any]) -> None:
    admin = _client(org_app, log_in, "ada@example.com")
    bob_id = _user(org_app, "bob@example.com").id
    response = admin.post(
        f"/admin/users/{bob_id}/role", data={"role": "owner", "csrf_token": _token(admin)}
    )
    assert response.status_code == 422 and "Role must be one of" in response.get_data(True)


# --- mail on the admin page -----------------------------------------------------------------


def test_the_people_page_says_when_mail_is_off_and_the_invitation_waits(
    app_factory: Callable[..., Flask], add_user: Callable[..., Any], log_in: Callable[..., Any]
) -> None:
    app = app_factory(BASE_URL="https://career.example.com")
    with app.app_context():
        add_user("ada@example.com", "admin")
    admin = _client(app, log_in, "ada@example.com")
    page = admin.get("/admin/users").get_data(True)
    assert "Mail is off: CAREER_PATH_SMTP_HOST is not set." in page
    admin.post(
        "/admin/users",
        data={"email": "cleo@example.com", "role": "manager", "csrf_token": _token(admin)},
    )
    page = admin.get("/admin/users").get_data(True)
    assert "Mail is off, so the mail waits in the outbox" in page
    assert "Waiting to be sent: 1." in page and "Invited" in page


def test_the_people_page_lists_the_mails_that_failed(
    org_app: Flask, smtp_server: SMTPServer, log_in: Callable[..., Any]
) -> None:
    smtp_server.catcher.refuse.add("gone@example.com")
    admin = _client(org_app, log_in, "ada@example.com")
    admin.post(
        "/admin/users",
        data={"email": "gone@example.com", "role": "manager", "csrf_token": _token(admin)},
    )
    wait_for_sends(org_app)
    page = admin.get("/admin/users").get_data(True)
    failed = page.split("Mails that did not go")[1]
    assert "gone@example.com" in failed and "Failed for good" in failed
    assert "recipient refused: 550 5.1.1 No such user here" in failed
    assert "Failed: 1." in page


# --- the audit log --------------------------------------------------------------------------


def test_the_audit_log_is_newest_first_filtered_and_paged(
    org_app: Flask, log_in: Callable[..., Any]
) -> None:
    with org_app.app_context():
        for i in range(audit.PAGE_SIZE + 5):
            audit.record("ann@example.com", "team_shared", f"t{i}@example.com", f"team {i}")
    log_in(org_app.test_client(), "bob@example.com", "wrong")
    admin = _client(org_app, log_in, "ada@example.com")
    page = admin.get("/admin/audit").get_data(True)
    rows = re.findall(r"<tr>\s*<td class=\"nowrap\">", page)
    assert len(rows) == audit.PAGE_SIZE
    first = page.index("Signed in")  # Ada, just now, first
    assert first < page.index("Sign-in failed") < page.index("Team shared")
    older = re.search(r'href="(/admin/audit\?before=\d+)">Older entries', page)
    assert older is not None
    rest = admin.get(older.group(1).replace("&amp;", "&")).get_data(True)
    assert "team 0</td>" in rest and "Older entries" not in rest and "Newest entries" in rest

    failed = admin.get("/admin/audit?action=sign_in_failed").get_data(True)
    assert "bob@example.com" in failed and "Team shared" not in failed.split("<tbody>")[1]
    bobs = admin.get("/admin/audit?person=BOB@example.com").get_data(True).split("<tbody>")[1]
    assert "Sign-in failed" in bobs and "ada@example.com" not in bobs
    ones = admin.get("/admin/audit?person=t3@example.com&action=team_shared").get_data(True)
    assert ones.count("team 3</td>") == 1
    assert "No entries match" in admin.get("/admin/audit?action=nothing").get_data(True)
    assert admin.get("/admin/audit?before=abc").status_code == 200  # a bad cursor: page one


def test_the_audit_log_exports_as_csv_with_formulas_kept_as_text(
    org_app: Flask, log_in: Callable[..., Any]
) -> None:
    log_in(org_app.test_client(), '=HYPERLINK("http://x")@example.com', "wrong")
    with org_app.app_context():
        audit.record(None, "user_added", "+1@example.com", "-detail", "@host")
    admin = _client(org_app, log_in, "ada@example.com")
    response = admin.get("/admin/audit.csv?action=sign_in_failed")
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == 'attachment; filename="audit-log.csv"'
    rows = list(csv.reader(io.StringIO(response.get_data(True).lstrip("\ufeff"))))
    assert rows[0] == ["id", "at_utc", "actor", "action", "subject", "detail", "address"]
    assert [row[2:6] for row in rows[1:]] == [
        ["anonymous", "sign_in_failed", '\'=hyperlink("http://x")@example.com', "wrong password"]
    ]
    everything = list(csv.reader(io.StringIO(admin.get("/admin/audit.csv").get_data(True))))
    added = next(row for row in everything if row[3] == "user_added")
    assert added[2:7] == ["command line", "user_added", "'+1@example.com", "'-detail", "'@host"]
    assert len(everything) == 1 + len(_actions(org_app))
