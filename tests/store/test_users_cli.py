"""People on the command line: `career-path users invite|list|deactivate|reactivate`, `mail
status`, through cli.main as a person types them, with a real SMTP server."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

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


@pytest.mark.slow
def test_the_first_admin_invites_lists_and_deactivates_from_the_command_line(
    env: SMTPServer,
    password: str,
    run_cli: Callable[..., tuple[int, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert run_cli(["db", "upgrade"])[0] == 0
    code, out = run_cli(
        ["users", "add", "ada@example.com", "--role", "admin", "--password-stdin"], password + "\n"
    )
    assert (code, out.strip()) == (0, "Added ada@example.com (admin).")

    code, out = run_cli(["users", "invite", "Cleo@Example.com", "--role", "adviser"])
    lines = out.strip().splitlines()
    assert code == 0 and lines[0] == "Mailed the invitation to cleo@example.com."
    link = lines[-1]
    assert link.startswith(BASE_URL + "/invitations/") and " " not in link
    (mail,) = env.wait_for(1)
    assert mail.rcpt_tos == ["cleo@example.com"] and mail.links[0] == link
    assert "An admin invited you to career-path as an adviser." in mail.text

    code, out = run_cli(["users", "invite", "ada@example.com", "--role", "manager"])
    assert code == 1 and "ada@example.com has an account already." in out

    code, out = run_cli(["users", "list"])
    rows = [line.split() for line in out.strip().splitlines()]
    assert rows[0] == ["EMAIL", "ROLE", "STATUS", "LAST", "SIGN-IN", "(UTC)"]
    assert rows[1:] == [
        ["ada@example.com", "admin", "active", "never"],
        ["cleo@example.com", "adviser", "invited", "never"],
    ]

    code, out = run_cli(["tokens", "create", "cleo@example.com"])
    assert code == 0
    code, out = run_cli(["users", "deactivate", "cleo@example.com"])
    assert (code, out.strip()) == (
        0,
        "Deactivated cleo@example.com: their sessions and API tokens stopped; teams stay.",
    )
    assert "cleo@example.com  adviser  deactivated" in run_cli(["users", "list"])[1]
    code, out = run_cli(["tokens", "create", "cleo@example.com"])
    assert code == 1 and "cleo@example.com is deactivated" in out
    code, out = run_cli(["users", "deactivate", "ada@example.com"])
    assert code == 1 and "the only active admin" in out
    code, out = run_cli(["users", "deactivate", "nobody@example.com"])
    assert code == 1 and "no user nobody@example.com" in out
    assert run_cli(["users", "reactivate", "cleo@example.com"]) == (
        0,
        "Reactivated cleo@example.com.\n",
    )
    code, out = run_cli(["mail", "status"])
    assert code == 0 and f"Mail is on: 127.0.0.1:{env.port} (no TLS)" in out
    assert "queued: 0, sending: 0, sent: 1, failed: 0" in out

    monkeypatch.delenv("CAREER_PATH_BASE_URL")
    code, out = run_cli(["users", "invite", "dan@example.com", "--role", "manager"])
    assert code == 1 and "Set CAREER_PATH_BASE_URL" in out
    assert "dan@example.com" not in run_cli(["users", "list"])[1]  # nothing stored


@pytest.mark.slow
def test_with_mail_off_users_invite_prints_the_link_and_the_mail_waits(
    env: SMTPServer,
    run_cli: Callable[..., tuple[int, str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CAREER_PATH_SMTP_HOST")
    assert run_cli(["db", "upgrade"])[0] == 0
    code, out = run_cli(["users", "invite", "cleo@example.com", "--role", "manager"])
    lines = out.strip().splitlines()
    assert code == 0 and lines[0].startswith("Mail is off: CAREER_PATH_SMTP_HOST is not set.")
    assert lines[-1].startswith(BASE_URL + "/invitations/")
    code, out = run_cli(["mail", "send"])
    assert code == 1 and "1 mail(s) wait in the outbox" in out
    monkeypatch.setenv("CAREER_PATH_SMTP_HOST", env.host)  # mail on: the waiting mail goes
    code, out = run_cli(["mail", "send"])
    assert code == 0 and "sent mail 1 (invitation) to cleo@example.com" in out
    assert env.wait_for(1)[0].links[0] == lines[-1]
