"""Mail: the outbox against a real SMTP server (aiosmtpd), on SQLite and PostgreSQL.

Queued with the change that causes it, sent once, retried with a backoff when the server is
down, failed for good on a 5xx answer, never sent past its link's expiry; STARTTLS checks the
server's certificate.
"""

from __future__ import annotations

import smtplib
import socket
import ssl
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from recommender.mail import MailSettingsError, compose, deliver, queue
from recommender.mail.outbox import backoff
from recommender.store import accounts as account_rows
from recommender.store import outbox as rows
from recommender.store.db import utcnow
from recommender.store.models import OutboxMail
from recommender.testing import SMTPServer


def _queue_test_mail(to: str = "ann@example.com", **expiry: Any) -> int:
    queued = queue("test", to, compose("test"), **expiry)
    account_rows.save()
    return queued.id


def _mail(mail_id: int) -> OutboxMail:
    found = rows.mail_by_id(mail_id)
    assert found is not None
    return found


@pytest.fixture
def mail_app(app_factory: Callable[..., Flask], smtp_server: SMTPServer) -> Iterator[Flask]:
    """An app whose mail goes to the test's SMTP server, inside an app context."""
    app = app_factory(**smtp_server.config())
    with app.app_context():
        yield app


def test_a_mail_has_a_text_part_with_its_links_and_an_html_part(
    mail_app: Flask, smtp_server: SMTPServer
) -> None:
    mail_id = _queue_test_mail()
    (attempt,) = deliver()
    assert attempt.sent and attempt.mail_id == mail_id
    (got,) = smtp_server.wait_for(1)
    assert got.rcpt_tos == ["ann@example.com"]
    assert got.mail_from == "noreply@career-path.test"
    assert got.message["From"] == "career-path <noreply@career-path.test>"
    assert got.message["Auto-Submitted"] == "auto-generated"
    assert got.message.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in got.message.iter_parts()] == ["text/plain", "text/html"]
    assert got.subject == "career-path: a test mail" and "mail works" in got.text
    sent = _mail(mail_id)
    assert (sent.status, sent.attempts, sent.text_body, sent.html_body) == ("sent", 1, "", "")
    assert deliver() == []  # sent once: a second run finds nothing due
    time.sleep(0.2)
    assert len(smtp_server.mails) == 1


def test_a_mail_waits_while_the_server_is_down_and_goes_once_it_is_back(
    mail_app: Flask, smtp_server: SMTPServer
) -> None:
    smtp_server.stop()
    mail_id = _queue_test_mail()
    (attempt,) = deliver()
    assert not attempt.sent and attempt.server_fault and "ConnectionRefusedError" in attempt.error
    waiting = _mail(mail_id)
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    assert waiting.next_attempt_at >= utcnow() + timedelta(seconds=50)  # the backoff
    assert deliver() == []  # not due yet
    smtp_server.start()
    later = utcnow() + backoff(1) + timedelta(seconds=1)
    (attempt,) = deliver(now=later)
    assert attempt.sent
    assert len(smtp_server.wait_for(1)) == 1
    assert deliver(now=later + timedelta(days=1)) == []
    assert (_mail(mail_id).status, _mail(mail_id).attempts) == ("sent", 2)


def test_the_server_down_stops_the_run_and_leaves_the_other_mails_untouched(
    mail_app: Flask, smtp_server: SMTPServer
) -> None:
    smtp_server.stop()
    first, second = _queue_test_mail(), _queue_test_mail("bob@example.com")
    assert [a.mail_id for a in deliver()] == [first]
    assert (_mail(second).status, _mail(second).attempts) == ("queued", 0)


def test_a_refused_recipient_is_failed_for_good_and_the_others_still_go(
    mail_app: Flask, smtp_server: SMTPServer
) -> None:
    smtp_server.catcher.refuse.add("gone@example.com")
    refused, fine = _queue_test_mail("gone@example.com"), _queue_test_mail("bob@example.com")
    attempts = deliver()
    assert [(a.mail_id, a.sent) for a in attempts] == [(refused, False), (fine, True)]
    failed = _mail(refused)
    assert failed.status == "failed" and failed.last_error.startswith("recipient refused: 550")
    assert attempts[0].retry_at is None
    assert [m.rcpt_tos for m in smtp_server.wait_for(1)] == [["bob@example.com"]]
    assert deliver(now=utcnow() + timedelta(days=1)) == []  # never retried


def test_an_address_the_mail_library_refuses_is_failed_for_good(
    mail_app: Flask, smtp_server: SMTPServer
) -> None:
    bad, fine = _queue_test_mail("ann@@example.com"), _queue_test_mail("bob@example.com")
    attempts = deliver()
    assert [(a.mail_id, a.sent) for a in attempts] == [(bad, False), (fine, True)]
    assert attempts[0].error.startswith("ValueError: Invalid address")
    assert _mail(bad).status == "failed" and attempts[0].retry_at is None


def test_retries_back_off_and_end_after_the_last_attempt(
    app_factory: Callable[..., Flask], smtp_server: SMTPServer
) -> None:
    assert [backoff(n) for n in (1, 2, 3, 8, 9)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
        timedelta(hours=2),
        timedelta(hours=2),
    ]
    smtp_server.stop()
    app = app_factory(**smtp_server.config(MAIL_MAX_ATTEMPTS=3))
    with app.app_context():
        mail_id = _queue_test_mail()
        now = utcnow()
        for attempt_number in (1, 2, 3):
            (attempt,) = deliver(now=now)
            assert _mail(mail_id).attempts == attempt_number
            now = now + timedelta(hours=3)
        assert attempt.retry_at is None and _mail(mail_id).status == "failed"
        assert deliver(now=now) == []


def test_a_mail_whose_link_expired_is_not_sent(mail_app: Flask, smtp_server: SMTPServer) -> None:
    mail_id = _queue_test_mail(expires_at=utcnow() + timedelta(hours=1))
    (attempt,) = deliver(now=utcnow() + timedelta(hours=2))
    assert not attempt.sent and "expired" in attempt.error
    assert _mail(mail_id).status == "failed"
    time.sleep(0.2)
    assert smtp_server.mails == []


def test_two_senders_never_send_the_same_mail(mail_app: Flask, smtp_server: SMTPServer) -> None:
    mail_id = _queue_test_mail()
    now = utcnow()
    assert rows.claim(mail_id, now, now + timedelta(minutes=10)) is not None
    assert deliver() == []  # the other sender holds it
    # A sender that died leaves its lease; once it ends, the mail is taken over.
    (attempt,) = deliver(now=now + timedelta(minutes=11))
    assert attempt.sent and len(smtp_server.wait_for(1)) == 1


def test_with_mail_off_mails_stay_queued(app_factory: Callable[..., Flask]) -> None:
    app = app_factory()
    with app.app_context():
        mail_id = _queue_test_mail()
        assert deliver() == []
        assert (_mail(mail_id).status, _mail(mail_id).attempts) == ("queued", 0)
    result = app.test_cli_runner().invoke(args=["mail", "status"])
    assert "Mail is off: CAREER_PATH_SMTP_HOST is not set." in result.output
    assert "queued: 1" in result.output
    result = app.test_cli_runner().invoke(args=["mail", "send"])
    assert result.exit_code == 1 and "1 mail(s) wait in the outbox" in result.output


def test_a_silent_server_times_out(app_factory: Callable[..., Flask]) -> None:
    with socket.socket() as listener:  # takes the connection, never says hello
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        app = app_factory(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TIMEOUT=0.5)
        with app.app_context():
            mail_id = _queue_test_mail()
            started = time.monotonic()
            (attempt,) = deliver()
            assert time.monotonic() - started < 3
    assert not attempt.sent and "timed out" in attempt.error
    with app.app_context():
        assert _mail(mail_id).status == "queued"


def test_mail_send_and_status_on_the_command_line(mail_app: Flask, smtp_server: SMTPServer) -> None:
    smtp_server.catcher.refuse.add("gone@example.com")
    _queue_test_mail("gone@example.com")
    _queue_test_mail("bob@example.com")
    runner = mail_app.test_cli_runner()
    result = runner.invoke(args=["mail", "send"])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0].startswith("not sent mail 1 (test) to gone@example.com: recipient refused: 550")
    assert lines[0].endswith("(failed)")
    assert lines[1:] == ["sent mail 2 (test) to bob@example.com", "Sent 1 of 2 mail(s) tried."]
    result = runner.invoke(args=["mail", "send"])
    assert (result.exit_code, result.output) == (0, "Nothing to send.\n")
    status = runner.invoke(args=["mail", "status"]).output
    assert f"Mail is on: 127.0.0.1:{smtp_server.port} (no TLS)" in status
    assert "queued: 0, sending: 0, sent: 1, failed: 1" in status
    assert "mail 1 (test) to gone@example.com: 1 attempt(s), failed for good: recipient" in status


# --- STARTTLS: the server's certificate is checked ------------------------------------------


def _self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 (an IP address SAN), signed by itself, and its key."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "smtp-cert.pem", folder / "smtp-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[tuple[SMTPServer, Path]]:
    """An SMTP server that wants STARTTLS, then a login (mailer, s3cret); its certificate."""
    from aiosmtpd.smtp import AuthResult, LoginPassword

    cert_path, key_path = _self_signed(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert_path, key_path)

    def authenticator(*args: Any) -> Any:
        data = args[-1]
        good = isinstance(data, LoginPassword) and (data.login, data.password) == (
            b"mailer",
            b"s3cret",
        )
        return AuthResult(success=good, handled=False)  # handled=False: aiosmtpd answers 535

    server = SMTPServer(
        tls_context=context,
        require_starttls=True,
        authenticator=authenticator,
        auth_required=True,
    )
    server.start()
    try:
        yield server, cert_path
    finally:
        server.stop()


def test_starttls_with_a_trusted_certificate_and_a_login(
    app_factory: Callable[..., Flask],
    tls_server: tuple[SMTPServer, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server, cert = tls_server
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # trust the test's certificate only
    config = server.config(SMTP_STARTTLS="true", SMTP_USERNAME="mailer", SMTP_PASSWORD="s3cret")
    app = app_factory(**config)
    with app.app_context():
        _queue_test_mail()
        (attempt,) = deliver()
    assert attempt.sent and server.wait_for(1)[0].rcpt_tos == ["ann@example.com"]


@pytest.mark.parametrize(
    ("trusted", "login", "error"),
    [
        (False, "s3cret", "SSLCertVerificationError"),  # nobody vouches for the certificate
        (True, "wrong", "SMTPAuthenticationError: 535"),
    ],
)
def test_starttls_refuses_an_unknown_certificate_and_a_wrong_login_is_retried(
    app_factory: Callable[..., Flask],
    tls_server: tuple[SMTPServer, Path],
    monkeypatch: pytest.MonkeyPatch,
    trusted: bool,
    login: str,
    error: str,
) -> None:
    server, cert = tls_server
    if trusted:
        monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    config = server.config(SMTP_STARTTLS=True, SMTP_USERNAME="mailer", SMTP_PASSWORD=login)
    app = app_factory(**config)
    with app.app_context():
        mail_id = _queue_test_mail()
        (attempt,) = deliver()
        assert not attempt.sent and error in attempt.error
        assert _mail(mail_id).status == "queued"  # the server's settings, not the mail: retried
    assert server.mails == []


def test_without_starttls_a_server_that_wants_it_refuses_and_the_mail_waits(
    app_factory: Callable[..., Flask], tls_server: tuple[SMTPServer, Path]
) -> None:
    server, _ = tls_server
    app = app_factory(**server.config())
    with app.app_context():
        mail_id = _queue_test_mail()
        (attempt,) = deliver()
        assert "530" in attempt.error and _mail(mail_id).status == "queued"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("SMTP_PORT", "abc", "CAREER_PATH_SMTP_PORT must be a number from 1 to 65535."),
        ("SMTP_STARTTLS", "maybe", "CAREER_PATH_SMTP_STARTTLS must be true or false"),
        ("BASE_URL", "career.example.com", "CAREER_PATH_BASE_URL must start with http://"),
    ],
)
def test_a_bad_mail_setting_is_named_when_the_app_starts(
    name: str, value: str, message: str
) -> None:
    from recommender import create_app

    with pytest.raises(MailSettingsError, match=message):
        create_app({"TESTING": True, name: value})


def test_settings_from_the_environment_keep_their_type(monkeypatch: pytest.MonkeyPatch) -> None:
    from recommender import create_app
    from recommender.mail import mail_settings

    monkeypatch.setenv("CAREER_PATH_SMTP_HOST", "smtp.example.com")
    monkeypatch.setenv("CAREER_PATH_SMTP_PASSWORD", "12345")  # JSON would make it a number
    monkeypatch.setenv("CAREER_PATH_SMTP_STARTTLS", "true")
    monkeypatch.setenv("CAREER_PATH_BASE_URL", "https://career.example.com/")
    with create_app({"TESTING": True}).app_context():
        found = mail_settings()
    assert (found.password, found.starttls, found.port) == ("12345", True, 25)
    assert found.base_url == "https://career.example.com"
    assert found.describe() == (
        "Mail is on: smtp.example.com:25 (STARTTLS), from career-path@localhost."
    )


def test_flask_mailman_errors_are_os_errors() -> None:
    # outbox.deliver catches OSError: smtplib's and ssl's errors must stay OSErrors.
    assert issubclass(smtplib.SMTPException, OSError) and issubclass(ssl.SSLError, OSError)
