"""Accounts' commands: `career-path users add EMAIL --role ROLE` and `career-path tokens create`."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from ..store.accounts import normalise_email, user_by_email
from ..store.errors import Invalid
from ..store.models import ROLES
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
    click.echo(f"Added {user.email} ({user.role}).")


@click.group(help="API tokens for scripts.")
def tokens() -> None:
    pass


@tokens.command("create")
@click.argument("email")
@with_appcontext
def create_token(email: str) -> None:
    """Make a new API token for a user; it is printed once, as the last line."""
    user = user_by_email(email)
    if user is None:
        raise click.ClickException(f"no user {normalise_email(email)}")
    token = new_token(user)
    click.echo(f"A new API token for {user.email}; it is shown only now:")
    click.echo(token)
