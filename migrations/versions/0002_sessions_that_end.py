"""Sessions that end: a session generation and an active flag per user.

Every session carries its user's generation; raising it ends them all (logout, a new password,
deactivation). A deactivated user's sessions and API tokens stop working.

Revision ID: 0002_sessions_that_end
Revises: 0001_saved_teams
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_sessions_that_end"
down_revision = "0001_saved_teams"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.add_column(
            sa.Column("session_generation", sa.Integer(), server_default="0", nullable=False)
        )
        users.add_column(
            sa.Column("active", sa.Boolean(), server_default=sa.true(), nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table("users") as users:
        users.drop_column("active")
        users.drop_column("session_generation")
