"""`career-path reminders send [--today YYYY-MM-DD] [--dry-run]`: for cron or a systemd timer
(docs/reminders.md). Running it again for the same day sends nothing new."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask.cli import with_appcontext

from ..extensions import current_recommender
from ..mail.compose import NoBaseUrl
from ..mail.settings import mail_settings
from .send import send


@click.group(help="Reminders by e-mail: buy-by dates, testing windows, managers' digests.")
def reminders() -> None:
    pass


@reminders.command("send")
@click.option(
    "--today",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="act as on this day (YYYY-MM-DD; default: today)",
)
@click.option("--dry-run", is_flag=True, help="list what would go; store and send nothing")
@with_appcontext
def send_command(today: date | None, dry_run: bool) -> None:
    """Send the reminders due today (each once), and retry the ones that failed before.

    Prints one line per mail sent (or, with --dry-run, per mail that would go). Exits 1 if a
    mail could not be sent: it is retried by the next run.
    """
    day = today.date() if today is not None else date.today()  # type: ignore[attr-defined]
    try:
        run = send(current_recommender(), day, dry_run=dry_run)
    except NoBaseUrl as exc:
        raise click.ClickException(str(exc)) from exc
    if dry_run:
        for mail in run.due:
            click.echo(f"would send {mail.describe()}")
        click.echo(f"{len(run.due)} mail(s) would go on {day.isoformat()} (dry run: none stored).")
        return
    for attempt in run.attempts:
        click.echo(attempt.describe())
    sent = sum(a.sent for a in run.attempts)
    click.echo(f"{len(run.queued)} new reminder(s) on {day.isoformat()}; {sent} mail(s) sent.")
    if not mail_settings().on:
        click.echo(f"{mail_settings().describe()} The reminders wait in the outbox.")
    if sent < len(run.attempts):
        sys.exit(1)
