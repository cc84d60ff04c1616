"""recognition: workspace settings, kudos (accepted, held for review, rejected), allowance boosts, badges

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 18:28:25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base  # noqa: F401  (custom column types)

revision: str = '0011'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('recognition_settings',
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('allowance', sa.Integer(), nullable=False),
    sa.Column('kudos_values', sa.String(length=600), nullable=False),
    sa.Column('value_required', sa.Boolean(), nullable=False),
    sa.Column('channel_id', sa.String(length=32), nullable=True),
    sa.Column('updated_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('allowance > 0', name=op.f('ck_recognition_settings_allowance_positive')),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_recognition_settings_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('team_id', name=op.f('pk_recognition_settings'))
    )
    op.create_table('allowance_boosts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('given_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('points > 0', name=op.f('ck_allowance_boosts_points_positive')),
    sa.ForeignKeyConstraint(['given_by_id'], ['members.id'], name=op.f('fk_allowance_boosts_given_by_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_allowance_boosts_member_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_allowance_boosts_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_allowance_boosts'))
    )
    with op.batch_alter_table('allowance_boosts', schema=None) as batch_op:
        batch_op.create_index('ix_allowance_boosts_team_id_month', ['team_id', 'month'], unique=False)

    op.create_table('badges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('scope', sa.String(length=40), nullable=False),
    sa.Column('rep_id', sa.Integer(), nullable=False),
    sa.Column('vendor_id', sa.Integer(), nullable=True),
    sa.Column('chosen_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chosen_by_id'], ['members.id'], name=op.f('fk_badges_chosen_by_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['rep_id'], ['members.id'], name=op.f('fk_badges_rep_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_badges_team_id_workspaces'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['vendor_id'], ['vendors.id'], name=op.f('fk_badges_vendor_id_vendors'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_badges')),
    sa.UniqueConstraint('team_id', 'kind', 'month', 'scope', name=op.f('uq_badges_team_id_kind_month_scope'))
    )
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.create_index('ix_badges_team_id_rep_id', ['team_id', 'rep_id'], unique=False)

    op.create_table('kudos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('giver_id', sa.Integer(), nullable=False),
    sa.Column('receiver_id', sa.Integer(), nullable=False),
    sa.Column('points', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('kudos_values', sa.String(length=200), nullable=False),
    sa.Column('public', sa.Boolean(), nullable=False),
    sa.Column('status', sa.Enum('accepted', 'held', 'rejected', name='kudos_status', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('held_reason', sa.Enum('reciprocal', 'repeated', name='kudos_hold', native_enum=False, create_constraint=True, length=16), nullable=True),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_at', bot.db.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint('giver_id <> receiver_id', name=op.f('ck_kudos_not_to_self')),
    sa.CheckConstraint('points > 0', name=op.f('ck_kudos_points_positive')),
    sa.ForeignKeyConstraint(['giver_id'], ['members.id'], name=op.f('fk_kudos_giver_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['receiver_id'], ['members.id'], name=op.f('fk_kudos_receiver_id_members'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['members.id'], name=op.f('fk_kudos_reviewed_by_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_kudos_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_kudos'))
    )
    with op.batch_alter_table('kudos', schema=None) as batch_op:
        batch_op.create_index('ix_kudos_team_id_month_giver_id', ['team_id', 'month', 'giver_id'], unique=False)
        batch_op.create_index('ix_kudos_team_id_receiver_id_created_at', ['team_id', 'receiver_id', 'created_at'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('kudos', schema=None) as batch_op:
        batch_op.drop_index('ix_kudos_team_id_receiver_id_created_at')
        batch_op.drop_index('ix_kudos_team_id_month_giver_id')

    op.drop_table('kudos')
    with op.batch_alter_table('badges', schema=None) as batch_op:
        batch_op.drop_index('ix_badges_team_id_rep_id')

    op.drop_table('badges')
    with op.batch_alter_table('allowance_boosts', schema=None) as batch_op:
        batch_op.drop_index('ix_allowance_boosts_team_id_month')

    op.drop_table('allowance_boosts')
    op.drop_table('recognition_settings')
