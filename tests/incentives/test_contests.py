"""A contest's leaderboard from the database, on SQLite and PostgreSQL: ranked by attainment, ties sharing
a rank, only the top N (never anyone below), reps without a target in the window not ranked; and the
modal's prize lines."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy.orm import Session

from bot.checkins.models import Confidence
from bot.errors import PacerError
from bot.incentives import contests
from bot.incentives.models import Contest
from bot.roster.models import Role
from bot.roster.policy import Caller
from tests.factories import member, rep_with_goal
from tests.reviews.support import Q4_WEEKS
from tests.support.people import ADMIN, MARIA

NOW = datetime(2026, 12, 21, 9, tzinfo=UTC)


def contest_of(session: Session, top_n: int) -> Contest:
    admin = member(session, ADMIN, role=Role.ADMIN)
    answers = contests.ContestAnswers(
        name=f"Sprint {top_n}",
        metric="new_accounts",
        starts_on="2026-10-01",
        ends_on="2026-12-31",
        channel="C0DIGEST",
        top_n=str(top_n),
        prizes="1: 500 USD",
    )
    data = contests.check_contest(answers, today=NOW.date())
    assert isinstance(data, contests.ContestInput)
    return contests.save_contest(session, Caller(member=admin, role=Role.ADMIN, locale="en"), data, now=NOW)


def test_ties_share_a_rank_and_only_the_top_is_shown(session: Session) -> None:
    boss = member(session, MARIA, role=Role.MANAGER)
    for n, weekly in enumerate((12, 9, 12, 5)):
        results = {week: (weekly, Confidence.ON_TRACK, False, "") for week in Q4_WEEKS}
        rep_with_goal(session, f"UR{n}", boss, None, dict.fromkeys(Q4_WEEKS, 10), results)  # type: ignore[arg-type]
    member(session, "UNOGOAL").on_team = True  # no target: not ranked
    two = contests.leaderboard(session, contest_of(session, 2), through=date(2026, 12, 21))
    assert [(p.rank, p.rep.user_id) for p in two] == [(1, "UR0"), (1, "UR2")]  # a tie: by name
    three = contests.leaderboard(session, contest_of(session, 3), through=date(2026, 12, 21))
    assert [p.rank for p in three] == [1, 1, 3] and three[-1].rep.user_id == "UR1"


def test_prize_lines() -> None:
    assert contests.read_prizes("2) a day off\n1: 500 USD", 3) == {2: "a day off", 1: "500 USD"}
    for bad in ("4: too low", "1: a\n1: b", "first: 5"):
        refused = contests.read_prizes(bad, 3)
        assert isinstance(refused, PacerError) and refused.key == "incentives.contest.prize_line"
