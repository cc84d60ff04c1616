"""The digests feature's Home section: the team table on a manager's (and an admin's) Home tab. Its
digest sections are `views.DIGEST_SECTIONS`; and the digest fields of `/pacer setup` (channel, day, time,
which week it reports)."""

from __future__ import annotations

from typing import Any

from bot import calendar
from bot.checkins.views import week_label
from bot.digests import service
from bot.digests.views import rep_line, summary_lines
from bot.i18n import Locale, t
from bot.roster.models import Role
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.slack.ids import Action, SetupBlock
from bot.slack.sections import HomeContext, Section, SetupField, SetupSection
from bot.workspaces.models import Workspace
from bot.workspaces.service import WorkspaceSettings
from bot.workspaces.views import select, time_input, weekday_input

MAX_ROWS = 60  # rep rows with a button each; the home tab allows 100 blocks in all


def _team_digest(context: HomeContext) -> service.Digest:
    week = calendar.last_week(context.session.get_one(Workspace, context.caller.team_id), context.now)
    return service.build(context.session, service.own_scope(context.caller), week)


def team_rows(digest: service.Digest, locale: Locale) -> list[Block]:
    """A row per rep (the digest's line) with a button to set them a goal, or a note that none are yet."""
    body: list[Block] = []
    for line in digest.lines[:MAX_ROWS]:
        row = blocks.section(rep_line(line, locale))
        row["accessory"] = blocks.button(Action.HOME_NEW_GOAL, t("home.new_goal", locale), str(line.rep.id))
        body.append(row)
    if len(digest.lines) > MAX_ROWS:
        body.append(blocks.context(t("home.more_reps", locale, shown=MAX_ROWS, total=len(digest.lines))))
    if not digest.lines:
        body.append(blocks.section(t("home.no_team", locale)))
    return body


def _team_home(context: HomeContext) -> list[Block]:
    """The team table (the digest's figures), who is missing, help requests, and buttons to act."""
    digest, locale = _team_digest(context), context.caller.locale
    post = blocks.button(Action.HOME_POST_DIGEST, t("home.post_digest", locale), primary=True)
    return [
        {"type": "actions", "block_id": "home_actions", "elements": [post]},
        *blocks.sections_from_lines(summary_lines(digest, locale), max_blocks=8),
        {"type": "divider"},
        *team_rows(digest, locale),
    ]


def _team_title(context: HomeContext) -> str:
    week = calendar.last_week(context.session.get_one(Workspace, context.caller.team_id), context.now)
    return t("home.manager_title", context.caller.locale, week=week_label(week, context.caller.locale))


HOME_SECTIONS: tuple[Section[HomeContext], ...] = (
    Section(
        "digests.team",
        budget=75,
        build=_team_home,
        audience=frozenset({Role.MANAGER, Role.ADMIN}),
        title=_team_title,
    ),
)


def _channel(current: WorkspaceSettings, locale: Locale) -> Block:
    channel: dict[str, Any] = {
        "type": "conversations_select",
        "filter": {"include": ["public", "private"], "exclude_bot_users": True},
    }
    if current.digest_channel_id:  # the placeholder: for clients that show no initial conversation
        channel["initial_conversation"] = current.digest_channel_id
        channel["placeholder"] = blocks.plain(t("setup.current.channel", locale), 150)
    return blocks.input_block(
        SetupBlock.DIGEST_CHANNEL.value,
        t("setup.digest_channel", locale),
        channel,
        hint=t("setup.digest_channel_hint", locale),
        optional=True,
    )


def _weekday(current: WorkspaceSettings, locale: Locale) -> Block:
    label = t("setup.digest_weekday", locale)
    return weekday_input(SetupBlock.DIGEST_WEEKDAY, label, current.digest_weekday, locale)


def _time(current: WorkspaceSettings, locale: Locale) -> Block:
    label, hint = t("setup.digest_time", locale), t("setup.digest_time_hint", locale)
    return time_input(SetupBlock.DIGEST_TIME, label, current.digest_time, hint)


def _report_week(current: WorkspaceSettings, locale: Locale) -> Block:
    reports = [
        blocks.option(t("setup.report_last", locale), "last"),
        blocks.option(t("setup.report_current", locale), "current"),
    ]
    return blocks.input_block(  # a select, not radio buttons: local-slack shows no radio's initial option
        SetupBlock.REPORT_WEEK.value,
        t("setup.report_week", locale),
        select(reports, "current" if current.report_current_week else "last"),
    )


SETUP = SetupSection(
    "digests",
    (
        SetupField(SetupBlock.DIGEST_CHANNEL.value, 10, _channel),
        SetupField(SetupBlock.DIGEST_WEEKDAY.value, 80, _weekday),
        SetupField(SetupBlock.DIGEST_TIME.value, 90, _time),
        SetupField(SetupBlock.REPORT_WEEK.value, 100, _report_week),
    ),
)
