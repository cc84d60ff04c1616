"""The training feature's listeners and `/pacer` subcommands: `/pacer train` (assign; alone, the assignment
modal, in `assigning`), `/pacer training` (the report), `/pacer courses`, `/pacer course import` (how to
upload a course), `/pacer learn` (the library, `learn add`, `learn log`), `/pacer setup training`; the
lesson buttons (an answer, "Next lesson", "Finish", the confidence levels) and, in `upload`, **Import**
under a shared file. `handlers` also holds what bot/features.py names (`JOBS`, `UPLOADS`, `models`,
`CATALOGS`, the sections), so the feature is one entry there."""

from __future__ import annotations

import re
from collections.abc import Callable
from importlib import resources
from typing import Any

from slack_bolt import App
from sqlalchemy.orm import Session

from bot import calendar
from bot.delivery.service import enqueue
from bot.roster.models import Member
from bot.slack.commands import ADMINS, EVERYONE, MANAGERS, REPS, Commands, Group
from bot.slack.deps import Deps
from bot.slack.idempotency import claim
from bot.slack.interaction import Interaction, NoMetadata, acts
from bot.training import assigning, learn, messages, models, progress, report, upload, views
from bot.training.courses import lesson_at
from bot.training.jobs import JOBS
from bot.training.sections import DIGEST_SECTIONS, HOME_SECTIONS
from bot.training.upload import UPLOADS
from bot.workspaces.models import Workspace

__all__ = ["CATALOGS", "DIGEST_SECTIONS", "HOME_SECTIONS", "JOBS", "UPLOADS", "models", "register"]
CATALOGS = resources.files("bot.training") / "i18n"


def register(app: App, deps: Deps, commands: Commands) -> None:
    """Training's subcommands and lesson buttons."""
    _add_commands(commands)
    upload.register(app, deps)
    assigning.register(app, deps)

    @app.action(re.compile(f"^{views.ANSWER}[0-5]$"))
    @acts(deps)
    def answer_quiz(request: Interaction[NoMetadata]) -> None:
        request.ack()
        request.replace_message(_answer(deps, request))

    @app.action(views.NEXT)
    @acts(deps)
    def request_lesson(request: Interaction[NoMetadata]) -> None:
        request.ack()
        request.replace_message(_next(deps, request))
        deps.kick()

    @app.action(views.FINISH)
    @acts(deps)
    def finish_course(request: Interaction[NoMetadata]) -> None:
        request.ack()
        request.replace_message(_finish(deps, request))

    @app.action(re.compile(f"^{views.CONFIDENCE}[1-5]$"))
    @acts(deps)
    def rate_confidence(request: Interaction[NoMetadata]) -> None:
        request.ack()
        request.replace_message(_confidence_given(deps, request))
        deps.kick()


def _add_commands(commands: Commands) -> None:
    commands.add_group(
        Group.TRAINING,
        (
            10,
            "training [@rep | vendor <name> | course <name>]",
            "training.help.training",
            EVERYONE,
            report.show,
        ),
        (
            20,
            "train [@rep|team <name>|vendor <name>|everyone <course> due <YYYY-MM-DD> [optional] "
            "[recertify <N> days]]",
            "training.help.train",
            MANAGERS,
            assigning.train_command,
        ),
        (30, "courses", "training.help.courses", MANAGERS, report.list_courses),
        (40, "course import", "training.help.import", ADMINS, report.explain_import),
        (50, "learn [<category>]", "training.help.learn", EVERYONE, learn.browse),
        (55, 'learn log <minutes> "<what>" [<takeaway>]', "training.help.learn_log", REPS, learn.log),
        (60, "learn add <category> <url> <title>", "training.help.learn_add", MANAGERS, learn.add),
    )
    commands.add_group(
        Group.SETTINGS,
        (
            35,
            "setup training [days <tue,thu>] [time <HH:MM>] [escalate <days>]",
            "training.help.setup",
            ADMINS,
            report.setup_training,
        ),
    )


def _answer(deps: Deps, request: Interaction[NoMetadata]) -> dict[str, Any]:
    """A quiz answer: recorded once, the lesson shown again with right or wrong and the explanation."""
    progress_id, lesson_id, chosen = request.value(_ints(3))
    with deps.session_factory.begin() as session:
        claim(session)
        rep = _rep(session, request)
        answered = progress.answer(session, rep, progress_id, lesson_id, chosen, now=deps.clock())
        own, course = progress.own_progress(session, rep, progress_id)
        return views.answered_message(own, course, answered, request.locale)


def _next(deps: Deps, request: Interaction[NoMetadata]) -> dict[str, Any]:
    """The following lesson through the outbox, if the pressed "Next lesson" is on the latest one; the
    pressed lesson stays, without its way on."""
    progress_id, position = request.value(_ints(2))
    with deps.session_factory.begin() as session:
        claim(session)
        step = progress.request_next(session, _rep(session, request), progress_id, position, now=deps.clock())
        enqueue(session, [messages.step_message(session, step)], now=deps.clock())
        pressed = lesson_at(session, step.course, step.progress.version, position)
        if pressed is None:
            return views.moved_on(step.course, request.locale)
        return views.lesson_message(step.progress, step.course, pressed, request.locale, nav=False)


def _finish(deps: Deps, request: Interaction[NoMetadata]) -> dict[str, Any]:
    progress_id, position = request.value(_ints(2))
    with deps.session_factory.begin() as session:
        claim(session)
        rep = _rep(session, request)
        done, course = progress.finish(session, rep, progress_id, position, now=deps.clock())
        return views.finished_message(done, course, progress.passed(done, course), request.locale)


def _confidence_given(deps: Deps, request: Interaction[NoMetadata]) -> dict[str, Any]:
    """The confidence level, before or after; before, the first lesson follows at once, counted as the
    lesson of the rep's own today (not of the intro's day), so no other comes the same day without Next."""
    progress_id, when, level = request.value(_confidence)
    with deps.session_factory.begin() as session:
        claim(session)
        rep = _rep(session, request)
        rated, course = progress.rate_confidence(session, rep, progress_id, when, level)
        if when == "before" and rated.next_position == 0:
            today = calendar.member_today(rep, session.get_one(Workspace, rep.team_id), deps.clock())
            step = progress.advance(session, rep, course, rated, today)
            if step is not None:
                enqueue(session, [messages.step_message(session, step)], now=deps.clock())
        return views.confidence_noted(rated, course, when, request.locale)


def _rep(session: Session, request: Interaction[NoMetadata]) -> Member:
    return session.get_one(Member, request.caller.member.id)


def _ints(count: int) -> Callable[[str], tuple[int, ...]]:
    def parse(value: str) -> tuple[int, ...]:
        parts = value.split(":")
        if len(parts) != count or not all(p.isdigit() and len(p) <= 12 for p in parts):
            raise ValueError(value)
        return tuple(int(p) for p in parts)

    return parse


def _confidence(value: str) -> tuple[int, str, int]:
    progress_id, when, level = value.split(":")
    if when not in {"before", "after"} or not progress_id.isdigit() or len(progress_id) > 12:
        raise ValueError(value)
    return int(progress_id), when, int(level)
