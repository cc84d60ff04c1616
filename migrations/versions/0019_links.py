"""links between the habits: a course named by a manager's feedback, a course seat as an incentive plan's
or a contest's reward, and where scorecards and incentives take their sales figures (reported or CRM)

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 19:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0019"
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("manager_feedback", sa.Column("course_id", sa.Integer(), nullable=True))
    op.add_column("incentive_plans", sa.Column("seat_course_id", sa.Integer(), nullable=True))
    op.add_column("incentive_contests", sa.Column("seat_course_id", sa.Integer(), nullable=True))
    op.add_column(
        "crm_settings",
        sa.Column("figures", sa.String(length=8), server_default="reported", nullable=False),
    )


def downgrade() -> None:
    with op.batch_alter_table("crm_settings") as batch:
        batch.drop_column("figures")
    with op.batch_alter_table("incentive_contests") as batch:
        batch.drop_column("seat_course_id")
    with op.batch_alter_table("incentive_plans") as batch:
        batch.drop_column("seat_course_id")
    with op.batch_alter_table("manager_feedback") as batch:
        batch.drop_column("course_id")
