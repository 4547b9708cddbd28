"""Every progress attempt kept; each member's plan kept (member_plans, member_exams).

Progress loses its one-row-per-course constraint: each row is one attempt, and every existing
row stays (SQLite copies the table in a batch; PostgreSQL drops the constraint in place). The
member_id index that the constraint gave is added on its own, and members get an index in
team order (a page of them without sorting them all).

member_plans and member_exams hold derived data, each member's plan as last worked out; they
start empty, and each member is planned when their team is next shown (or by `career-path
teams replan --all`).

Downgrading keeps the latest attempt per course (the highest id), as the old table held.

Revision ID: 0004_kept_plans
Revises: 0003_organization
Create Date: 2026-12-05
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_kept_plans"
down_revision = "0003_organization"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("progress") as batch:
        batch.drop_constraint("uq_progress_member_id_course", type_="unique")
        batch.create_index("ix_progress_member_id", ["member_id"])
    op.create_table(
        "member_plans",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("rules_version", sa.String(length=100), nullable=False),
        sa.Column("planned_on", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("route", sa.String(length=32), nullable=True),
        sa.Column("decided_route", sa.String(length=32), nullable=True),
        sa.Column("decided_rule", sa.String(length=100), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("has_warnings", sa.Boolean(), nullable=False),
        sa.Column("study_low", sa.Integer(), nullable=False),
        sa.Column("study_high", sa.Integer(), nullable=False),
        sa.Column("cost_verified", sa.Boolean(), nullable=False),
        sa.Column("entry", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_member_plans_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_member_plans_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_member_plans")),
    )
    op.create_index(
        "ix_member_plans_totals",
        "member_plans",
        ["team_id", "state", "route", "study_low", "study_high", "cost_verified", "has_warnings"],
    )
    op.create_index("ix_member_plans_behind", "member_plans", ["team_id", "state", "due_on"])
    op.create_index(
        "ix_member_plans_fresh", "member_plans", ["team_id", "rules_version", "planned_on"]
    )
    op.create_table(
        "member_exams",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("window_start", sa.Date(), nullable=False),
        sa.Column("window_end", sa.Date(), nullable=False),
        sa.Column("ready", sa.Date(), nullable=False),
        sa.Column("access_ends", sa.Date(), nullable=False),
        sa.Column("study_starts", sa.Date(), nullable=False),
        sa.Column("cents", sa.Integer(), nullable=False),
        sa.Column("retake", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["members.id"],
            name=op.f("fk_member_exams_member_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_member_exams_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("member_id", "seq", name=op.f("pk_member_exams")),
    )
    op.create_index(
        "ix_member_exams_cohorts",
        "member_exams",
        ["team_id", "window_start", "code", "window_end", "study_starts", "cents"],
    )
    op.create_index("ix_members_team_id_position", "members", ["team_id", "position", "id"])


def downgrade() -> None:
    op.drop_index("ix_members_team_id_position", table_name="members")
    op.drop_index("ix_member_exams_cohorts", table_name="member_exams")
    op.drop_table("member_exams")
    for name in ("ix_member_plans_fresh", "ix_member_plans_behind", "ix_member_plans_totals"):
        op.drop_index(name, table_name="member_plans")
    op.drop_table("member_plans")
    # One row per course again: the latest attempt recorded stays.
    op.execute(
        "DELETE FROM progress WHERE id NOT IN "
        "(SELECT max(id) FROM progress GROUP BY member_id, course)"
    )
    with op.batch_alter_table("progress") as batch:
        batch.drop_index("ix_progress_member_id")
        batch.create_unique_constraint("uq_progress_member_id_course", ["member_id", "course"])
