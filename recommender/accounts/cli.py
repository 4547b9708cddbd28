"""Accounts' commands: `career-path users add|invite|list|deactivate|reactivate` and
`career-path tokens create|list|revoke`."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any

import click
from flask.cli import with_appcontext

from ..mail import NoBaseUrl, deliver, mail_settings
from ..store.accounts import normalise_email, tokens_of, user_by_email
from ..store.errors import Invalid
from ..store.models import ROLES, User
from . import audit, invitations
from . import people as people_
from .tokens import create_token as new_token
from .tokens import revoke_tokens, tokens_matching
from .users import create_user


def _of_user(command: Callable[..., None]) -> Callable[..., None]:
    """Give the command an EMAIL argument, handed to it as that User (an unknown one is an error
    naming it), inside the app context."""

    @functools.wraps(command)
    def with_user(email: str, **kwargs: Any) -> None:
        user = user_by_email(email)
        if user is None:
            raise click.ClickException(f"no user {normalise_email(email)}")
        command(user, **kwargs)

    return click.argument("email")(with_appcontext(with_user))


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
    """Add a user; asks for the password (12 characters at least) unless --password-stdin."""
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
@_of_user
def deactivate_user(user: User) -> None:
    """Deactivate EMAIL: no more sign-ins, sessions end, API tokens revoked; teams stay."""
    if not user.active:
        click.echo(f"{user.email} is deactivated already.")
        return
    try:
        people_.deactivate(None, user)
    except Invalid as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"Deactivated {user.email}: their sessions and API tokens stopped; teams stay.")


@users.command("reactivate")
@_of_user
def reactivate_user(user: User) -> None:
    """Let EMAIL sign in again (with their password)."""
    people_.reactivate(None, user)
    click.echo(f"Reactivated {user.email}.")


@click.group(help="API tokens for scripts.")
def tokens() -> None:
    pass


@tokens.command("create")
@_of_user
def create_token(user: User) -> None:
    """Make a new API token for a user; it is printed once, as the last line."""
    if not user.active:
        raise click.ClickException(f"{user.email} is deactivated: reactivate them first")
    token = new_token(user)
    click.echo(f"A new API token for {user.email}; it is shown only now:")
    click.echo(token)


@tokens.command("list")
@_of_user
def list_tokens(user: User) -> None:
    """List a user's API tokens: the prefix each is known by, and when it was made."""
    found = tokens_of(user)
    if not found:
        click.echo(f"{user.email} has no API tokens.")
    for token in found:
        prefix = f"{token.prefix}..." if token.prefix else "(made before prefixes were kept)"
        click.echo(f"{prefix:<34} made {token.created_at.isoformat(timespec='seconds')}Z")


@tokens.command("revoke")
@_of_user
@click.argument("token", required=False)
@click.option("--all", "revoke_all", is_flag=True, help="revoke every token of the user")
def revoke_token(user: User, token: str | None, revoke_all: bool) -> None:
    """Revoke a user's API token, named by its prefix (as `tokens list` shows it) or whole;
    or, with --all, every one of them. A revoked token answers 401 at once."""
    if revoke_all == bool(token):
        raise click.UsageError("name one token (its prefix, as `tokens list` shows) or give --all")
    found = tokens_of(user) if revoke_all else tokens_matching(user, (token or "").strip())
    if not revoke_all and len(found) != 1:
        problem = "no token" if not found else f"{len(found)} tokens"
        raise click.ClickException(
            f"{problem} of {user.email} named {token!r}: give the prefix `tokens list` shows, "
            "or the whole token"
        )
    revoke_tokens(found)
    audit.record(None, "token_revoked", user, f"{len(found)} from the command line")
    click.echo(f"Revoked {len(found)} API token{'' if len(found) == 1 else 's'} of {user.email}.")
