"""reviews: the review conversation (a slot the rep proposes, the manager confirms, either marks held), and
what the manager review's development action links to (none, a training course or an incentive, by id)

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import bot.db.base  # noqa: F401  (custom column types)

revision: str = "0014"
down_revision: str | None = '0013'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "review_conversations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.String(length=32), nullable=False),
        sa.Column("cycle_id", sa.Integer(), nullable=False),
        sa.Column("rep_id", sa.Integer(), nullable=False),
        sa.Column("manager_id", sa.Integer(), nullable=True),
        sa.Column(
            "state",
            sa.Enum(
                "proposed",
                "confirmed",
                "held",
                name="review_talk_state",
                native_enum=False,
                create_constraint=True,
                length=16,
            ),
            nullable=False,
        ),
        sa.Column("starts_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("held_at", bot.db.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("held_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", bot.db.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["cycle_id"],
            ["review_cycles.id"],
            name=op.f("fk_review_conversations_cycle_id_review_cycles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["held_by_id"],
            ["members.id"],
            name=op.f("fk_review_conversations_held_by_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["manager_id"],
            ["members.id"],
            name=op.f("fk_review_conversations_manager_id_members"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["rep_id"],
            ["members.id"],
            name=op.f("fk_review_conversations_rep_id_members"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["workspaces.team_id"],
            name=op.f("fk_review_conversations_team_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_conversations")),
        sa.UniqueConstraint("cycle_id", "rep_id", name=op.f("uq_review_conversations_cycle_id_rep_id")),
    )
    with op.batch_alter_table("manager_reviews", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("development_kind", sa.String(length=16), server_default="none", nullable=False)
        )
        batch_op.add_column(sa.Column("development_ref", sa.Integer(), nullable=True))
        batch_op.create_check_constraint(
            op.f("ck_manager_reviews_development_link"),
            "development_kind IN ('none', 'training', 'incentive') AND "
            "(development_kind = 'none') = (development_ref IS NULL)",
        )


def downgrade() -> None:
    with op.batch_alter_table("manager_reviews", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_manager_reviews_development_link"), type_="check")
        batch_op.drop_column("development_ref")
        batch_op.drop_column("development_kind")
    op.drop_table("review_conversations")
