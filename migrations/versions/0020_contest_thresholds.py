"""contests with a prize per threshold: a contest's prize kind (per rank, the default, or per threshold)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 21:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0020"
down_revision: str | None = "0019"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    kind = sa.Enum(
        "rank",
        "threshold",
        name="incentive_contest_prize_kind",
        native_enum=False,
        create_constraint=True,
        length=9,
    )
    with op.batch_alter_table("incentive_contests") as batch:
        batch.add_column(sa.Column("prize_kind", kind, server_default="rank", nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("incentive_contests") as batch:
        batch.drop_constraint(op.f("ck_incentive_contests_incentive_contest_prize_kind"), type_="check")
        batch.drop_column("prize_kind")
