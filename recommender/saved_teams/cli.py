"""`career-path teams replan [--team ID]... [--all]`: re-plan members whose kept plan is stale.

A kept plan is stale when it was made under other rules, or before a testing window opened
or closed (plans.py). Views re-plan stale members when they show a team; this command does it
ahead, from cron after midnight or after a rules deploy, so that no one waits for it. It is
idempotent: a member whose kept plan is current is left as it is, and running it again does
nothing. `--force` re-plans every member: for a database changed by hand, behind the app.
"""

from __future__ import annotations

from datetime import date

import click
from flask.cli import with_appcontext

from ..extensions import current_recommender
from ..store import kept_plans as kept
from ..store import teams as store
from ..store.plan_queries import member_count
from .plans import replan_members, stale_members


@click.command("replan")
@click.option("--team", "team_ids", type=int, multiple=True, metavar="ID", help="a team (repeat)")
@click.option("--all", "every", is_flag=True, help="every team")
@click.option(
    "--force",
    is_flag=True,
    help="every member, stale or not (after the database was changed by hand)",
)
@with_appcontext
def replan(team_ids: tuple[int, ...], every: bool, force: bool) -> None:
    """Re-plan the members whose kept plan is stale (other rules, or a window opened since)."""
    if not team_ids and not every:
        raise click.UsageError("name a team (--team ID) or --all")
    recommender = current_recommender()
    today = date.today()
    ids = kept.team_ids_with_members() if every else list(team_ids)
    total = 0
    for team_id in ids:
        team = store.team_by_id(team_id)
        if team is None:
            raise click.ClickException(f"no team {team_id}")
        stale = kept.member_ids(team_id) if force else stale_members(recommender, team, today)
        replan_members(recommender, team_id, stale, today)
        total += len(stale)
        click.echo(f"Team {team_id}: re-planned {len(stale):,} of {member_count(team_id):,}.")
    teams = f"{len(ids):,} team{'' if len(ids) == 1 else 's'}"
    click.echo(f"Re-planned {total:,} member{'' if total == 1 else 's'} ({teams}).")
