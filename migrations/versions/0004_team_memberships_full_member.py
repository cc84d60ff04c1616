"""who may act: full members only for admins and managers; team memberships over time

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 10:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Nobody is a full member until Slack says so: every profile is asked of users.info again on the
    # person's next request (refreshed_at cleared), so a guest made a manager earlier is found out.
    # A plain ADD COLUMN, also on SQLite: recreating `members` in batch mode would drop the old table
    # with foreign keys on, and its ON DELETE actions would clear managers and delete goals.
    op.add_column("members", sa.Column("full_member", sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE members SET refreshed_at = NULL")

    op.create_table(
        "team_memberships",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=False),
        sa.Column("started_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", bot.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["manager_id"], ["members.id"], name=op.f("fk_team_memberships_manager_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"], ["members.id"], name=op.f("fk_team_memberships_rep_id_members"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_team_memberships_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_team_memberships")),
    )
    with op.batch_alter_table("team_memberships", schema=None) as batch_op:
        batch_op.create_index(
            "ix_team_memberships_team_id_manager_id", ["team_id", "manager_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_team_memberships_rep_id"), ["rep_id"], unique=False)
    # Reps already on a team count from when Pacer first knew them.
    op.execute(
        "INSERT INTO team_memberships (team_id, rep_id, manager_id, started_at) "
        "SELECT team_id, id, manager_id, created_at FROM members "
        "WHERE on_team = true AND manager_id IS NOT NULL"
    )


def downgrade() -> None:
    with op.batch_alter_table("team_memberships", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_team_memberships_rep_id"))
        batch_op.drop_index("ix_team_memberships_team_id_manager_id")
    op.drop_table("team_memberships")
    op.drop_column("members", "full_member")  # SQLite 3.35+ drops a column in place, too
