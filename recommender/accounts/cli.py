"""Accounts' commands: `career-path users add|invite|list|deactivate|reactivate` and
`career-path tokens create`."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..mail import NoBaseUrl, deliver, mail_settings
from ..store.accounts import normalise_email, user_by_email
from ..store.errors import Invalid
from ..store.models import ROLES, User
from . import audit, invitations
from . import people as people_
from .tokens import create_token as new_token
from .users import create_user


@click.group(help="Accounts: managers, advisers and admins.")
def users() -> None:
    pass


@users.command("add")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option(
    "--password-stdin", is_flag=True, help="read the password from the first line of stdin"
)
@with_appcontext
def add_user(email: str, role: str, password_stdin: bool) -> None:
    """Add a user; asks for the password unless --password-stdin."""
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if not password:
        raise click.ClickException("the password is empty")
    try:
        user = create_user(email, role, password)
    except Invalid as exc:
        raise click.ClickException(exc.message) from None
    audit.record(None, "user_added", user, f"as {user.role}, with a password")
    click.echo(f"Added {user.email} ({user.role}).")


@users.command("invite")
@click.argument("email")
@click.option("--role", type=click.Choice(ROLES), required=True)
@with_appcontext
def invite_user(email: str, role: str) -> None:
    """Invite EMAIL: mail a one-time link (7 days) to set a password; print it as the last line."""
    try:
        made = invitations.invite(None, email, role)
    except (Invalid, NoBaseUrl) as exc:
        raise click.ClickException(getattr(exc, "message", str(exc))) from None
    if mail_settings().on:
        attempts = deliver([made.mail_id])
        if attempts and attempts[0].sent:
            click.echo(f"Mailed the invitation to {made.user.email}.")
        else:
            error = attempts[0].error if attempts else "not tried"
            click.echo(f"The mail was not sent ({error}); `career-path mail send` retries it.")
    else:
        click.echo(f"{mail_settings().describe()} The invitation mail waits in the outbox.")
    click.echo(
        f"Invited {made.user.email} as {made.user.role}; give them this link if need be "
        f"(it works once, until {made.expires_at:%Y-%m-%d %H:%M} UTC):"
    )
    click.echo(made.url)


@users.command("list")
@with_appcontext
def list_users() -> None:
    """List every user: email, role, status and last sign-in (UTC)."""
    rows = [("EMAIL", "ROLE", "STATUS", "LAST SIGN-IN (UTC)")]
    for person in people_.people():
        last = person.user.last_sign_in_at
        when = f"{last:%Y-%m-%d %H:%M}" if last else "never"
        rows.append((person.user.email, person.user.role, person.status, when))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


@users.command("deactivate")
@click.argument("email")
@with_appcontext
def deactivate_user(email: str) -> None:
    """Deactivate EMAIL: no more sign-ins, sessions end, API tokens revoked; teams stay."""
    user = _user(email)
    if not user.active:
        click.echo(f"{user.email} is deactivated already.")
        return
    try:
        people_.deactivate(None, user)
    except Invalid as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Deactivated {user.email}: their sessions and API tokens stopped; teams stay.")


@users.command("reactivate")
@click.argument("email")
@with_appcontext
def reactivate_user(email: str) -> None:
    """Let EMAIL sign in again (with their password)."""
    user = _user(email)
    people_.reactivate(None, user)
    click.echo(f"Reactivated {user.email}.")


@click.group(help="API tokens for scripts.")
def tokens() -> None:
    pass


def _user(email: str) -> User:
    user = user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user {normalise_email(email)}")
    return user


@tokens.command("create")
@click.argument("email")
@with_appcontext
def create_token(email: str) -> None:
    """Make a new API token for a user; it is printed once, as the last line."""
    user = _user(email)
    if not user.active:
        raise click.ClickException(f"{user.email} is deactivated: reactivate them first")
    token = new_token(user)
    click.echo(f"A new API token for {user.email}; it is shown only now:")
    click.echo(token)
