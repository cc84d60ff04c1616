"""A training course seat as a reward (bot/links/seats.py): an approved payout of a plan with a seat, and
each prized rank of an ended contest with one, get the course assigned once, in the rep's language; the
events are raised only for the last approval and the contest's end. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins.models import Confidence
from bot.events import ContestEnded, Event, PayoutApproved
from bot.incentives import contest_jobs, ledger, showing, views
from bot.incentives.computing import compute_plan
from bot.links import seats
from bot.roster.models import Role
from bot.training.models import Assignment
from bot.workspaces.models import Workspace
from tests.factories import TEAM, member, rep_with_goal
from tests.incentives.test_contests import contest_of
from tests.incentives.test_service import AFTER, caller, new_plan, team
from tests.links.support import add_course, connected
from tests.reviews.support import Q4_WEEKS
from tests.support.people import ADMIN, MARIA


def heard(monkeypatch: pytest.MonkeyPatch) -> list[Event]:
    """The events ledger and contest_jobs raise (to be told after their commit), collected."""
    found: list[Event] = []
    for module in (ledger, contest_jobs):
        monkeypatch.setattr(module, "raise_after_commit", lambda _session, event: found.append(event))
    return found


def assigned(session: Session) -> list[tuple[int, int, date]]:
    rows = session.scalars(select(Assignment).order_by(Assignment.rep_id)).all()
    return [(a.rep_id, a.course_id, a.due) for a in rows]


def test_an_approved_payout_grants_the_plans_seat_once(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = member(session, ADMIN, role=Role.ADMIN)
    maria = member(session, MARIA, role=Role.MANAGER)
    reps = team(session, 2, maria)
    reps[1].language = "zh"
    english, chinese = add_course(session), add_course(session, "谈判", language="zh")
    plan = new_plan(session, admin)
    plan.seat_course_id = english.id
    compute_plan(session, plan.id, now=AFTER)
    found = heard(monkeypatch)
    ledger.approve(session, caller(maria), plan, now=AFTER)
    assert found == []  # the manager's approval is not the last one
    ledger.approve(session, caller(admin), plan, now=AFTER)
    assert sorted(e.rep_id for e in found if isinstance(e, PayoutApproved)) == [r.id for r in reps]
    for event in found:
        assert isinstance(event, PayoutApproved)
        assert seats.grant_plan_seat(session, event, now=AFTER)
        assert not seats.grant_plan_seat(session, event, now=AFTER)  # once
    due = date(2027, 1, 31)  # 30 days after the rep's today
    assert assigned(session) == [(reps[0].id, english.id, due), (reps[1].id, chinese.id, due)]


def test_an_ended_contest_grants_a_seat_to_each_prized_rank(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    boss = member(session, MARIA, role=Role.MANAGER)
    reps = [
        rep_with_goal(
            session,
            f"UR{n}",
            boss,
            None,
            dict.fromkeys(Q4_WEEKS, 10),
            {week: (weekly, Confidence.ON_TRACK, False, "") for week in Q4_WEEKS},  # type: ignore[misc]
        )
        for n, weekly in enumerate((12, 9, 5))
    ]
    contest = contest_of(session, 2)  # top 2 shown, a prize for the first only
    course = add_course(session)
    contest.seat_course_id = course.id
    found = heard(monkeypatch)
    workspace = session.get_one(Workspace, TEAM)
    assert not contest_jobs.post(session, contest, workspace, now=datetime(2026, 12, 21, 9, tzinfo=UTC))
    assert found == []  # still running
    assert contest_jobs.post(session, contest, workspace, now=datetime(2027, 1, 2, 9, tzinfo=UTC))
    assert found == [ContestEnded(TEAM, contest.id, (reps[0].id,))]
    event = found[0]
    assert isinstance(event, ContestEnded)
    assert seats.grant_contest_seats(session, event, now=AFTER) == 1
    assert seats.grant_contest_seats(session, event, now=AFTER) == 0
    assert [a[:2] for a in assigned(session)] == [(reps[0].id, course.id)]
    contest.seat_course_id = None
    assert seats.grant_contest_seats(session, event, now=AFTER) == 0


def test_the_rep_sees_the_seat_in_their_plan(session: Session) -> None:
    connected()
    admin = member(session, ADMIN, role=Role.ADMIN)
    rep = team(session, 1, member(session, MARIA, role=Role.MANAGER))[0]
    plan = new_plan(session, admin)
    plan.seat_course_id = add_course(session, "Discovery <!channel> calls").id
    (found,) = showing.rep_plans(session, caller(rep), today=date(2026, 12, 1))
    assert found.seat == "Discovery <!channel> calls"
    assert views.seat_line(found.seat, "en") == [
        "🎓 The reward includes a seat in the course “Discovery &lt;!channel&gt; calls”."
    ]
    assert views.seat_line(found.seat, "zh")[0].startswith("🎓 奖励包含课程")
    plan.seat_course_id = None
    assert showing.rep_plans(session, caller(rep), today=date(2026, 12, 1))[0].seat is None
