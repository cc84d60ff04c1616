"""The digests feature's Home section: the team table on a manager's (and an admin's) Home tab. Its
digest sections are `views.DIGEST_SECTIONS`; and the digest fields of `/pacer setup` (channel, day, time,
which week it reports)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

from sqlalchemy import func, select

from bot import calendar
from bot.checkins.views import week_label
from bot.digests import posting, service, weeks
from bot.digests.messages import digest_channel
from bot.digests.views import BADGES, badge_of, marked, summary_lines
from bot.feedback import service as feedback
from bot.goals import service as goals
from bot.goals.models import Goal, GoalStatus
from bot.home import table
from bot.i18n import Locale, t
from bot.roster.models import Member, Role
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.slack.ids import Action, SetupBlock
from bot.slack.sections import HomeContext, Section, SetupField, SetupSection
from bot.text import Mrkdwn, join, one_line
from bot.workspaces.models import Workspace
from bot.workspaces.service import WorkspaceSettings
from bot.workspaces.views import select as select_input
from bot.workspaces.views import time_input, weekday_input

ROW_BLOCKS = 54  # rep rows (one or two blocks each) and the "more" tail, inside the section's budget of 65
_WEEK_LABEL = {False: "home.table.last_week", True: "home.table.so_far"}


@dataclass(frozen=True)
class Team:
    """What the team table is built from, in a constant number of statements whatever the team's size."""

    week: weeks.StatusWeek
    digest: service.Digest
    reps: list[Member]  # the first reps by name, as many as could be shown
    total: int  # all of the team's reps
    open_goals: dict[int, list[Goal]]  # of `reps`
    feedback_due: set[int]  # reps to give this month's feedback to, while the feedback window is open

    @cached_property
    def lines(self) -> dict[int, service.RepLine]:
        return {line.rep.id: line for line in self.digest.lines}


def _team(context: HomeContext) -> Team:
    session, caller = context.session, context.caller
    scope = service.own_scope(caller)
    week = weeks.status_week(session, scope, context.now)
    reps = [
        rep for rep, _vendor in session.execute(scope.reps().limit(ROW_BLOCKS))
    ]  # rows of a block or more
    return Team(
        week,
        service.build(session, scope, week.start),
        reps,
        session.scalar(select(func.count()).select_from(scope.rep_ids().subquery())) or 0,
        goals.open_goals_of(session, team_id=caller.team_id, rep_ids=[rep.id for rep in reps]),
        _feedback_due(context),
    )


def _feedback_due(context: HomeContext) -> set[int]:
    session, now = context.session, context.now
    manager = session.get_one(Member, context.caller.member.id)
    workspace = session.get_one(Workspace, context.caller.team_id)
    if not calendar.feedback_window_open(manager, workspace, now):
        return set()
    month = calendar.local_month(manager, workspace, now)
    return {rep.id for rep in feedback.missing_for_manager(session, manager=manager, month=month)}


def _figures(line: service.RepLine, locale: Locale, *, week: bool) -> Mrkdwn:
    parts = [
        marked(table.of(a.week_result, a.week_target, unit, locale), line.sources.get(unit), locale)
        if week
        else table.of(a.result_to_date, a.target_to_date, unit, locale)
        for unit, a in sorted(line.by_unit.items())
    ]
    return join(" · ", parts) or Mrkdwn("—")


def _counted(line: service.RepLine, in_progress: bool, locale: Locale) -> tuple[Mrkdwn, list[str]]:
    """A rep with figures that week: their status and pace bar, and the week's and to-date figures."""
    text = t(
        "home.table.rep_line",
        locale,
        emoji=BADGES[badge_of(line, in_progress=in_progress)],
        rep=line.rep.user_id,
    )
    confidence = t(f"confidence.{line.confidence.value}", locale) if line.confidence else None
    return join("\n", [text, table.pace(line.pace, locale)]), [
        table.field(_WEEK_LABEL[in_progress], _figures(line, locale, week=True), locale),
        table.field("home.table.to_date", _figures(line, locale, week=False), locale),
        table.field("home.table.check_in", confidence or t("digest.no_checkin", locale), locale),
    ]


def _goal_cells(open_goals: list[Goal], counted: bool, locale: Locale) -> list[str]:
    """Pending goals as pending; an agreed goal not counted that week, with when it starts."""
    pending = [
        t(
            "home.table.pending_goal",
            locale,
            title=one_line(g.title),
            status=t(f"goal_status.{g.status}", locale),
        )
        for g in open_goals
        if g.status in goals.PENDING
    ]
    cells: list[str] = [table.field("home.table.pending", join("\n", pending), locale)] if pending else []
    starting = [g for g in open_goals if g.status is GoalStatus.ACTIVE]
    if starting and not counted:
        title = t(
            "home.table.goal_from", locale, title=one_line(starting[0].title), start=starting[0].start_date
        )
        cells.append(table.field("home.table.goal", title, locale))
    if not open_goals:
        cells.append(table.field("home.table.goal", t("home.table.no_goal", locale), locale))
    return cells


def rep_row(rep: Member, team: Team, locale: Locale) -> list[Block]:
    """A rep's row: status, pace bar and figures (or that they have none yet), pending goals, and the
    buttons that apply: Give feedback in the feedback window, Approve or Edit a goal waiting for the
    manager, New goal when they have no open goal."""
    line = team.lines.get(rep.id)
    open_goals = team.open_goals.get(rep.id, [])
    if line is not None:
        text, cells = _counted(line, team.week.in_progress, locale)
    else:
        text, cells = t("home.table.rep_line", locale, emoji=BADGES["none"], rep=rep.user_id), []
    cells += _goal_cells(open_goals, line is not None, locale)
    buttons = []
    if rep.id in team.feedback_due:
        buttons.append(
            blocks.button(Action.FEEDBACK_GIVE, t("home.table.give_feedback", locale), str(rep.id))
        )
    buttons += _waiting_on_manager(open_goals, locale)
    if not open_goals:
        buttons.append(blocks.button(Action.HOME_NEW_GOAL, t("home.new_goal", locale), str(rep.id)))
    return table.row(text, cells, buttons, row_id=f"home_rep:{rep.id}")


def _waiting_on_manager(open_goals: list[Goal], locale: Locale) -> list[dict[str, Any]]:
    """The goal DMs' own buttons for the first goal that waits for the manager: Approve a rep's proposal,
    or Edit a goal the rep wants to discuss (one of each at most: action ids are unique in a block)."""
    out = []
    proposed = [g for g in open_goals if g.status is GoalStatus.PROPOSED]
    if proposed:
        value = f"{proposed[0].id}:{proposed[0].version}"
        out.append(blocks.button(Action.GOAL_APPROVE, t("goal.approve", locale), value, primary=True))
    discussing = [g for g in open_goals if g.status is GoalStatus.DISCUSSING]
    if discussing:
        value = f"{discussing[0].id}:{discussing[0].version}"
        out.append(blocks.button(Action.GOAL_EDIT, t("goal.edit", locale), value))
    return out


def team_rows(team: Team, locale: Locale, *, max_blocks: int = ROW_BLOCKS) -> list[Block]:
    """A row per rep of the team, with or without goals, inside `max_blocks` (the last one a note of how
    many are shown when they do not all fit)."""
    body: list[Block] = []
    shown = 0
    for rep in team.reps:
        part = rep_row(rep, team, locale)
        if len(body) + len(part) > max_blocks - 1:
            break
        body += part
        shown += 1
    if shown < team.total:
        body.append(blocks.context(t("home.more_reps", locale, shown=shown, total=team.total)))
    if not team.reps:
        body.append(blocks.section(t("home.no_team", locale)))
    return body


def _team_home(context: HomeContext) -> list[Block]:
    """The team's figures, who is missing, help requests, a row per rep, and buttons to act."""
    team, locale = _team(context), context.caller.locale
    post = posting.post_button(digest_channel(context.session, context.caller), locale)  # asks first
    return [
        {"type": "actions", "block_id": "home_actions", "elements": [post]},
        *blocks.sections_from_lines(summary_lines(team.digest, locale), max_blocks=8),
        {"type": "divider"},
        *team_rows(team, locale),
    ]


def _team_title(context: HomeContext) -> str:
    week = weeks.status_week(context.session, service.own_scope(context.caller), context.now)
    label = week_label(week.start, context.caller.locale)
    key = "home.table.manager_title_in_progress" if week.in_progress else "home.manager_title"
    return t(key, context.caller.locale, week=label)


HOME_SECTIONS: tuple[Section[HomeContext], ...] = (
    Section(
        "digests.team",
        budget=65,  # the team table; the other features' sections take the rest of the 100
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
        select_input(reports, "current" if current.report_current_week else "last"),
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
