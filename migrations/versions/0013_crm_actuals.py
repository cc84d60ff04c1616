"""crm: actuals from a CRM or a spreadsheet, pipeline snapshots, check-in sources, CRM settings

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 18:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base  # noqa: F401  (custom column types)

revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

METRICS = ('revenue', 'deals_closed', 'new_accounts', 'customer_visits', 'calls', 'custom')


def upgrade() -> None:
    op.create_table(
        'crm_actuals',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('rep_id', sa.Integer(), nullable=False),
        sa.Column('week_start', sa.Date(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column(
            'metric',
            sa.Enum(*METRICS, name='metric', native_enum=False, create_constraint=True, length=24),
            nullable=False,
        ),
        sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column('currency', sa.String(length=8), nullable=False),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('external_id', sa.String(length=128), nullable=False),
        sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column('updated_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['rep_id'], ['members.id'], name=op.f('fk_crm_actuals_rep_id_members'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['team_id'],
            ['workspaces.team_id'],
            name=op.f('fk_crm_actuals_team_id_workspaces'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_actuals')),
        sa.UniqueConstraint(
            'team_id',
            'source',
            'external_id',
            'metric',
            name=op.f('uq_crm_actuals_team_id_source_external_id_metric'),
        ),
    )
    op.create_index(
        'ix_crm_actuals_team_id_rep_id_week_start',
        'crm_actuals',
        ['team_id', 'rep_id', 'week_start', 'metric'],
        unique=False,
    )
    op.create_table(
        'crm_pipeline',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('rep_id', sa.Integer(), nullable=False),
        sa.Column('as_of', sa.Date(), nullable=False),
        sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column('currency', sa.String(length=8), nullable=False),
        sa.Column('deals', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('updated_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['rep_id'], ['members.id'], name=op.f('fk_crm_pipeline_rep_id_members'), ondelete='CASCADE'
        ),
        sa.ForeignKeyConstraint(
            ['team_id'],
            ['workspaces.team_id'],
            name=op.f('fk_crm_pipeline_team_id_workspaces'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_pipeline')),
        sa.UniqueConstraint(
            'team_id',
            'rep_id',
            'source',
            'as_of',
            'currency',
            name=op.f('uq_crm_pipeline_team_id_rep_id_source_as_of_currency'),
        ),
    )
    op.create_table(
        'checkin_sources',
        sa.Column('checkin_id', sa.Integer(), nullable=False),
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('crm_amount', sa.Numeric(precision=18, scale=2), nullable=False),
        sa.Column('crm_items', sa.Integer(), nullable=False),
        sa.Column('source', sa.String(length=40), nullable=False),
        sa.Column('reason', sa.Text(), nullable=False),
        sa.Column('recorded_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['checkin_id'],
            ['checkins.id'],
            name=op.f('fk_checkin_sources_checkin_id_checkins'),
            ondelete='CASCADE',
        ),
        sa.ForeignKeyConstraint(
            ['team_id'],
            ['workspaces.team_id'],
            name=op.f('fk_checkin_sources_team_id_workspaces'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('checkin_id', name=op.f('pk_checkin_sources')),
    )
    op.create_table(
        'crm_settings',
        sa.Column('team_id', sa.String(length=32), nullable=False),
        sa.Column('threshold', sa.Numeric(precision=6, scale=2), nullable=False),
        sa.Column('updated_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            'threshold >= 0 AND threshold <= 1000', name=op.f('ck_crm_settings_threshold_range')
        ),
        sa.ForeignKeyConstraint(
            ['team_id'],
            ['workspaces.team_id'],
            name=op.f('fk_crm_settings_team_id_workspaces'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('team_id', name=op.f('pk_crm_settings')),
    )


def downgrade() -> None:
    op.drop_table('crm_settings')
    op.drop_table('checkin_sources')
    op.drop_table('crm_pipeline')
    op.drop_index('ix_crm_actuals_team_id_rep_id_week_start', table_name='crm_actuals')
    op.drop_table('crm_actuals')
