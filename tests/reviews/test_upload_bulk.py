"""A large figures file (bot/reviews/upload.py): 10,000 lines import in as many SQL statements as 10 lines
do — one INSERT … ON CONFLICT DO UPDATE sent as an executemany — and importing it again updates the rows
in place; on SQLite and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from bot.reviews import upload
from bot.reviews.models import ReviewInput
from bot.roster.models import Member, Role
from tests.factories import TEAM, member
from tests.reviews.support import NOW, count_statements

REPS = 5_000  # × 2 quarters: 10,000 lines


def figures_file(reps: int, score: str) -> bytes:
    lines = [
        f"U{n:05d},{quarter},{score},5,,,{n % 7},note"
        for n in range(reps)
        for quarter in ("2026Q3", "2026Q4")
    ]
    return ("rep,quarter,score,scale,good,bad,new_accounts,note\n" + "\n".join(lines)).encode()


def imported(session: Session, data: bytes) -> int:
    read = upload.read_upload(session, TEAM, data)
    assert read.errors == []
    return len(upload.import_upload(session, TEAM, read, dry_run=False, by=None, now=NOW))


def test_ten_thousand_lines_take_as_many_statements_as_ten(session: Session) -> None:
    member(session, "UADMIN", role=Role.ADMIN)  # the workspace
    rows = [
        {"team_id": TEAM, "user_id": f"U{n:05d}", "role": Role.REP, "display_name": "", "created_at": NOW}
        for n in range(REPS)
    ]
    session.execute(insert(Member), rows)
    engine = session.get_bind()
    assert isinstance(engine.engine, Engine)
    small = count_statements(engine.engine, lambda: imported(session, figures_file(5, "4")))
    big = count_statements(engine.engine, lambda: imported(session, figures_file(REPS, "4")))
    assert big == small, (small, big)
    count = select(func.count()).select_from(ReviewInput).where(ReviewInput.team_id == TEAM)
    assert session.scalar(count) == 2 * 2 * REPS  # satisfaction and expansion, two quarters
    again = count_statements(engine.engine, lambda: imported(session, figures_file(REPS, "3")))
    assert again == small and session.scalar(count) == 2 * 2 * REPS  # updated in place
    scores = session.scalars(select(ReviewInput.value).where(ReviewInput.scale.is_not(None)).distinct()).all()
    assert scores == [Decimal(3)]
