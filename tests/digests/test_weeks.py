"""Which week status shows: the last that has ended, or this one in progress when only new goals cover it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.digests.service import Scope
from bot.digests.weeks import StatusWeek, status_week
from bot.goals.models import Goal, GoalStatus
from bot.roster.models import Role
from tests.factories import TEAM, member, rep_with_goal

LAST, THIS = date(2026, 11, 30), date(2026, 12, 7)
WEDNESDAY = datetime(2026, 12, 9, 10, tzinfo=UTC)


def goal_of(session: Session, user_id: str) -> Goal:
    return session.scalars(select(Goal).where(Goal.rep.has(user_id=user_id))).one()


def test_this_week_in_progress_only_when_no_active_goal_reaches_back_into_last_week(session: Session) -> None:
    boss = member(session, "UBOSS", role=Role.MANAGER)
    team, rep_only = Scope(TEAM, manager_id=boss.id), lambda rep: Scope(TEAM, rep_id=rep.id)
    assert status_week(session, team, WEDNESDAY) == StatusWeek(LAST, False)  # nothing at all: last week
    new = rep_with_goal(session, "UNEW", boss, None, {THIS: 10, THIS + timedelta(days=7): 10}, {})
    assert status_week(session, team, WEDNESDAY) == StatusWeek(THIS, True)
    goal_of(session, "UNEW").status = GoalStatus.AWAITING_AGREEMENT  # a pending goal covers nothing
    assert status_week(session, team, WEDNESDAY) == StatusWeek(LAST, False)
    goal_of(session, "UNEW").status = GoalStatus.ACTIVE
    old = rep_with_goal(session, "UOLD", boss, None, {LAST: 10, THIS: 10}, {})
    assert status_week(session, team, WEDNESDAY) == StatusWeek(LAST, False)  # the team reports last week
    assert status_week(session, rep_only(new), WEDNESDAY) == StatusWeek(THIS, True)  # the new rep's own
    assert status_week(session, rep_only(old), WEDNESDAY) == StatusWeek(LAST, False)
    assert status_week(session, team, WEDNESDAY + timedelta(days=5)) == StatusWeek(THIS, False)  # it ended
