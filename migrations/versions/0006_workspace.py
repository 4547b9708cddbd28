"""Saved teams as a workspace: members keep the roster's extra columns, teams their settings.

`members.extra` holds the roster's columns not used for planning (team, manager, ...), shown
on the team page and exported; `teams.settings` how the team is planned ("Align cohorts",
the fiscal year's first month). Both are JSON and start empty (NULL: none, the defaults).

Revision ID: 0006_workspace
Revises: 0005_share
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_workspace"
down_revision = "0005_share"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("extra", sa.JSON(), nullable=True))
    with op.batch_alter_table("teams") as batch:
        batch.add_column(sa.Column("settings", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("teams") as batch:
        batch.drop_column("settings")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("extra")
