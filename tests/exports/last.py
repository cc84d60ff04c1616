"""The data the last export sets read, on top of `support.seed` and `later.seed_later`: November's rep of
the month for Maria's team (Rita) and Ben's (Sam), and one from June (out of the tests' range); a contest
won by Rita (a prize typed like a formula), Li and Sam; quiz answers; CRM pipeline snapshots; the CRM's
figure beside a check-in; a goal edited by each manager; the Q4 review's figures, weekly new accounts,
history (a peer asked to rate Rita: Li, whom no export may name) and conversations; Li's self review
without a scorecard yet (with a control character and a formula in it)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins.models import CheckIn
from bot.crm.models import CheckinSource, PipelineSnapshot
from bot.exports import service
from bot.exports.base import ExportScope
from bot.features import all_exports
from bot.goals.models import Goal, GoalRevision, Metric
from bot.incentives.models import Contest, ContestAward
from bot.recognition.models import Badge
from bot.reviews.models import (
    InputKind,
    InputSource,
    ReviewConversation,
    ReviewCycle,
    ReviewInput,
    SelfReview,
    TalkState,
    WeeklyAccounts,
)
from bot.reviews.service import record_change
from bot.roster.models import Member, Role
from bot.roster.policy import Caller
from bot.training.models import Course, Lesson, QuizAnswer
from tests.exports.later import seed_later
from tests.exports.support import CONTACT, FORMULA, seed
from tests.factories import TEAM, member
from tests.reviews.support import Q4_WEEKS

AT = datetime(2026, 11, 5, 9, tzinfo=UTC)
LI_LESSONS = "\x0b" + FORMULA  # a control character before a formula: both must go
OPTIONS = ["Agree and move on", "Ask what is behind it", "Offer a discount"]
BOSSES = {"rita": "maria", "li": "maria", "sam": "ben"}
SINCE, UNTIL = date(2026, 9, 1), date(2027, 1, 31)


def seed_last(session: Session, people: dict[str, Member]) -> None:
    cycle = session.scalars(select(ReviewCycle).where(ReviewCycle.team_id == TEAM)).one()
    course = session.scalars(select(Course).where(Course.slug == "objections")).one()
    lesson = Lesson(
        team_id=TEAM,
        course_id=course.id,
        version=1,
        position=0,
        text="Objections are questions.",
        prompt="The first reply to an objection?",
        options=OPTIONS,
        answer=1,
    )
    contest = Contest(
        team_id=TEAM,
        name="November sprint",
        metric=Metric.NEW_ACCOUNTS,
        starts_on=date(2026, 11, 1),
        ends_on=date(2026, 11, 30),
        channel_id="C0GENERAL",
        top_n=3,
        prizes=f"1: {FORMULA}\n2: a dinner\n3: a book",
    )
    session.add_all([lesson, contest])
    session.flush()
    for rank, (key, prize) in enumerate((("rita", FORMULA), ("li", "a dinner"), ("sam", "a book")), 1):
        rep, boss = people[key], people[BOSSES[key]]
        session.add(
            ContestAward(
                team_id=TEAM,
                contest_id=contest.id,
                rep_id=rep.id,
                rank=rank,
                prize=prize,
                awarded_at=datetime(2026, 12, 1, 9, tzinfo=UTC),
            )
        )
        session.add(
            WeeklyAccounts(
                team_id=TEAM, rep_id=rep.id, week_start=Q4_WEEKS[2], count=3 - rank, recorded_at=AT
            )
        )
        if key == "li":
            continue
        for month in (date(2026, 6, 1), date(2026, 11, 1)):
            session.add(
                Badge(
                    team_id=TEAM,
                    month=month,
                    scope=f"team:{boss.id}",
                    rep_id=rep.id,
                    vendor_id=rep.vendor_id,
                    chosen_by_id=boss.id,
                    created_at=AT,
                )
            )
        session.add(
            QuizAnswer(
                team_id=TEAM,
                rep_id=rep.id,
                lesson_id=lesson.id,
                chosen=1 if key == "rita" else 2,
                correct=key == "rita",
                answered_at=AT,
            )
        )
        session.add(
            PipelineSnapshot(
                team_id=TEAM,
                rep_id=rep.id,
                as_of=date(2026, 11, 3),
                amount=Decimal(5000 * rank),
                currency="USD",
                deals=4,
                source="crm:zoho",
            )
        )
        checkin = session.scalars(
            select(CheckIn).where(CheckIn.rep_id == rep.id, CheckIn.week_start == Q4_WEEKS[1])
        ).one()
        session.add(
            CheckinSource(
                checkin_id=checkin.id,
                team_id=TEAM,
                crm_amount=Decimal(7),
                crm_items=7,
                source="crm:zoho",
                reason=f"{key}: two deals closed late",
            )
        )
        goal = session.scalars(select(Goal).where(Goal.rep_id == rep.id)).one()
        session.add(
            GoalRevision(
                team_id=TEAM,
                goal_id=goal.id,
                version=1,
                changed_by_id=boss.id,
                changed_at=datetime(2026, 10, 10, 9, tzinfo=UTC),
                target=Decimal(100),
                start_date=goal.start_date,
                end_date=goal.end_date,
                status="active",
            )
        )
        session.add(
            ReviewInput(
                team_id=TEAM,
                quarter="2026Q4",
                rep_id=rep.id,
                kind=InputKind.SATISFACTION,
                source=InputSource.UPLOAD,
                value=Decimal("4.5"),
                scale=Decimal(5),
                note=f"{key}'s survey",
                recorded_by_id=boss.id,
                recorded_at=AT,
            )
        )
    session.add(
        SelfReview(team_id=TEAM, cycle_id=cycle.id, rep_id=people["li"].id, lessons=LI_LESSONS, sales_level=3)
    )
    _review_history(session, cycle, people)
    session.flush()


def _review_history(session: Session, cycle: ReviewCycle, people: dict[str, Member]) -> None:
    """The cycle's stage (no rep), Rita's sales level by Maria, a peer asked to rate Rita (Li: never in an
    export), the conversations: Rita's held with Maria, Sam's proposed to Ben."""
    rita, sam, maria, ben = people["rita"], people["sam"], people["maria"], people["ben"]
    now = datetime(2026, 12, 10, 9, tzinfo=UTC)
    record_change(
        session, cycle, by=people["admin"].id, what="stage", before="open", after="self_review", now=now
    )
    record_change(
        session,
        cycle,
        by=maria.id,
        what="level.sales",
        before="3",
        after="4",
        now=now,
        reason="strong Q4",
        rep_id=rita.id,
    )
    record_change(
        session,
        cycle,
        by=maria.id,
        what="peer.asked",
        before="",
        after=str(people["li"].id),
        now=now,
        rep_id=rita.id,
    )
    record_change(
        session,
        cycle,
        by=sam.id,
        what="talk.proposed",
        before="",
        after="2026-12-21T10:00:00+00:00",
        now=now,
        rep_id=sam.id,
    )
    held = datetime(2026, 12, 20, 15, tzinfo=UTC)
    session.add_all(
        [
            ReviewConversation(
                team_id=TEAM,
                cycle_id=cycle.id,
                rep_id=rita.id,
                manager_id=maria.id,
                state=TalkState.HELD,
                starts_at=datetime(2026, 12, 20, 14, tzinfo=UTC),
                held_at=held,
                held_by_id=maria.id,
            ),
            ReviewConversation(
                team_id=TEAM,
                cycle_id=cycle.id,
                rep_id=sam.id,
                manager_id=ben.id,
                state=TalkState.PROPOSED,
                starts_at=datetime(2026, 12, 21, 10, tzinfo=UTC),
            ),
        ]
    )


def everyone(session: Session) -> dict[str, Member]:
    """The shared seed, Acme's contact, the later sets' data and the last sets'."""
    people = seed(session)
    people["contact"] = member(session, CONTACT)
    seed_later(session, people)
    seed_last(session, people)
    return people


def scope_of(session: Session, person: Member, role: Role) -> ExportScope:
    """The widest scope the person may pick in the modal."""
    return service.choices(session, Caller(member=person, role=role, locale="en"))[0].scope


def scopes(session: Session, people: dict[str, Member]) -> dict[str, ExportScope]:
    """Each role's widest scope, and an admin's scope of Maria's team."""
    found = service.choices(session, Caller(member=people["admin"], role=Role.ADMIN, locale="en"))
    return {
        "admin": scope_of(session, people["admin"], Role.ADMIN),
        "maria": scope_of(session, people["maria"], Role.MANAGER),
        "contact": scope_of(session, people["contact"], Role.REP),
        "admin_of_maria": next(c.scope for c in found if c.value == f"team:{people['maria'].id}"),
    }


def lines(session: Session, name: str, scope: ExportScope) -> list[dict[str, Any]]:
    """The set's rows in the tests' range, each as {column: value}."""
    export = next(e for e in all_exports() if e.name == name)
    found = export.rows(session, scope, SINCE, UNTIL)
    return [dict(zip(export.header, row, strict=True)) for row in found]


def slack_ids(session: Session, name: str, scope: ExportScope) -> set[str]:
    return {line["slack_id"] for line in lines(session, name, scope) if line["slack_id"] is not None}
