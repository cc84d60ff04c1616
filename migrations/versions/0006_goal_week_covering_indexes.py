"""covering indexes for the digest: each goal's weekly targets and check-in results read from an index alone

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 15:30:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # The amount is a key column rather than an INCLUDE column: PostgreSQL reads it from the index as
    # well (an index-only scan per goal), SQLite too (a covering index), and the schema is the same on both.
    op.create_index(
        "ix_weekly_targets_goal_id_week_start_target", "weekly_targets", ["goal_id", "week_start", "target"]
    )
    op.create_index("ix_checkins_goal_id_week_start_result", "checkins", ["goal_id", "week_start", "result"])


def downgrade() -> None:
    op.drop_index("ix_checkins_goal_id_week_start_result", table_name="checkins")
    op.drop_index("ix_weekly_targets_goal_id_week_start_target", table_name="weekly_targets")
