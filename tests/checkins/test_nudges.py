"""Who is due a nudge, and when: each rep's own 09:00 across DST changes, holidays, time away, no goal."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from bot import calendar
from bot.checkins import messages, service
from bot.goals import service as goals
from bot.goals.form import GoalInput
from bot.goals.models import GoalStatus, Metric, PeriodKind
from bot.roster.models import Member, Role
from bot.roster.service import caller_for
from bot.workspaces.models import Workspace
from bot.workspaces.service import ensure_workspace
from tests.factories import TEAM, member


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def active_goal(session: Session, rep: Member, manager: Member, start: date, end: date) -> None:
    workspace = ensure_workspace(session, TEAM)
    data = GoalInput(
        "Close more enterprise deals",
        "",
        Metric.DEALS_CLOSED,
        "",
        "count",
        Decimal(120),
        "Enterprise is the growth plan",
        PeriodKind.CUSTOM,
        start,
        end,
        None,
    )
    goal = goals.create(session, caller=caller_for(manager, workspace, frozenset()), rep=rep, data=data)
    goal.status = GoalStatus.ACTIVE
    session.flush()


@pytest.fixture
def reps(session: Session) -> dict[str, Member]:
    boss = member(session, "UBOSS", role=Role.MANAGER)
    people = {
        "shanghai": member(session, "USH", timezone="Asia/Shanghai", slack_locale="zh-CN"),
        "los_angeles": member(session, "ULA", timezone="America/Los_Angeles"),
    }
    for rep in people.values():
        rep.on_team, rep.manager_id = True, boss.id
        active_goal(session, rep, boss, date(2026, 9, 1), date(2027, 6, 30))
    return people


def due_nudges(session: Session, now: datetime) -> list[service.Due]:
    return service.due_nudges(session, now=now, nudged=messages.nudged(session, now=now))


def due_ids(session: Session, now: datetime) -> set[str]:
    return {due.member.user_id for due in due_nudges(session, now)}


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (utc(2026, 10, 26, 1, 5), {"USH"}),  # 09:05 in Shanghai; Sunday evening in Los Angeles
        (utc(2026, 10, 26, 16, 5), {"USH", "ULA"}),  # 09:05 PDT (UTC-7); Shanghai still within its day
        (utc(2026, 11, 2, 16, 5), {"USH"}),  # after DST ended on 1 Nov it is 08:05 PST in Los Angeles
        (utc(2026, 11, 2, 17, 5), {"USH", "ULA"}),  # 09:05 PST (UTC-8)
        (utc(2027, 3, 15, 16, 5), {"USH", "ULA"}),  # DST began on 14 March: 09:05 PDT again
        (utc(2026, 11, 2, 0, 55), set()),  # 08:55 in Shanghai: not yet
        (utc(2026, 11, 3, 0, 55), {"USH", "ULA"}),  # Tuesday: a missed nudge is still sent within a day
        (utc(2026, 11, 3, 1, 5), {"ULA"}),  # …but not after 24 hours
    ],
)
def test_each_rep_at_their_own_nine(
    session: Session, reps: dict[str, Member], now: datetime, expected: set[str]
) -> None:
    assert due_ids(session, now) == expected


def test_the_nudge_asks_about_the_week_that_ended(session: Session, reps: dict[str, Member]) -> None:
    (due,) = [d for d in due_nudges(session, utc(2026, 11, 2, 1, 5)) if d.member.user_id == "USH"]
    assert due.week_start == date(2026, 10, 26)
    assert [g.week_target for g in due.goals] == [Decimal(3)]  # 120 over the goal's working days
    workspace = session.get_one(Workspace, TEAM)
    workspace.report_current_week = True  # a Friday team reports on the current week
    (due,) = [d for d in due_nudges(session, utc(2026, 11, 2, 1, 5)) if d.member.user_id == "USH"]
    assert due.week_start == date(2026, 11, 2)


def test_workspace_day_and_time(session: Session, reps: dict[str, Member]) -> None:
    workspace = session.get_one(Workspace, TEAM)
    workspace.nudge_weekday, workspace.nudge_time = 4, time(15, 30)  # Friday 15:30
    assert due_ids(session, utc(2026, 11, 6, 7, 25)) == set()  # 15:25 Shanghai
    assert due_ids(session, utc(2026, 11, 6, 7, 35)) == {"USH"}


def test_public_holidays_skip_the_nudge(session: Session, reps: dict[str, Member]) -> None:
    reps["shanghai"].country = "CN"  # 5 October 2026 is in the National Day holiday
    assert due_ids(session, utc(2026, 10, 5, 1, 5)) == set()
    assert "USH" not in due_ids(session, utc(2026, 10, 6, 0, 30))  # no catch-up of a holiday nudge
    assert due_ids(session, utc(2026, 10, 12, 1, 5)) == {"USH"}
    workspace = session.get_one(Workspace, TEAM)
    workspace.country = (
        "US"  # the workspace default applies to reps without a country: Christmas 2026 is a Friday
    )
    workspace.nudge_weekday = 4
    assert due_ids(session, utc(2026, 12, 25, 17, 5)) == {"USH"}  # Li's own country (CN) still works that day
    assert due_ids(session, utc(2026, 12, 18, 17, 5)) == {"USH", "ULA"}


def test_away_and_back(session: Session, reps: dict[str, Member]) -> None:
    rep = reps["shanghai"]
    rep.away_from, rep.away_until = date(2026, 12, 20), date(2027, 1, 3)
    assert due_ids(session, utc(2026, 12, 21, 1, 5)) == set()
    assert due_ids(session, utc(2026, 12, 28, 1, 5)) == set()
    assert due_ids(session, utc(2027, 1, 4, 1, 5)) == {"USH"}
    rep.away_from = rep.away_until = None
    assert due_ids(session, utc(2026, 12, 21, 1, 5)) == {"USH"}


def test_no_active_goal_or_inactive_means_no_nudge(session: Session, reps: dict[str, Member]) -> None:
    assert due_ids(session, utc(2027, 7, 12, 1, 5)) == set()  # the goals ended in June
    reps["shanghai"].active = False
    assert due_ids(session, utc(2026, 11, 2, 17, 5)) == {"ULA"}
    reps["los_angeles"].on_team = False
    assert due_ids(session, utc(2026, 11, 2, 17, 5)) == set()


def test_checkin_window_closes_when_the_digest_is_posted(session: Session, reps: dict[str, Member]) -> None:
    workspace = session.get_one(Workspace, TEAM)  # digest on Monday 16:00 UTC by default
    zone = calendar.member_zone(reps["shanghai"], workspace)
    last_week = date(2026, 11, 23)
    assert calendar.checkin_week(workspace, zone, utc(2026, 11, 30, 15, 59)) == last_week
    assert calendar.week_is_open(workspace, zone, last_week, utc(2026, 11, 30, 15, 59))
    assert calendar.checkin_week(workspace, zone, utc(2026, 11, 30, 16, 0)) == date(2026, 11, 30)
    assert not calendar.week_is_open(workspace, zone, last_week, utc(2026, 11, 30, 16, 0))
    assert not calendar.week_is_open(workspace, zone, date(2026, 12, 7), utc(2026, 11, 30, 16, 0))  # future
