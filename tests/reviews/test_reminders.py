"""`reviews-remind` and `reviews-ask` (bot/reviews/jobs.py) at simulated clocks: whoever owes something
in the review's current stage gets one DM a day at their own 10:00 on working days, none once done or
after the stage's due date, in their language; a peer asked outside their working hours gets the ask at
their next 10:00. The 2026Q4 review opens on Monday 21 December: self reviews are due on the 25th, peer
ratings on the 28th, manager reviews on the 31st."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, select

from bot.db import make_session_factory
from bot.delivery.models import Delivery
from bot.features import all_jobs
from bot.reviews import peers, reminders, service
from bot.reviews.messages import PEER_ASK, REMIND
from bot.reviews.models import ManagerReview, ReviewCycle, SelfReview
from bot.roster.models import Member, Role
from bot.scheduler.job import JobContext
from tests.conftest import wipe
from tests.factories import TEAM, member
from tests.reviews.support import count_statements


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def context(engine: Engine) -> Iterator[JobContext]:
    factory = make_session_factory(engine)
    with factory.begin() as session:
        boss = member(session, "UBOSS", role=Role.MANAGER)
        for user_id, zone, locale in (
            ("URITA", "UTC", "en-US"),
            ("USAM", "UTC", "en-US"),
            ("ULI", "Asia/Shanghai", "zh-CN"),
        ):
            rep = member(session, user_id, timezone=zone, slack_locale=locale)
            rep.on_team, rep.manager_id = True, boss.id
        service.open_cycle(session, TEAM, "2026Q4", by=boss.id, now=at(21, 0))
    yield JobContext(None, factory, None, None, None)  # type: ignore[arg-type]
    wipe(engine)


def run(context: JobContext, now: datetime, job: str = "reviews-remind") -> str:
    return all_jobs()[job].run(context, now)


def reminded(context: JobContext) -> list[tuple[str, str]]:
    """(user id, text) of every reminder in the outbox, in the order queued."""
    with context.session_factory() as session:
        rows = session.execute(
            select(Delivery.channel, Delivery.payload).where(Delivery.kind == REMIND).order_by(Delivery.id)
        ).all()
    return [(channel, payload["text"]) for channel, payload in rows]


def ids(context: JobContext) -> dict[str, Member]:
    with context.session_factory() as session:
        found = {m.user_id: m for m in session.scalars(select(Member))}
        session.expunge_all()
    return found


def advance(context: JobContext, times: int) -> None:
    with context.session_factory.begin() as session:
        cycle = session.scalars(select(ReviewCycle)).one()
        for _ in range(times):
            service.advance(session, cycle, by=None, now=at(21, 1))


def submit(context: JobContext, model: type[SelfReview] | type[ManagerReview], user_id: str) -> None:
    with context.session_factory.begin() as session:
        cycle = session.scalars(select(ReviewCycle)).one()
        rep = session.scalars(select(Member).where(Member.user_id == user_id)).one()
        session.add(model(team_id=TEAM, cycle_id=cycle.id, rep_id=rep.id, submitted_at=at(22, 12)))


def test_a_self_review_is_reminded_once_a_day_at_ten_until_done_or_due(context: JobContext) -> None:
    # 09:59 in UTC, where Rita and Sam are; 17:59 in Shanghai, still Li's working day
    assert run(context, at(22, 9, 59)) == "1 review reminders due, 1 new in the outbox"
    assert run(context, at(22, 10, 5)) == "2 review reminders due, 2 new in the outbox"
    assert [user for user, _ in reminded(context)] == ["ULI", "URITA", "USAM"]
    assert "your self review for 2026Q4 is due Dec 25" in reminded(context)[1][1]
    assert run(context, at(22, 15)) == "2 review reminders due, 0 new in the outbox"  # same day: nothing
    assert len(reminded(context)) == 3
    submit(context, SelfReview, "URITA")
    run(context, at(23, 10))  # 18:00 in Shanghai: Li's day is over
    assert [user for user, _ in reminded(context)][3:] == ["USAM"]  # done: Rita is left alone
    run(context, at(25, 10))  # the due day itself still reminds
    assert [user for user, _ in reminded(context)][4:] == ["USAM"]
    run(context, at(26, 10))  # a Saturday
    run(context, at(28, 10))  # after the due date
    assert len(reminded(context)) == 5


def test_li_in_shanghai_is_reminded_at_her_ten_in_chinese(context: JobContext) -> None:
    run(context, at(22, 1, 59))  # 09:59 in Shanghai
    assert reminded(context) == []
    run(context, at(22, 2))  # 10:00 in Shanghai, 02:00 in UTC: Rita and Sam sleep
    assert [user for user, _ in reminded(context)] == ["ULI"]
    assert "你 2026Q4 的自评" in reminded(context)[0][1]
    run(context, at(22, 10, 30))  # 18:30 in Shanghai: her working day is over, and she has hers
    assert [user for user, _ in reminded(context)] == ["ULI", "URITA", "USAM"]


def test_a_peer_is_reminded_of_the_ratings_asked_on_an_earlier_day(context: JobContext) -> None:
    people = ids(context)
    with context.session_factory.begin() as session:
        cycle = session.scalars(select(ReviewCycle)).one()
        for rater in ("ULI", "USAM"):
            peers.ask_peer(
                session, cycle, people["URITA"], people[rater], by=people["UBOSS"].id, now=at(22, 12)
            )
    advance(context, 2)  # → peer input
    run(context, at(22, 12, 30))  # asked today: the ask itself is today's message
    run(context, at(23, 2))  # Li's 10:00, when an ask made in her evening reaches her: not yet a reminder
    assert reminded(context) == []
    run(context, at(23, 10))
    assert [user for user, _ in reminded(context)] == ["USAM"]
    assert "waiting for your teamwork rating in the 2026Q4 review: 1" in reminded(context)[0][1]
    with context.session_factory.begin() as session:
        cycle = session.scalars(select(ReviewCycle)).one()
        peers.rate(session, cycle, people["URITA"], people["USAM"], rating=4, comment="", now=at(23, 11))
    run(context, at(24, 2))  # 10:00 in Shanghai
    assert [user for user, _ in reminded(context)] == ["USAM", "ULI"]
    assert "还有 1 位同事" in reminded(context)[1][1]
    run(context, at(24, 10))  # Sam has rated: nothing for him
    run(context, at(29, 2))  # after the 28th: nothing for Li
    assert [user for user, _ in reminded(context)] == ["USAM", "ULI"]


def test_the_manager_is_reminded_of_the_reviews_still_to_write(context: JobContext) -> None:
    advance(context, 3)  # → manager review
    submit(context, ManagerReview, "URITA")
    assert run(context, at(28, 10)) == "1 review reminders due, 1 new in the outbox"
    [(user, text)] = reminded(context)
    assert user == "UBOSS" and "2 of your reps' reviews for 2026Q4" in text and "Dec 31" in text


def test_a_peer_is_asked_at_their_own_ten_once(context: JobContext) -> None:
    people = ids(context)
    with context.session_factory.begin() as session:
        cycle = session.scalars(select(ReviewCycle)).one()
        for rater in ("ULI", "USAM"):  # asked at 12:00 UTC: 20:00 in Shanghai
            peers.ask_peer(
                session, cycle, people["URITA"], people[rater], by=people["UBOSS"].id, now=at(22, 12)
            )
    assert run(context, at(22, 12, 15), "reviews-ask") == "1 peer asks due, 1 new in the outbox"  # Sam
    assert run(context, at(22, 12, 30), "reviews-ask") == "0 peer asks due, 0 new in the outbox"
    assert run(context, at(23, 1, 45), "reviews-ask").startswith("0 peer asks due")  # 09:45 in Shanghai
    assert run(context, at(23, 2), "reviews-ask") == "1 peer asks due, 1 new in the outbox"  # Li's 10:00
    with context.session_factory() as session:
        sent = session.execute(
            select(Delivery.channel, Delivery.payload).where(Delivery.kind == PEER_ASK).order_by(Delivery.id)
        ).all()
    assert [user for user, _ in sent] == ["USAM", "ULI"] and "季度评估" in sent[1][1]["text"]
    with context.session_factory.begin() as session:
        cycle = session.scalars(select(ReviewCycle)).one()
        peers.ask_peer(session, cycle, people["USAM"], people["ULI"], by=None, now=at(23, 10, 30))
    assert run(context, at(23, 11), "reviews-ask").startswith("0 peer asks due")  # 19:00 in Shanghai
    assert run(context, at(24, 2), "reviews-ask") == "1 peer asks due, 1 new in the outbox"


@pytest.mark.parametrize("stages", [0, 2, 3])  # self review, peer input, manager review
def test_who_owes_what_is_read_in_constant_statements(
    engine: Engine, context: JobContext, stages: int
) -> None:
    def statements() -> int:
        with context.session_factory() as session:
            cycle = session.scalars(select(ReviewCycle)).one()
            return count_statements(engine, lambda: reminders.owing(session, cycle))

    advance(context, stages)
    few = statements()
    with context.session_factory.begin() as session:
        boss = session.scalars(select(Member).where(Member.user_id == "UBOSS")).one()
        for n in range(30):
            rep = member(session, f"UMORE{n:02d}")
            rep.on_team, rep.manager_id = True, boss.id
    assert statements() == few <= 4
