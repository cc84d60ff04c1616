"""What a Home tab costs the database, counted (never timed): the manager's team table and a rep's goals
issue the same statements whatever the team's size (aggregated, never a query per rep or per goal)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Engine, event, select
from sqlalchemy.orm import Session

from bot.features import pages
from bot.goals.models import Goal, GoalStatus
from bot.roster.models import Member, Role
from bot.roster.service import caller_for
from bot.slack.sections import HOME_BLOCKS_MAX, HomeContext, home_tab
from bot.workspaces.service import ensure_workspace
from tests.factories import TEAM, member, rep_with_goal

WEEK = date(2026, 11, 30)
NOW = datetime(2026, 12, 7, 10, tzinfo=UTC)  # in the feedback window: every row has its button


def team(session: Session, manager: str, reps: int) -> Member:
    """A manager with `reps` reps: a third with a goal, a third with a pending one, a third with none."""
    boss = member(session, manager, role=Role.MANAGER)
    for n in range(reps):
        user_id = f"{manager}R{n:03d}"
        if n % 3 == 2:
            rep = member(session, user_id)
            rep.on_team, rep.manager_id = True, boss.id
            continue
        rep = rep_with_goal(session, user_id, boss, None, {WEEK - timedelta(days=7): 10, WEEK: 10}, {})
        if n % 3 == 1:
            session.scalars(
                select(Goal).where(Goal.rep_id == rep.id)
            ).one().status = GoalStatus.AWAITING_AGREEMENT
    session.flush()
    return boss


def cost(session: Session, person: Member) -> tuple[int, int]:
    """The statements the person's Home tab issues, and its blocks."""
    engine: Engine = session.get_bind()  # type: ignore[assignment]
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    caller = caller_for(person, ensure_workspace(session, TEAM), frozenset())
    session.expire_all()
    event.listen(engine, "before_cursor_execute", record)
    try:
        view = home_tab(pages().home, HomeContext(session, caller, NOW))
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(seen), len(view["blocks"])  # type: ignore[arg-type]


def test_the_managers_home_costs_the_same_for_3_reps_as_for_90(session: Session) -> None:
    small, big = team(session, "USMALL", 3), team(session, "UBIG", 90)
    (small_statements, _), (big_statements, blocks) = cost(session, small), cost(session, big)
    assert small_statements == big_statements, (small_statements, big_statements)
    assert blocks <= HOME_BLOCKS_MAX


def test_a_reps_home_costs_the_same_for_one_goal_as_for_many(session: Session) -> None:
    boss = team(session, "UBOSS", 1)
    (one,) = session.scalars(select(Member).where(Member.manager_id == boss.id))
    few = cost(session, one)[0]
    for _ in range(5):
        rep_with_goal(session, "UBOSSR000", boss, None, {WEEK: 10}, {})
    assert cost(session, one)[0] == few
