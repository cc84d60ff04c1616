"""The language of a rep's course, on both databases: a course granted by another feature (a review's
development action, a reward) is in the language Pacer speaks to the rep (their Slack's, else the
workspace's), once per course whatever its language; a course assigned again to a rep who has it in another
language moves that assignment's due date."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.roster.models import Role
from bot.roster.policy import Caller
from bot.training.cli import SHIPPED, files_at
from bot.training.courses import import_files, in_language
from bot.training.models import Assignment, Course
from bot.training.service import TargetKind, TrainRequest, assign, grant
from bot.workspaces.models import Workspace
from tests.factories import TEAM, member

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def test_a_granted_course_is_in_the_language_pacer_speaks_to_the_rep(session: Session) -> None:
    import_files(session, TEAM, [(path.name, path.read_bytes()) for path in files_at(SHIPPED)], now=NOW)
    session.get_one(Workspace, TEAM).language = "zh"
    english = in_language(session, TEAM, "product-basics", "en")
    assert english is not None
    reps = {
        locale: member(session, f"UREP{n}", slack_locale=locale)
        for n, locale in enumerate(["zh-CN", None, "en-US"])
    }
    for rep in reps.values():
        assert grant(session, TEAM, rep, english.id, by_id=None, now=NOW)
        assert not grant(session, TEAM, rep, english.id, by_id=None, now=NOW)  # once, whatever the language
    languages = {
        rep_id: language
        for rep_id, language in session.execute(
            select(Assignment.rep_id, Course.language).join(Course, Course.id == Assignment.course_id)
        )
    }
    assert languages == {reps["zh-CN"].id: "zh", reps[None].id: "zh", reps["en-US"].id: "en"}


def test_a_course_assigned_again_in_another_language_moves_its_due_date(session: Session) -> None:
    import_files(session, TEAM, [(path.name, path.read_bytes()) for path in files_at(SHIPPED)], now=NOW)
    admin = member(session, "UADMIN", role=Role.ADMIN)
    rep = member(session, "UREP", slack_locale="en-US")
    rep.on_team = True
    caller = Caller(member=admin, role=Role.ADMIN, locale="en")
    first = assign(
        session, caller, TrainRequest(TargetKind.REP, "UREP", "product-basics", date(2026, 12, 31)), now=NOW
    )
    rep.language = "zh"  # `/pacer language zh` since
    again = assign(
        session, caller, TrainRequest(TargetKind.REP, "UREP", "产品基础", date(2027, 1, 15)), now=NOW
    )
    assert (first.new, first.moved, again.new, again.moved) == (1, 0, 0, 1)
    found = session.execute(
        select(Course.language, Assignment.due).join(Course, Course.id == Assignment.course_id)
    )
    assert [tuple(row) for row in found] == [("en", date(2027, 1, 15))]
