"""The check-ins feature's Home section: a rep's week (checked in or not, with the button) and when the
next nudge comes (it opens the rep's Home tab, so its title is the tab's header); and the nudge fields of
`/pacer setup`."""

from __future__ import annotations

from bot import calendar
from bot.checkins.service import checkins_of
from bot.checkins.views import week_label
from bot.i18n import Locale, moment, t
from bot.roster.models import Member, Role
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.slack.ids import Action, SetupBlock
from bot.slack.sections import HomeContext, Section, SetupField, SetupSection
from bot.workspaces.models import Workspace
from bot.workspaces.service import REMINDER_DELAYS, WorkspaceSettings
from bot.workspaces.views import select, time_input, weekday_input


def _week(context: HomeContext) -> list[Block]:
    session, locale, now = context.session, context.caller.locale, context.now
    workspace = session.get_one(Workspace, context.caller.team_id)
    rep = session.get_one(Member, context.caller.member.id)
    zone = calendar.member_zone(rep, workspace)
    week = calendar.checkin_week(workspace, zone, now)
    checked_in = bool(checkins_of(session, rep_id=rep.id, week_start=week))
    state = "home.checked_in" if checked_in else "home.not_checked_in"
    check = blocks.section(t(state, locale, week=week_label(week, locale)))
    check["accessory"] = blocks.button(
        Action.CHECKIN_OPEN,
        t("nudge.edit_button" if checked_in else "nudge.button", locale),
        week.isoformat(),
        primary=not checked_in,
    )
    when = moment(calendar.next_nudge(workspace, zone, now), zone, locale)
    return [check, blocks.context(t("home.next_nudge", locale, when=when))]


HOME_SECTIONS: tuple[Section[HomeContext], ...] = (
    Section(
        "checkins.week",
        budget=3,
        build=_week,
        audience=frozenset({Role.REP}),
        title=lambda context: t("home.rep_title", context.caller.locale),
    ),
)


def _nudge_weekday(current: WorkspaceSettings, locale: Locale) -> Block:
    label = t("setup.nudge_weekday", locale)
    return weekday_input(SetupBlock.NUDGE_WEEKDAY, label, current.nudge_weekday, locale)


def _nudge_time(current: WorkspaceSettings, locale: Locale) -> Block:
    label, hint = t("setup.nudge_time", locale), t("setup.nudge_time_hint", locale)
    return time_input(SetupBlock.NUDGE_TIME, label, current.nudge_time, hint)


def _reminder_delay(current: WorkspaceSettings, locale: Locale) -> Block:
    delays = [blocks.option(t("setup.hours", locale, hours=hours), str(hours)) for hours in REMINDER_DELAYS]
    return blocks.input_block(
        SetupBlock.REMINDER_DELAY.value,
        t("setup.reminder_delay", locale),
        select(delays, str(current.reminder_delay_hours)),
    )


SETUP = SetupSection(
    "checkins",
    (
        SetupField(SetupBlock.NUDGE_WEEKDAY.value, 30, _nudge_weekday),
        SetupField(SetupBlock.NUDGE_TIME.value, 40, _nudge_time),
        SetupField(SetupBlock.REMINDER_DELAY.value, 50, _reminder_delay),
    ),
)
