"""incentives: plans with tiers and funders, payouts per rep, the ledger's history (who, what, when), contests

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 18:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base  # noqa: F401  (custom column types)

revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('incentive_plans',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('period_kind', sa.Enum('quarter', 'month', name='incentive_period_kind', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('period', sa.String(length=8), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('audience', sa.Enum('team', 'vendor', 'all', name='incentive_audience', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.Column('metric', sa.Enum('revenue', 'deals_closed', 'new_accounts', 'customer_visits', 'calls', 'custom', name='incentive_metric', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('tiers', sa.Text(), nullable=False),
    sa.Column('mode', sa.Enum('marginal', 'flat', name='incentive_mode', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('base', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('cap', sa.Numeric(precision=18, scale=2), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('funder', sa.Enum('client', 'vendor', 'split', name='incentive_funder', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('vendor_percent', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('status', sa.Enum('draft', 'active', 'closed', 'approved', name='incentive_plan_status', native_enum=False, create_constraint=True), nullable=False),
    sa.Column('reopened_count', sa.Integer(), nullable=False),
    sa.Column('computed_at', bot.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('base >= 0', name=op.f('ck_incentive_plans_base_not_negative')),
    sa.CheckConstraint('vendor_percent BETWEEN 0 AND 100', name=op.f('ck_incentive_plans_vendor_percent_0_to_100')),
    sa.ForeignKeyConstraint(['created_by_id'], ['members.id'], name=op.f('fk_incentive_plans_created_by_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['manager_id'], ['members.id'], name=op.f('fk_incentive_plans_manager_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_incentive_plans_team_id_workspaces'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_incentive_plans_vendor_id_vendors'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incentive_plans')),
    sa.UniqueConstraint('team_id', 'name', 'period', name=op.f('uq_incentive_plans_team_id_name_period'))
    )
    with op.batch_alter_table('incentive_plans', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incentive_plans_team_id'), ['team_id'], unique=False)

    op.create_table('incentive_payouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('rep_id', sa.Integer(), nullable=False),
    sa.Column('manager_id', sa.Integer(), nullable=True),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.Column('attainment', sa.Numeric(precision=14, scale=6), nullable=True),
    sa.Column('amount', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('client_share', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('vendor_share', sa.Numeric(precision=18, scale=2), nullable=False),
    sa.Column('funder', sa.Enum('client', 'vendor', 'split', name='incentive_funder', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('status', sa.Enum('computed', 'manager_approved', 'approved', 'invoiced', 'paid', name='incentive_payout_status', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('computed_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['manager_id'], ['members.id'], name=op.f('fk_incentive_payouts_manager_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['plan_id'], ['incentive_plans.id'], name=op.f('fk_incentive_payouts_plan_id_incentive_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['rep_id'], ['members.id'], name=op.f('fk_incentive_payouts_rep_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_incentive_payouts_team_id_workspaces'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_incentive_payouts_vendor_id_vendors'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incentive_payouts')),
    sa.UniqueConstraint('plan_id', 'rep_id', name=op.f('uq_incentive_payouts_plan_id_rep_id'))
    )
    with op.batch_alter_table('incentive_payouts', schema=None) as batch_op:
        batch_op.create_index('ix_incentive_payouts_team_id_vendor_id', ['team_id', 'vendor_id'], unique=False)

    op.create_table('incentive_ledger_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('payout_id', sa.Integer(), nullable=True),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('what', sa.String(length=24), nullable=False),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.Column('at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['by_id'], ['members.id'], name=op.f('fk_incentive_ledger_entries_by_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['payout_id'], ['incentive_payouts.id'], name=op.f('fk_incentive_ledger_entries_payout_id_incentive_payouts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['incentive_plans.id'], name=op.f('fk_incentive_ledger_entries_plan_id_incentive_plans'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_incentive_ledger_entries_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incentive_ledger_entries'))
    )
    with op.batch_alter_table('incentive_ledger_entries', schema=None) as batch_op:
        batch_op.create_index('ix_incentive_ledger_entries_plan_id', ['plan_id'], unique=False)

    op.create_table('incentive_contests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('metric', sa.Enum('revenue', 'deals_closed', 'new_accounts', 'customer_visits', 'calls', 'custom', name='incentive_contest_metric', native_enum=False, create_constraint=True, length=24), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=False),
    sa.Column('top_n', sa.Integer(), nullable=False),
    sa.Column('prizes', sa.Text(), nullable=False),
    sa.Column('ended_at', bot.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('top_n BETWEEN 1 AND 10', name=op.f('ck_incentive_contests_top_n_1_to_10')),
    sa.ForeignKeyConstraint(['created_by_id'], ['members.id'], name=op.f('fk_incentive_contests_created_by_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_incentive_contests_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incentive_contests')),
    sa.UniqueConstraint('team_id', 'name', name=op.f('uq_incentive_contests_team_id_name'))
    )



def downgrade() -> None:
    op.drop_table('incentive_contests')
    with op.batch_alter_table('incentive_ledger_entries', schema=None) as batch_op:
        batch_op.drop_index('ix_incentive_ledger_entries_plan_id')

    op.drop_table('incentive_ledger_entries')
    with op.batch_alter_table('incentive_payouts', schema=None) as batch_op:
        batch_op.drop_index('ix_incentive_payouts_team_id_vendor_id')

    op.drop_table('incentive_payouts')
    with op.batch_alter_table('incentive_plans', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_incentive_plans_team_id'))

    op.drop_table('incentive_plans')
