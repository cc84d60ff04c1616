"""Training on the Home tab (a rep: where they are, the due dates and when the next lesson comes; a
manager: their team's completion; an admin: completion per vendor), in the weekly digest (completion % per
vendor and the overdue count), and the lines of `/pacer training`. Each built from `tracking.rows`: one
statement, whatever the numbers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from bot import calendar, format
from bot.i18n import Locale, day, moment, t
from bot.roster.models import Role
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.slack.sections import DigestContext, HomeContext, Section
from bot.text import Mrkdwn, safe_mention
from bot.training import tracking
from bot.training.service import settings_of
from bot.training.tracking import Row, Scope, Tally
from bot.workspaces.models import Workspace

BUDGET = 6
LINES_MAX = 40  # rows listed by `/pacer training`; the totals count them all


def ratio(tally: Tally, locale: Locale) -> str:
    return format.percent(Decimal(tally.done) / tally.total if tally.total else None, locale)


def row_line(row: Row, today: date, locale: Locale, *, who: bool = True) -> Mrkdwn:
    """One assignment: who, which course, where they are, its due date (overdue said)."""
    if row.done and row.progress is not None:
        state = t("training.report.done", locale, score=_score(row.progress.score, locale))
    elif row.sent:
        state = t("training.report.at", locale, n=row.sent, count=row.course.lesson_count)
    else:
        state = t("training.report.not_started", locale)
    due_key = "training.report.overdue" if row.overdue(today) else "training.report.due"
    values = {
        "course": row.course.title,
        "state": state,
        "due": t(due_key, locale, due=day(row.assignment.due, locale)),
    }
    if who:
        return t("training.report.line", locale, user=safe_mention(row.rep.user_id), **values)
    return t("training.report.own_line", locale, **values)


def _score(score: int | None, locale: Locale) -> str:
    return format.percent(Decimal(score) / 100, locale) if score is not None else format.NONE


def summary(found: dict[str | None, Tally], locale: Locale) -> Mrkdwn:
    """ "12 of 20 assignments completed (60%); 3 overdue." over every vendor's tally."""
    all_ = tracking.total(found)
    return t(
        "training.report.summary",
        locale,
        done=all_.done,
        total=all_.total,
        percent=ratio(all_, locale),
        overdue=all_.overdue,
    )


def vendor_lines(found: dict[str | None, Tally], locale: Locale) -> list[Mrkdwn]:
    return [
        t(
            "training.report.vendor",
            locale,
            vendor=name or t("training.report.no_vendor", locale),
            percent=ratio(tally, locale),
            done=tally.done,
            total=tally.total,
            overdue=tally.overdue,
        )
        for name, tally in found.items()
    ]


def _today(context: HomeContext) -> date:
    workspace = context.session.get_one(Workspace, context.caller.team_id)
    return calendar.zone_today(context.caller.member.timezone, workspace, context.now)


def _rep(context: HomeContext) -> list[Block]:
    found = tracking.rows(context.session, Scope(context.caller.team_id, rep_id=context.caller.member.id))
    if not found:
        return []
    today, locale = _today(context), context.caller.locale
    lines = [row_line(row, today, locale, who=False) for row in found]
    return [
        blocks.section(t("training.home.rep_title", locale)),
        *blocks.sections_from_lines(lines, max_blocks=4),
        *_next_lesson(context, found),
    ]


def _next_lesson(context: HomeContext, found: list[Row]) -> list[Block]:
    """When the rep's next lesson comes, as the lesson job picks it: of their first course in line (the
    earliest due with a lesson still to send), on the next training day of theirs with nothing sent yet
    (any course before it in line that had a lesson today holds the day), at the lesson time in their zone."""
    open_rows = [row for row in found if not row.done]
    ahead = next((n for n, row in enumerate(open_rows) if row.sent < row.course.lesson_count), None)
    if ahead is None:
        return []
    row, sent = open_rows[ahead], [r.progress.last_sent_on for r in open_rows[: ahead + 1] if r.progress]
    latest = max((day for day in sent if day is not None), default=None)
    workspace = context.session.get_one(Workspace, context.caller.team_id)
    settings = settings_of(context.session, context.caller.team_id)
    when = calendar.next_lesson(
        row.rep, workspace, settings.weekdays, settings.lesson_time, context.now, sent_on=latest
    )
    if when is None:
        return []
    locale, zone = context.caller.locale, calendar.member_zone(row.rep, workspace)
    values = {"course": row.course.title, "n": row.sent + 1, "count": row.course.lesson_count}
    key = "training.home.next_lesson" if row.progress else "training.home.next_start"
    return [blocks.context(t(key, locale, when=moment(when, zone, locale), **values))]


def _team(context: HomeContext) -> list[Block]:
    caller, locale = context.caller, context.caller.locale
    scope = Scope(caller.team_id) if caller.is_admin() else Scope(caller.team_id, manager_id=caller.member.id)
    found = tracking.tallies(context.session, scope, _today(context))
    if not found:
        return []
    title = t("training.home.admin_title" if caller.is_admin() else "training.home.team_title", locale)
    body = [blocks.section(title), blocks.section(summary(found, locale))]
    if caller.is_admin():
        body += blocks.sections_from_lines(vendor_lines(found, locale), max_blocks=3)
    return body


def _digest(context: DigestContext) -> list[Block]:
    rep_ids = tuple(line.rep.id for line in context.digest.lines)
    if context.session is None or not rep_ids:
        return []
    today = context.digest.week_start + calendar.WEEK
    found = tracking.tallies(context.session, Scope(context.digest.team_id, rep_ids=rep_ids), today)
    if not found:
        return []
    locale = context.locale
    parts = [
        t(
            "training.digest.vendor",
            locale,
            vendor=name or t("training.report.no_vendor", locale),
            percent=ratio(v, locale),
        )
        for name, v in found.items()
    ]
    line = t(
        "training.digest.line",
        locale,
        vendors=Mrkdwn(", ".join(parts)),
        overdue=tracking.total(found).overdue,
    )
    return [blocks.context(line)]


HOME_SECTIONS: tuple[Section[HomeContext], ...] = (
    Section("training.rep", BUDGET, _rep, frozenset({Role.REP})),
    Section("training.team", BUDGET, _team, frozenset({Role.MANAGER, Role.ADMIN})),
)
DIGEST_SECTIONS: tuple[Section[DigestContext], ...] = (Section("training.digest", 1, _digest),)
