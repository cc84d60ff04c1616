"""Recognition's figures on the database (SQLite and PostgreSQL): what a giver has left (held counts,
rejected does not, boosts add), the month's leaderboard (top N, accepted only), and `kudos_received`,
the scorecard's teamwork evidence (accepted kudos in the span, scoped to the workspace)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from bot.recognition import allowance
from bot.recognition.models import AllowanceBoost, Kudos, Status
from bot.recognition.service import Received, kudos_received
from bot.recognition.settings import DEFAULTS
from bot.roster.models import Member, Role
from tests.factories import member

DEC = date(2026, 12, 1)


def give(session: Session, giver: Member, receiver: Member, points: int, status: Status, day: int) -> None:
    at = datetime(2026, 12, day, 12, tzinfo=UTC)
    session.add(
        Kudos(
            team_id=giver.team_id,
            giver_id=giver.id,
            receiver_id=receiver.id,
            points=points,
            reason="r",
            status=status,
            month=DEC,
            created_at=at,
        )
    )
    session.flush()


def test_balances_leaderboard_and_evidence(session: Session) -> None:
    ana, bo, cy = member(session, "UANA"), member(session, "UBO", role=Role.MANAGER), member(session, "UCY")
    other = member(session, "UX", team_id="T0OTHER")
    give(session, ana, bo, 30, Status.ACCEPTED, 2)
    give(session, ana, cy, 20, Status.HELD, 3)
    give(session, ana, cy, 25, Status.REJECTED, 4)
    give(session, bo, cy, 40, Status.ACCEPTED, 20)
    give(session, other, member(session, "UY", team_id="T0OTHER"), 40, Status.ACCEPTED, 5)
    session.add(
        AllowanceBoost(
            team_id=bo.team_id, member_id=bo.id, month=DEC, points=50, created_at=datetime.now(UTC)
        )
    )
    session.flush()
    assert allowance.balance(session, ana, DEC, DEFAULTS).left == 50  # held counts, rejected does not
    assert allowance.balance(session, bo, DEC, DEFAULTS).left == 110  # 100 + 50 boost − 40
    balances = allowance.allowances(session, ana.team_id, DEC, DEFAULTS)
    assert {m: b.left for m, b in balances.items()} == {ana.id: 50, bo.id: 110}
    board = allowance.leaderboard(session, ana.team_id, DEC, top=1)
    assert [(s.member_id, s.points) for s in board] == [(cy.id, 40)]
    since, until = datetime(2026, 12, 1, tzinfo=UTC), datetime(2026, 12, 15, tzinfo=UTC)
    received = kudos_received(session, ana.team_id, [bo.id, cy.id, other.id], since, until)
    assert received == {bo.id: Received(count=1, points=30, givers=1)}  # cy's accepted one is after the span
    assert kudos_received(session, ana.team_id, [], since, until) == {}
