"""Outgoing mail: composed from templates, kept in an outbox, sent after the response.

settings.py (CAREER_PATH_SMTP_* into Flask-Mailman), backend.py (verified STARTTLS, no leaked
sockets), compose.py (templates/mail/NAME.txt and .html, the links' base), outbox.py (queue,
deliver, retries, the sender after the response), cli.py (`career-path mail send|status|test`).
Features queue a mail with `outbox.queue(kind, recipient, compose(NAME, ...), expires_at)` in
the transaction of the change that causes it.
"""

from __future__ import annotations

from .compose import Composed, NoBaseUrl, compose, links_base
from .outbox import Attempt, deliver, queue, wait_for_sends
from .settings import MailSettingsError, mail_settings

__all__ = [
    "Attempt",
    "Composed",
    "MailSettingsError",
    "NoBaseUrl",
    "compose",
    "deliver",
    "links_base",
    "queue",
    "mail_settings",
    "wait_for_sends",
]
