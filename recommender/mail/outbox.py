"""The outbox: a mail is stored with the change that causes it, then sent, retried, reported.

- queue() adds the mail to the database session: it is committed, or rolled back, with the
  change that causes it (an invitation and its mail, never one without the other).
- After the response, a thread sends the mails a request queued (init_sending), so a slow or
  broken mail server never slows or fails the request. `career-path mail send` (cron) sends
  whatever is due, on every app server the same rows: a sender claims a mail before sending it
  (one attempt more, a lease of LEASE), so two senders never send it both.
- A failure is kept on the mail (its error, attempts, next try after a doubling backoff) and
  logged. A 5xx answer to the recipient or the message is permanent: the mail is failed at
  once. Errors of the connection (refused, timed out, TLS, the login) are the server's, not the
  mail's: retried, and the run stops there, leaving the other mails for the next.
- Without CAREER_PATH_SMTP_HOST nothing is sent: mails wait, queued, until mail is on.
- A sender that dies after the server took the mail but before it noted so leaves the mail
  "sending"; when its lease ends the mail is sent again: at least once, never lost.
"""

from __future__ import annotations

import logging
import smtplib
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import Flask, current_app, g, has_request_context
from flask_mailman import EmailMultiAlternatives

from ..extensions import db, mailman
from ..store import outbox as rows
from ..store.db import utcnow
from ..store.models import OutboxMail
from .backend import VerifyingEmailBackend
from .compose import Composed
from .settings import mail_settings

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=10)  # longer than any send: the SMTP timeout is at most 300 s
RETRY_FIRST = timedelta(minutes=1)
RETRY_LONGEST = timedelta(hours=2)
AUTH_CODES = {530, 534, 535, 538}  # 5xx of the login: the server's settings, not the mail's
_THREADS = "career_path_mail_threads"


@dataclass(frozen=True)
class Attempt:
    """One try at sending one mail: sent, or its error and whether it will be retried."""

    mail_id: int
    kind: str
    recipient: str
    sent: bool
    error: str | None = None
    retry_at: datetime | None = None
    server_fault: bool = False  # the server or the connection failed, not this mail

    def describe(self) -> str:
        """The attempt in one line, for the command line."""
        head = f"mail {self.mail_id} ({self.kind}) to {self.recipient}"
        if self.sent:
            return f"sent {head}"
        then = f"retry after {self.retry_at:%Y-%m-%d %H:%M} UTC" if self.retry_at else "failed"
        return f"not sent {head}: {self.error} ({then})"


def queue(
    kind: str,
    recipient: str,
    composed: Composed,
    expires_at: datetime | None = None,
    unsubscribe_url: str | None = None,
) -> OutboxMail:
    """Put a mail in the outbox, in the caller's transaction; sent after the response.
    `unsubscribe_url`: its List-Unsubscribe (one click, RFC 8058) address."""
    stored = rows.add_mail(
        kind, recipient, composed.subject, composed.text, composed.html, utcnow(), expires_at
    )
    stored.unsubscribe_url = unsubscribe_url
    if has_request_context():
        g.setdefault("_queued_mails", []).append(stored.id)
    return stored


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failed attempt: 1, 2, 4... minutes, at most 2 h."""
    return min(RETRY_FIRST * 2 ** max(attempts - 1, 0), RETRY_LONGEST)


def deliver(
    ids: Sequence[int] | None = None, now: datetime | None = None, real_leases: bool = False
) -> list[Attempt]:
    """Send the due mails (of `ids`, if given) as at `now`; what happened to each one tried.

    `real_leases`: a sender's lease is held and ended by the real clock, whatever `now` says,
    so that a run for a later day (`reminders send --today`) never takes over another run's
    mail while that run still holds it."""
    if not mail_settings().on:
        return []
    now = now or utcnow()
    leased_at = utcnow() if real_leases else now
    attempts: list[Attempt] = []
    connection: VerifyingEmailBackend = mailman.get_connection(fail_silently=False)
    try:
        for mail_id in rows.due_ids(now, ids, leased_at=leased_at):
            claimed = rows.claim(mail_id, now, leased_at + LEASE, leased_at)
            if claimed is None:
                continue  # another sender has it, or it went meanwhile
            attempt = _send(connection, claimed, now)
            attempts.append(attempt)
            if attempt.server_fault:
                break  # the server, not the mail: the others wait for the next run
    finally:
        connection.close()
    return attempts


def _send(connection: VerifyingEmailBackend, claimed: OutboxMail, now: datetime) -> Attempt:
    if claimed.expires_at is not None and claimed.expires_at <= now:
        error = "its link expired before it could be sent; send a new one"
        return _failed(claimed, now, error, permanent=True)
    try:
        connection.open()
        connection.send_messages([_message(claimed, connection)])
    except OSError as exc:  # smtplib's errors are OSErrors, as are ssl's
        connection.close()  # a failed send leaves its socket open
        error, permanent, server = _error_text(exc), _permanent(exc), _server(exc)
        return _failed(claimed, now, error, permanent=permanent, server=server)
    except ValueError as exc:  # an address or a header the mail library refuses
        connection.close()
        return _failed(claimed, now, f"{type(exc).__name__}: {exc}", permanent=True)
    rows.mark_sent(claimed, utcnow())
    log.info("mail %s (%s) sent", claimed.id, claimed.kind)
    return Attempt(claimed.id, claimed.kind, claimed.recipient, sent=True)


def _failed(
    claimed: OutboxMail, now: datetime, error: str, *, permanent: bool, server: bool = False
) -> Attempt:
    final = permanent or claimed.attempts >= mail_settings().max_attempts
    retry_at = None if final else now + backoff(claimed.attempts)
    rows.mark_failed(claimed, error, retry_at)
    log.warning(
        "mail %s (%s) not sent, attempt %s: %s%s",
        claimed.id,
        claimed.kind,
        claimed.attempts,
        error,
        "" if retry_at else " (failed for good)",
    )
    return Attempt(claimed.id, claimed.kind, claimed.recipient, False, error, retry_at, server)


def _message(claimed: OutboxMail, connection: VerifyingEmailBackend) -> EmailMultiAlternatives:
    headers = {"Auto-Submitted": "auto-generated", "X-Career-Path-Mail": claimed.kind}
    if claimed.unsubscribe_url:
        headers["List-Unsubscribe"] = f"<{claimed.unsubscribe_url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message = EmailMultiAlternatives(
        subject=claimed.subject,
        body=claimed.text_body,
        from_email=mail_settings().sender,
        to=[claimed.recipient],
        headers=headers,
        connection=connection,
    )
    message.attach_alternative(claimed.html_body, "text/html")
    return message


def _permanent(exc: BaseException) -> bool:
    """A 5xx refusal of this mail's recipient or message (not of the login)."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        return bool(codes) and all(500 <= code < 600 for code in codes)
    if isinstance(exc, smtplib.SMTPDataError):
        return 500 <= exc.smtp_code < 600 and exc.smtp_code not in AUTH_CODES
    return False


def _server(exc: BaseException) -> bool:
    """An error of the server or the connection, which every other mail would meet too."""
    return not isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError)


def _error_text(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        answers = [f"{code} {_decode(text)}" for code, text in exc.recipients.values()]
        return "recipient refused: " + "; ".join(answers)
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"{type(exc).__name__}: {exc.smtp_code} {_decode(exc.smtp_error)}"
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


def _decode(text: bytes | str) -> str:
    return text.decode("utf-8", "replace") if isinstance(text, bytes) else text


# --- after the response ----------------------------------------------------------------------


def init_sending(app: Flask) -> None:
    """Send what a request queued in a thread of its own, once the request is over."""
    app.extensions[_THREADS] = []
    app.teardown_request(_send_after_request)


def _send_after_request(_error: BaseException | None) -> None:
    ids = g.pop("_queued_mails", None)
    if not ids or not mail_settings().on:
        return
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    thread = threading.Thread(
        target=_send_in_background, args=(app, ids), name="career-path-mail", daemon=True
    )
    threads: list[threading.Thread] = app.extensions[_THREADS]
    threads[:] = [t for t in threads if t.is_alive()]
    threads.append(thread)
    thread.start()


def _send_in_background(app: Flask, ids: list[int]) -> None:
    try:
        with app.app_context():
            try:
                deliver(ids)
            finally:
                db.session.remove()
    except Exception:  # a thread's error would be lost: the mails wait for `mail send`
        log.exception("mail: sending %s after the response failed; `mail send` retries", ids)


def wait_for_sends(app: Flask, timeout: float = 30.0) -> None:
    """Wait until the mails requests queued on `app` have been tried (tests, shutdown)."""
    for thread in list(app.extensions.get(_THREADS, [])):
        thread.join(timeout)
