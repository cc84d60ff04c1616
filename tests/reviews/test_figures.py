"""A rep's quarter in figures for the review modals (bot/reviews/figures.py): best and worst weeks, the
check-in rate with missed weeks, help requests, feedback acknowledged; no data, never 0 %; a constant
number of statements; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from functools import partial

from sqlalchemy.orm import Session

from bot.checkins.models import Confidence
from bot.feedback.models import ManagerFeedback
from bot.reviews import service
from bot.reviews.figures import quarter_figures
from bot.roster.models import Role
from tests.factories import TEAM, member, rep_with_goal
from tests.reviews.support import NOW, Q4_WEEKS, count_statements

OK = Confidence.ON_TRACK


def test_best_and_worst_weeks_the_check_in_rate_help_and_feedback(session: Session) -> None:
    boss = member(session, "UBOSS", role=Role.MANAGER)
    results = {week: (10, OK, False, "") for week in Q4_WEEKS[:10]}  # three weeks missed
    results[Q4_WEEKS[2]] = (15, OK, True, "stuck")  # best, and a help request
    results[Q4_WEEKS[5]] = (4, OK, True, "stuck")  # worst
    rep = rep_with_goal(session, "UREP1", boss, None, dict.fromkeys(Q4_WEEKS, 10), results)
    for month, acknowledged in (
        (date(2026, 10, 1), True),
        (date(2026, 11, 1), False),
        (date(2026, 7, 1), True),
    ):
        session.add(
            ManagerFeedback(
                team_id=TEAM,
                rep_id=rep.id,
                manager_id=boss.id,
                month=month,
                strengths="s",
                improve="i",
                next_step="n",
                acknowledged_at=datetime(2026, 12, 1, tzinfo=UTC) if acknowledged else None,
            )
        )
    cycle = service.open_cycle(session, TEAM, "2026Q4", by=None, now=NOW)
    session.flush()
    figures = quarter_figures(session, cycle, rep)
    assert figures.best == (Q4_WEEKS[2], Decimal("1.5")) and figures.worst == (Q4_WEEKS[5], Decimal("0.4"))
    assert (figures.weeks_checked_in, figures.weeks_due) == (10, 13)
    assert figures.checkin_rate == Decimal(10) / 13
    assert figures.help_requests == 2
    assert (figures.feedback, figures.feedback_acknowledged) == (2, 1)  # July is not in Q4


def test_a_quarter_without_goals_has_no_data_and_costs_the_same(session: Session) -> None:
    boss = member(session, "UBOSS", role=Role.MANAGER)
    idle = member(session, "UIDLE")
    idle.on_team, idle.manager_id = True, boss.id
    busy = rep_with_goal(
        session, "UBUSY", boss, None, dict.fromkeys(Q4_WEEKS, 10), {w: (9, OK, False, "") for w in Q4_WEEKS}
    )
    cycle = service.open_cycle(session, TEAM, "2026Q4", by=None, now=NOW)
    session.flush()
    empty = quarter_figures(session, cycle, idle)
    assert empty.best is None and empty.checkin_rate is None and empty.weeks == {}
    engine = session.get_bind().engine
    statements = [
        count_statements(engine, partial(quarter_figures, session, cycle, rep)) for rep in (idle, busy)
    ]
    assert statements[0] == statements[1] <= 4
