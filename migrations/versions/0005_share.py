"""Teams shared: a team's colleagues, each an editor or a viewer (team_shares).

Revision ID: 0005_share
Revises: 0004_kept_plans
Create Date: 2026-12-12
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_share"
down_revision = "0004_kept_plans"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "team_shares",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"], ["teams.id"], name=op.f("fk_team_shares_team_id_teams"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_team_shares_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("team_id", "user_id", name=op.f("pk_team_shares")),
    )
    op.create_index(op.f("ix_team_shares_user_id"), "team_shares", ["user_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_team_shares_user_id"), table_name="team_shares")
    op.drop_table("team_shares")
