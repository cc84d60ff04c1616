"""purge after uninstall: how long a workspace's data is kept once Pacer is uninstalled, and when it is due

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base  # noqa: F401  (custom column types)

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('retention_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('after_uninstall_days', sa.Integer(), server_default=sa.text('30'), nullable=True))
        batch_op.add_column(sa.Column('purge_due_at', bot.db.base.UTCDateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint(op.f('ck_retention_settings_after_uninstall_positive'), 'after_uninstall_days > 0')


def downgrade() -> None:
    with op.batch_alter_table('retention_settings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_retention_settings_after_uninstall_positive'), type_='check')
        batch_op.drop_column('purge_due_at')
        batch_op.drop_column('after_uninstall_days')
