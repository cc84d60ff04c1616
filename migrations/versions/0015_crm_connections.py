"""crm: a workspace's connection to Zoho CRM or Fxiaoke, with encrypted credentials and the sync's state

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base  # noqa: F401  (custom column types)

revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('crm_connections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('provider', sa.Enum('zoho', 'fxiaoke', name='crm_provider', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('data_centre', sa.String(length=16), nullable=False),
    sa.Column('api_domain', sa.String(length=255), nullable=False),
    sa.Column('credentials', sa.Text(), nullable=False),
    sa.Column('cursor', sa.String(length=64), nullable=False),
    sa.Column('last_sync_at', bot.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('rows_read', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('next_try_at', bot.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('failures >= 0', name=op.f('ck_crm_connections_failures_not_negative')),
    sa.CheckConstraint('rows_read >= 0', name=op.f('ck_crm_connections_rows_read_not_negative')),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_crm_connections_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_connections')),
    sa.UniqueConstraint('team_id', 'provider', name=op.f('uq_crm_connections_team_id_provider'))
    )


def downgrade() -> None:
    op.drop_table('crm_connections')
