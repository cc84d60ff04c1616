"""The scorecard's evidence from training and recognition (bot/links/evidence.py): courses completed in the
quarter with their average quiz score, the self-study logged (how often, how long, the latest takeaways,
escaped and bounded), kudos received; a fixed number of statements for any team size; nothing said for a
rep with none of them. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.i18n import t
from bot.links import evidence
from bot.recognition.models import Kudos, Status
from bot.reviews.publish_views import note_lines
from bot.reviews.scorecards import EVIDENCE, Section, build_scorecards
from bot.text import unescape
from bot.training.library import TAKEAWAY_SHOWN_MAX
from bot.training.models import Progress, StudyLog
from tests.factories import TEAM
from tests.links.support import add_course, connected
from tests.reviews.support import count_statements, seeded
from tests.support.mrkdwn import find_unsafe

IN_Q4 = datetime(2026, 11, 10, 9, 0, tzinfo=UTC)
BEFORE = datetime(2026, 9, 20, 9, 0, tzinfo=UTC)


def _progress(
    session: Session, rep_id: int, course_id: int, *, done: datetime | None, score: int | None
) -> None:
    session.add(
        Progress(team_id=TEAM, rep_id=rep_id, course_id=course_id, version=1, completed_at=done, score=score)
    )


def _kudos(session: Session, giver: int, receiver: int, points: int, at: datetime) -> None:
    session.add(
        Kudos(
            team_id=TEAM,
            giver_id=giver,
            receiver_id=receiver,
            points=points,
            reason="Helped with the Globex demo",
            status=Status.ACCEPTED,
            month=at.date().replace(day=1),
            created_at=at,
        )
    )


def test_training_and_kudos_are_evidence_on_the_scorecard(session: Session) -> None:
    connected()
    _boss, reps = seeded(session, 4)
    first, second = add_course(session), add_course(session, "Discovery", slug="discovery")
    _progress(session, reps[0].id, first.id, done=IN_Q4, score=80)
    _progress(session, reps[0].id, second.id, done=IN_Q4, score=91)
    _progress(session, reps[1].id, first.id, done=BEFORE, score=50)  # last quarter: not counted
    _progress(session, reps[1].id, second.id, done=None, score=None)  # in progress
    for giver, points in ((reps[1], 10), (reps[2], 5), (reps[1], 3)):
        _kudos(session, giver.id, reps[0].id, points, IN_Q4)
    _kudos(session, reps[0].id, reps[2].id, 7, BEFORE)  # last quarter: not counted
    session.flush()
    cards = {card.rep_id: card for card in build_scorecards(session, TEAM, "2026Q4")}
    rita = cards[reps[0].id]
    assert [n.section for n in rita.notes] == [Section.DEVELOPMENT, Section.TEAMWORK]
    assert note_lines(rita, "en") == [
        "*Development*: 2 course(s) completed this quarter (average quiz score 86 %), 0 in progress",
        "*Teamwork*: 3 kudos received this quarter (18 points) from 2 people",
    ]
    assert note_lines(rita, "zh")[1] == "*团队协作*：本季度收到 3 次点赞（18 分），来自 2 人"
    assert note_lines(cards[reps[1].id], "en") == [
        "*Development*: 0 course(s) completed this quarter, 1 in progress"
    ]
    assert cards[reps[2].id].notes == [] and cards[reps[3].id].notes == []
    assert t("links.evidence.kudos", "zh", count=1, points=2, givers=1)


def _studied(session: Session, rep_id: int, minutes: int, takeaway: str, at: datetime) -> None:
    session.add(
        StudyLog(
            team_id=TEAM, rep_id=rep_id, what="SPIN Selling", minutes=minutes, takeaway=takeaway, logged_at=at
        )
    )


HOSTILE = "<!channel> <@U999|ceo> *Ask* <https://evil.example|log in> &lt;!here&gt; " + "長" * 300


def test_self_study_is_development_evidence(session: Session) -> None:
    connected()
    _boss, reps = seeded(session, 4)
    for n, takeaway in enumerate(("First", "", "Second", "Third", "Fourth")):  # newest last
        _studied(session, reps[0].id, 30 + n, takeaway, IN_Q4 + timedelta(days=n))
    _studied(session, reps[0].id, 600, "Last quarter", BEFORE)  # not counted
    _studied(session, reps[1].id, 45, "", IN_Q4)
    _studied(session, reps[2].id, 20, HOSTILE, IN_Q4)
    session.flush()
    cards = {card.rep_id: card for card in build_scorecards(session, TEAM, "2026Q4")}
    assert note_lines(cards[reps[0].id], "en") == [
        "*Development*: 5 self-study session(s) logged this quarter, 160 min in all;"
        " latest takeaways: “Fourth” “Third” “Second”"
    ]
    assert note_lines(cards[reps[0].id], "zh") == [
        "*发展*：本季度记录自学 5 次，共 160 分钟；最近的收获：“Fourth” “Third” “Second”"
    ]
    assert note_lines(cards[reps[1].id], "en") == [
        "*Development*: 1 self-study session(s) logged this quarter, 45 min in all"
    ]
    [hostile] = note_lines(cards[reps[2].id], "en")
    assert find_unsafe(hostile) == [] and "&lt;!channel&gt;" in hostile and "&amp;lt;!here&amp;gt;" in hostile
    shown = unescape(hostile).split("latest takeaways: ", 1)[1]
    assert shown.startswith("“<!channel> <@U999|ceo> *Ask*") and shown.endswith("…”")
    assert len(shown) == TAKEAWAY_SHOWN_MAX + 2  # the quotes
    assert cards[reps[3].id].notes == []


def test_the_statement_count_does_not_grow_with_the_team(engine: Engine, session: Session) -> None:
    connected()
    seeded(session, 4)
    session.flush()
    small = count_statements(engine, lambda: build_scorecards(session, TEAM, "2026Q4"))
    session.rollback()
    seeded(session, 40)
    session.flush()
    large = count_statements(engine, lambda: build_scorecards(session, TEAM, "2026Q4"))
    assert small == large == 11  # the scorecard's seven, one per evidence source, the CRM choice
    assert set(evidence.SOURCES) <= set(EVIDENCE) and len(EVIDENCE) == 3
