"""Issue 20's acceptance path under bin/serve (granian) with an SMTP server of the test's own:
invite on the command line, follow the mailed link, set a password, sign in, reset it by mail,
be deactivated (SQLite and PostgreSQL)."""

from __future__ import annotations

import re
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urljoin

import pytest
import requests

from recommender.testing import BIN_SERVE, HOST, SMTPServer, free_port, started

pytestmark = pytest.mark.slow


def _form(session: requests.Session, url: str, **fields: str) -> requests.Response:
    """Post the form of the page at `url` with its CSRF token, as a browser does."""
    page = session.get(url, timeout=10)
    assert page.status_code == 200, (url, page.status_code)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token is not None
    action = re.search(r'<form method="post"(?: action="([^"]+)")?', page.text)
    assert action is not None  # no action: the form posts to its own page
    target = urljoin(url, action.group(1) or url)
    return session.post(
        target, data={**fields, "csrf_token": token.group(1)}, allow_redirects=False, timeout=10
    )


def _log_in(session: requests.Session, base: str, email: str, password: str) -> requests.Session:
    answer = _form(session, base + "/login", email=email, password=password)
    assert answer.status_code == 303, answer.status_code
    return session


def test_invite_set_a_password_sign_in_reset_it_by_mail_and_be_deactivated(
    db_url: str,
    tmp_path: Path,
    smtp_server: SMTPServer,
    monkeypatch: pytest.MonkeyPatch,
    run_cli: Callable[..., tuple[int, str]],
    password: str,
) -> None:
    port = free_port()
    base = f"http://{HOST}:{port}"
    for name, value in {
        "DATABASE_URL": db_url,
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SMTP_HOST": smtp_server.host,
        "SMTP_PORT": str(smtp_server.port),
        "MAIL_FROM": "career-path@example.com",
        "BASE_URL": base,
    }.items():
        monkeypatch.setenv(f"CAREER_PATH_{name}", value)
    assert run_cli(["db", "upgrade"])[0] == 0
    add = ["users", "add", "ada@example.com", "--role", "admin", "--password-stdin"]
    assert run_cli(add, password + "\n")[0] == 0
    command = [str(BIN_SERVE), "--host", HOST, "--port", str(port), "--workers", "1"]
    browsers = ExitStack()  # each a session of its own, closed at the end
    cleo, elsewhere, anybody, ada = (browsers.enter_context(requests.Session()) for _ in range(4))
    with browsers, started(command, port, log=tmp_path / "server.log"):
        code, out = run_cli(["users", "invite", "cleo@example.com", "--role", "manager"])
        link = out.strip().splitlines()[-1]
        (invitation,) = smtp_server.wait_for(1)
        assert invitation.links[0] == link and link.startswith(base + "/invitations/")

        first = "first password, long enough"
        answer = _form(cleo, link, password=first, password_again=first)
        assert answer.status_code == 303 and answer.headers["Location"] == "/teams"
        assert cleo.get(base + "/teams", timeout=10).status_code == 200
        assert requests.get(link, timeout=10).status_code == 404  # once
        _log_in(elsewhere, base, "cleo@example.com", first)

        asked = _form(anybody, base + "/password/forgot", email="cleo@example.com")
        unknown = _form(anybody, base + "/password/forgot", email="nobody@example.com")
        assert asked.status_code == unknown.status_code == 200
        reset = smtp_server.wait_for(2)[1]  # sent by the server, after its response
        assert reset.rcpt_tos == ["cleo@example.com"]
        second = "second password, long enough"
        answer = _form(cleo, reset.links[0], password=second, password_again=second)
        assert answer.status_code == 303
        assert cleo.get(base + "/teams", timeout=10, allow_redirects=False).status_code == 200
        ended = elsewhere.get(base + "/teams", timeout=10, allow_redirects=False)
        assert ended.status_code == 302  # the other session ended with the reset

        _log_in(ada, base, "ada@example.com", password)
        people = ada.get(base + "/admin/users", timeout=10).text
        cleo_id = re.search(r'id="user-(\d+)-email">cleo@example.com', people)
        assert cleo_id is not None
        page = ada.get(base + "/admin/users", timeout=10).text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        assert token is not None
        answer = ada.post(
            f"{base}/admin/users/{cleo_id.group(1)}/deactivate",
            data={"csrf_token": token.group(1)},
            allow_redirects=False,
            timeout=10,
        )
        assert answer.status_code == 303
        assert cleo.get(base + "/teams", timeout=10, allow_redirects=False).status_code == 302
        assert (
            requests.get(base + "/admin/users", timeout=10, allow_redirects=False).status_code
            == 302
        )
        audit = ada.get(base + "/admin/audit.csv", timeout=10).text
        for action in (
            "invitation_sent",
            "invitation_accepted",
            "password_reset",
            "user_deactivated",
        ):
            assert f",{action}," in audit
    assert "Traceback" not in (tmp_path / "server.log").read_text(errors="replace")
    assert len(smtp_server.mails) == 2  # nothing was sent twice
