"""`career-path mail send|status|test`: the outbox from the command line (send is for cron)."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..store import accounts as account_rows
from ..store import outbox as rows
from . import outbox
from .compose import compose
from .settings import mail_settings


@click.group(help="Outgoing mail: send what is due (from cron), see what failed.")
def mail() -> None:
    pass


@mail.command("send")
@with_appcontext
def send() -> None:
    """Send every mail that is due (new ones, and retries whose time has come).

    Safe to run at any time and from several servers at once: a mail is sent once. Exits 1 if
    a mail could not be sent (it is retried later, or failed for good on a 5xx answer).
    """
    if not mail_settings().on:
        waiting = rows.status_counts().get("queued", 0)
        click.echo(f"{mail_settings().describe()} {waiting} mail(s) wait in the outbox.")
        sys.exit(1)
    attempts = outbox.deliver()
    for attempt in attempts:
        click.echo(attempt.describe())
    sent = sum(attempt.sent for attempt in attempts)
    click.echo(f"Sent {sent} of {len(attempts)} mail(s) tried." if attempts else "Nothing to send.")
    if sent < len(attempts):
        sys.exit(1)


@mail.command("status")
@with_appcontext
def status() -> None:
    """Say whether mail is on, how many mails are in each state, and which ones failed."""
    click.echo(mail_settings().describe())
    if mail_settings().base_url is None:
        click.echo("CAREER_PATH_BASE_URL is not set: links in mails cannot be made here.")
    counts = rows.status_counts()
    click.echo(
        ", ".join(
            f"{name}: {counts.get(name, 0)}" for name in ("queued", "sending", "sent", "failed")
        )
    )
    oldest = rows.oldest_waiting()
    if oldest is not None:
        click.echo(f"The oldest mail waiting was queued at {oldest:%Y-%m-%d %H:%M} UTC.")
    for failing in rows.troubled_mails():
        then = (
            "failed for good"
            if failing.status == "failed"
            else f"next try {failing.next_attempt_at:%Y-%m-%d %H:%M} UTC"
        )
        click.echo(
            f"mail {failing.id} ({failing.kind}) to {failing.recipient}: {failing.attempts} "
            f"attempt(s), {then}: {failing.last_error}"
        )


@mail.command("test")
@click.argument("email")
@with_appcontext
def test(email: str) -> None:
    """Send a test mail to EMAIL now, and say what happened."""
    if not mail_settings().on:
        raise click.ClickException(mail_settings().describe())
    queued = outbox.queue("test", account_rows.normalise_email(email), compose("test"))
    account_rows.save()
    attempts = outbox.deliver([queued.id])
    for attempt in attempts:
        click.echo(attempt.describe())
    if not attempts or not attempts[0].sent:
        sys.exit(1)
