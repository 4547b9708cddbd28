"""Sessions that end; API tokens told apart by a prefix; users that can be deactivated.

Every session carries its user's generation (users.session_generation); raising it ends them
all (logout, a new password, deactivation). A deactivated user (users.active false) can use
neither a session nor an API token. A token's first characters are kept (api_tokens.prefix),
so that `tokens list` can show it and `tokens revoke` name it; tokens made before have none.

Revision ID: 0002_sessions_and_token_prefixes
Revises: 0001_saved_teams
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0002_sessions_and_token_prefixes"
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
    with op.batch_alter_table("api_tokens") as tokens:
        tokens.add_column(sa.Column("prefix", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as tokens:
        tokens.drop_column("prefix")
    with op.batch_alter_table("users") as users:
        users.drop_column("active")
        users.drop_column("session_generation")
