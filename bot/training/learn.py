"""`/pacer learn [category]` (the library), `/pacer learn add <category> <url> <title>` (managers and
admins), `/pacer learn log <minutes> "<what>" [takeaway]` (reps), and the self-study lines `/pacer training`
shows for one rep."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import calendar
from bot.i18n import Locale, day, t
from bot.roster.models import Member
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.slack.commands import CommandRequest
from bot.text import Mrkdwn, escape
from bot.training import library
from bot.training.models import Resource
from bot.workspaces.models import Workspace


def browse(request: CommandRequest) -> None:
    locale = request.locale
    category = library.category_of(request.args[0]) if request.args else None
    if len(request.args) > 1:
        request.reply(t("training.learn.usage", locale))
        return
    with request.deps.session_factory() as session:
        found = library.resources(session, request.caller.team_id, category)
    if not found:
        request.reply(t("training.learn.empty", locale))
        return
    title = t("training.learn.title", locale, count=len(found))
    lines = [_line(resource, locale) for resource in found]
    request.reply(title, [blocks.section(title), *blocks.sections_from_lines(lines, max_blocks=20)])


def _line(resource: Resource, locale: Locale) -> Mrkdwn:
    link = Mrkdwn(f"<{escape(resource.url)}|{escape(resource.title)}>")
    category = t(f"training.category.{resource.category.value}", locale)
    return t("training.learn.line", locale, link=link, category=category, language=resource.language)


def add(request: CommandRequest) -> None:
    with request.deps.session_factory.begin() as session:
        by = session.get_one(Member, request.caller.member.id)
        resource = library.add_resource(
            session, by, request.args, language=request.locale, now=request.deps.clock()
        )
        text = t("training.learn.added", request.locale, title=resource.title)
    request.reply(text)


def log(request: CommandRequest) -> None:
    with request.deps.session_factory.begin() as session:
        rep = session.get_one(Member, request.caller.member.id)
        logged = library.log_study(session, rep, request.args, now=request.deps.clock())
        text = t("training.learn.logged", request.locale, what=logged.what, minutes=logged.minutes)
    request.reply(text)


def self_study(session: Session, team_id: str, rep_id: int, locale: Locale) -> list[Block]:
    """A rep's latest self-study, under their courses in `/pacer training`, each on the rep's own day."""
    logs = library.study_logs(session, team_id, rep_id)
    if not logs:
        return []
    rep, workspace = session.get_one(Member, rep_id), session.get_one(Workspace, team_id)
    lines = [
        t(
            "training.learn.log_line",
            locale,
            day=day(calendar.member_today(rep, workspace, entry.logged_at), locale),
            what=entry.what,
            minutes=entry.minutes,
            takeaway=entry.takeaway or "—",
        )
        for entry in logs
    ]
    return [
        blocks.section(t("training.learn.self_study", locale)),
        *blocks.sections_from_lines(lines, max_blocks=3),
    ]
