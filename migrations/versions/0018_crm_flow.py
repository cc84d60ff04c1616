"""crm: who connected a CRM, the CRM owners matched to members, and pending Zoho authorizations

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base  # noqa: F401  (custom column types)

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('crm_connections') as batch:
        batch.add_column(sa.Column('connected_by', sa.String(length=32), nullable=False, server_default=''))
    op.create_table('crm_owners',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('provider', sa.Enum('zoho', 'fxiaoke', name='crm_owner_provider', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('external_id', sa.String(length=64), nullable=False),
    sa.Column('email', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=255), nullable=False),
    sa.Column('member_id', sa.Integer(), nullable=True),
    sa.Column('matched', sa.Enum('none', 'email', 'hand', name='crm_owner_match', native_enum=False, create_constraint=True, length=8), nullable=False),
    sa.Column('updated_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['member_id'], ['members.id'], name=op.f('fk_crm_owners_member_id_members'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_crm_owners_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_owners')),
    sa.UniqueConstraint('team_id', 'provider', 'external_id', name=op.f('uq_crm_owners_team_id_provider_external_id'))
    )
    op.create_table('crm_connect_states',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=64), nullable=False),
    sa.Column('team_id', sa.String(length=32), nullable=False),
    sa.Column('user_id', sa.String(length=32), nullable=False),
    sa.Column('provider', sa.Enum('zoho', 'fxiaoke', name='crm_state_provider', native_enum=False, create_constraint=True, length=16), nullable=False),
    sa.Column('expires_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', bot.db.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['workspaces.team_id'], name=op.f('fk_crm_connect_states_team_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crm_connect_states')),
    sa.UniqueConstraint('digest', name=op.f('uq_crm_connect_states_digest'))
    )
    op.create_index('ix_crm_connect_states_expires_at', 'crm_connect_states', ['expires_at'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_crm_connect_states_expires_at', table_name='crm_connect_states')
    op.drop_table('crm_connect_states')
    op.drop_table('crm_owners')
    with op.batch_alter_table('crm_connections') as batch:
        batch.drop_column('connected_by')
