"""Users' active flag and session generation: a stand-in for engineer "harden"'s migration,
which adds the same two columns (issue 16, sessions that end). At the merge, keep theirs,
delete this file, and point 0003_organization's down_revision at their revision.

Revision ID: 0002_active_sessions
Revises: 0001_saved_teams
Create Date: 2026-12-10
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_active_sessions"
down_revision = "0001_saved_teams"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )
        batch.add_column(
            sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_column("active")
        batch.drop_column("session_generation")
