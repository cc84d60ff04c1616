"""audit and retention: the audit log of admin actions, and each workspace's check-in text retention

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 19:20:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base  # noqa: F401  (custom column types)

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('audit_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=120), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('at', bot.db.base.UTCDateTime(timezone=True), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_events'))
    )
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.create_index('ix_audit_events_team_id_at', ['team_id', 'at'], unique=False)

    op.create_table('retention_settings',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('checkin_text_days', sa.Integer(), nullable=True),
    sa.CheckConstraint('checkin_text_days > 0', name=op.f('ck_retention_settings_days_positive')),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_retention_settings_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_retention_settings'))
    )


def downgrade() -> None:
    op.drop_table('retention_settings')
    with op.batch_alter_table('audit_events', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_events_team_id_at')

    op.drop_table('audit_events')
