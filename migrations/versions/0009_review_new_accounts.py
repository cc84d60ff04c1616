"""reviews: new accounts per week from the check-ins, the setting that asks every rep for them

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 16:35:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base  # noqa: F401  (custom column types)

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SOURCES = ('upload', 'manager', 'crm')


def _source(*values: str) -> sa.Enum:
    return sa.Enum(*values, name='review_input_source', native_enum=False, create_constraint=True, length=16)


def upgrade() -> None:
    op.create_table('review_weekly_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('rep_id', sa.Integer(), nullable=False),
    sa.Column('week_start', sa.Date(), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('recorded_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('count >= 0', name=op.f('ck_review_weekly_accounts_count_not_negative')),
    sa.ForeignKeyConstraint(['rep_id'], ['members.id'], name=op.f('fk_review_weekly_accounts_rep_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_review_weekly_accounts_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_review_weekly_accounts')),
    sa.UniqueConstraint('rep_id', 'week_start', name=op.f('uq_review_weekly_accounts_rep_id_week_start'))
    )
    with op.batch_alter_table('review_settings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ask_new_accounts', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('review_inputs', schema=None) as batch_op:
        batch_op.alter_column('source', existing_type=_source(*SOURCES), type_=_source(*SOURCES, 'checkin'), existing_nullable=False)


def downgrade() -> None:
    op.execute("DELETE FROM review_inputs WHERE source = 'checkin'")
    with op.batch_alter_table('review_inputs', schema=None) as batch_op:
        batch_op.alter_column('source', existing_type=_source(*SOURCES, 'checkin'), type_=_source(*SOURCES), existing_nullable=False)
    with op.batch_alter_table('review_settings', schema=None) as batch_op:
        batch_op.drop_column('ask_new_accounts')
    op.drop_table('review_weekly_accounts')
