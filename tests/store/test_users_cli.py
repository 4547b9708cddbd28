"""People on the command line: `career-path users invite|list|deactivate|reactivate`, `tokens
revoke`, `mail status`, through cli.main as a person types them, with a real SMTP server."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from recommender.cli import main
from recommender.testing import SMTPServer

BASE_URL = "https://career.example.com"


@pytest.fixture
def env(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, smtp_server: SMTPServer
) -> SMTPServer:
    """A deployment's environment: its database, instance folder, mail server and address."""
    monkeypatch.setenv("CAREER_PATH_DATABASE_URL", db_url)
    monkeypatch.setenv("CAREER_PATH_INSTANCE_PATH", str(tmp_path / "instance"))
    monkeypatch.setenv("CAREER_PATH_SMTP_HOST", smtp_server.host)
    monkeypatch.setenv("CAREER_PATH_SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("CAREER_PATH_MAIL_FROM", "career-path@example.com")
    monkeypatch.setenv("CAREER_PATH_BASE_URL", BASE_URL)
    return smtp_server


def _run(argv: list[str], capsys: pytest.CaptureFixture[str], stdin: str = "") -> tuple[int, str]:
    """The exit status, and what the command printed: its output, then its errors (logs
    go to stderr too, so the output's last line is the output's own)."""
    sys.stdin = io.StringIO(stdin)
    try:
        code = main(argv)
    finally:
        sys.stdin = sys.__stdin__
    out = capsys.readouterr()
    return code, out.out + "\n" + out.err if code else out.out


@pytest.mark.slow
def test_the_first_admin_invites_lists_and_deactivates_from_the_command_line(
    env: SMTPServer,
    password: str,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert _run(["db", "upgrade"], capsys)[0] == 0
    code, out = _run(
        ["users", "add", "ada@example.com", "--role", "admin", "--password-stdin"],
        capsys,
        password + "\n",
    )
    assert (code, out.strip()) == (0, "Added ada@example.com (admin).")

    code, out = _run(["users", "invite", "Cleo@Example.com", "--role", "adviser"], capsys)
    lines = out.strip().splitlines()
    assert code == 0 and lines[0] == "Mailed the invitation to cleo@example.com."
    link = lines[-1]
    assert link.startswith(BASE_URL + "/invitations/") and " " not in link
    (mail,) = env.wait_for(1)
    assert mail.rcpt_tos == ["cleo@example.com"] and mail.links[0] == link
    assert "An admin invited you to career-path as an adviser." in mail.text

    code, out = _run(["users", "invite", "ada@example.com", "--role", "manager"], capsys)
    assert code == 1 and "ada@example.com has an account already." in out

    code, out = _run(["users", "list"], capsys)
    rows = [line.split() for line in out.strip().splitlines()]
    assert rows[0] == ["EMAIL", "ROLE", "STATUS", "LAST", "SIGN-IN", "(UTC)"]
    assert rows[1:] == [
        ["ada@example.com", "admin", "active", "never"],
        ["cleo@example.com", "adviser", "invited", "never"],
    ]

    code, out = _run(["tokens", "create", "cleo@example.com"], capsys)
    assert code == 0
    code, out = _run(["users", "deactivate", "cleo@example.com"], capsys)
    assert (code, out.strip()) == (
        0,
        "Deactivated cleo@example.com: their sessions and API tokens stopped; teams stay.",
    )
    assert "cleo@example.com  adviser  deactivated" in _run(["users", "list"], capsys)[1]
    code, out = _run(["tokens", "create", "cleo@example.com"], capsys)
    assert code == 1 and "cleo@example.com is deactivated" in out
    code, out = _run(["users", "deactivate", "ada@example.com"], capsys)
    assert code == 1 and "the only active admin" in out
    code, out = _run(["users", "deactivate", "nobody@example.com"], capsys)
    assert code == 1 and "no user nobody@example.com" in out
    assert _run(["users", "reactivate", "cleo@example.com"], capsys) == (
        0,
        "Reactivated cleo@example.com.\n",
    )
    code, out = _run(["tokens", "create", "ada@example.com"], capsys)
    assert code == 0
    assert _run(["tokens", "revoke", "ada@example.com"], capsys) == (
        0,
        "Revoked 1 API token(s) of ada@example.com.\n",
    )

    code, out = _run(["mail", "status"], capsys)
    assert code == 0 and f"Mail is on: 127.0.0.1:{env.port} (no TLS)" in out
    assert "queued: 0, sending: 0, sent: 1, failed: 0" in out

    monkeypatch.delenv("CAREER_PATH_BASE_URL")
    code, out = _run(["users", "invite", "dan@example.com", "--role", "manager"], capsys)
    assert code == 1 and "Set CAREER_PATH_BASE_URL" in out
    assert "dan@example.com" not in _run(["users", "list"], capsys)[1]  # nothing stored


@pytest.mark.slow
def test_with_mail_off_users_invite_prints_the_link_and_the_mail_waits(
    env: SMTPServer, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CAREER_PATH_SMTP_HOST")
    assert _run(["db", "upgrade"], capsys)[0] == 0
    code, out = _run(["users", "invite", "cleo@example.com", "--role", "manager"], capsys)
    lines = out.strip().splitlines()
    assert code == 0 and lines[0].startswith("Mail is off: CAREER_PATH_SMTP_HOST is not set.")
    assert lines[-1].startswith(BASE_URL + "/invitations/")
    code, out = _run(["mail", "send"], capsys)
    assert code == 1 and "1 mail(s) wait in the outbox" in out
    monkeypatch.setenv("CAREER_PATH_SMTP_HOST", env.host)  # mail on: the waiting mail goes
    code, out = _run(["mail", "send"], capsys)
    assert code == 0 and "sent mail 1 (invitation) to cleo@example.com" in out
    assert env.wait_for(1)[0].links[0] == lines[-1]
