"""contest awards: what each winner won at a contest's end, a record of its own (not the outbox)

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-01 22:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base  # noqa: F401  (custom column types)

revision: str = "0022"
down_revision: str | None = "0021"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "incentive_contest_awards",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("threshold", sa.Numeric(precision=18, scale=2), nullable=True),
        sa.Column("unit", sa.String(length=8), nullable=False),
        sa.Column("prize", sa.Text(), nullable=False),
        sa.Column("awarded_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "(rank IS NULL) <> (threshold IS NULL)",
            name=op.f("ck_incentive_contest_awards_rank_or_threshold"),
        ),
        sa.ForeignKeyConstraint(
            ["contest_id"],
            ["incentive_contests.id"],
            name=op.f("fk_incentive_contest_awards_contest_id_incentive_contests"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"],
            ["members.id"],
            name=op.f("fk_incentive_contest_awards_rep_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_incentive_contest_awards_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incentive_contest_awards")),
        sa.UniqueConstraint(
            "contest_id", "rep_id", name=op.f("uq_incentive_contest_awards_contest_id_rep_id")
        ),
    )
    with op.batch_alter_table("incentive_contest_awards") as batch:
        batch.create_index("ix_incentive_contest_awards_team_id_rep_id", ["team_id", "rep_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incentive_contest_awards") as batch:
        batch.drop_index("ix_incentive_contest_awards_team_id_rep_id")
    op.drop_table("incentive_contest_awards")
