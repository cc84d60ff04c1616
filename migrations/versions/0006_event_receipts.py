"""event receipts: a Slack event that is sent again acts once

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "event_receipts",
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("event_id", sa.String(length=64), nullable=False),
        sa.Column("event_type", sa.String(length=64), nullable=False),
        sa.Column("received_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "event_id", name=op.f("pk_event_receipts")),
    )
    with op.batch_alter_table("event_receipts", schema=None) as batch_op:
        batch_op.create_index("ix_event_receipts_received_at", ["received_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("event_receipts", schema=None) as batch_op:
        batch_op.drop_index("ix_event_receipts_received_at")
    op.drop_table("event_receipts")
