"""Requests and reminders: members' e-mail, reminders sent once, unsubscribes, plans sent to a
manager and their steps, teams' exam budgets per fiscal year, the outbox's unsubscribe link.

Revision ID: 0007_requests
Revises: 0006_workspace
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_requests"
down_revision = "0006_workspace"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("members") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("unsubscribe_url", sa.String(length=1000), nullable=True))
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminders")),
        sa.UniqueConstraint("key", name=op.f("uq_reminders_key")),
    )
    op.create_table(
        "unsubscribes",
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("email", name=op.f("pk_unsubscribes")),
    )
    op.create_table(
        "plan_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("manager_email", sa.String(length=254), nullable=False),
        sa.Column("profile", sa.JSON(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=2000), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=300), nullable=True),
        sa.Column("team_id", sa.Integer(), nullable=True),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("over_budget_confirmed", sa.Boolean(), nullable=False),
        sa.Column("reminded_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_plan_requests")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_plan_requests_token_hash")),
    )
    op.create_index("ix_plan_requests_email", "plan_requests", ["email"])
    op.create_index("ix_plan_requests_manager_email", "plan_requests", ["manager_email"])
    op.create_table(
        "request_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("actor", sa.String(length=300), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("text", sa.String(length=2000), nullable=False),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["plan_requests.id"],
            name=op.f("fk_request_events_request_id_plan_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_request_events")),
    )
    op.create_index("ix_request_events_request_id", "request_events", ["request_id"])
    op.create_table(
        "team_budgets",
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.String(length=8), nullable=False),
        sa.Column("cents", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_team_budgets_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("team_id", "fiscal_year", name=op.f("pk_team_budgets")),
    )


def downgrade() -> None:
    op.drop_table("team_budgets")
    op.drop_index("ix_request_events_request_id", table_name="request_events")
    op.drop_table("request_events")
    op.drop_index("ix_plan_requests_manager_email", table_name="plan_requests")
    op.drop_index("ix_plan_requests_email", table_name="plan_requests")
    op.drop_table("plan_requests")
    op.drop_table("unsubscribes")
    op.drop_table("reminders")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("unsubscribe_url")
    with op.batch_alter_table("members") as batch:
        batch.drop_column("email")
