"""The goals feature's Home section: a rep's goals as a table. An agreed goal shows its pace bar and
figures (to date, this week's target, what each week still needs), in progress from its first day; a
pending goal shows as pending, with Agree and Discuss when it waits for the rep."""

from __future__ import annotations

from datetime import date

from bot import calendar
from bot.format import day_text
from bot.goals import service as goals
from bot.goals.models import GoalStatus
from bot.home import table
from bot.i18n import Locale, t
from bot.roster.models import Role
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.slack.ids import Action
from bot.slack.sections import HomeContext, Section
from bot.text import one_line
from bot.workspaces.models import Workspace

BUDGET = 60  # a goal is one or two blocks; the home tab allows 100 blocks in all
PENDING_EMOJI = {GoalStatus.PROPOSED: "📝", GoalStatus.AWAITING_AGREEMENT: "✍️", GoalStatus.DISCUSSING: "💬"}


def _ends(row: goals.Progress, locale: Locale) -> str:
    goal = row.goal
    target = table.figure(goal.target, goal.unit, locale)
    return table.field(
        "home.table.goal",
        t("home.table.ends", locale, target=target, end=day_text(goal.end_date, locale)),
        locale,
    )


def _this_week(row: goals.Progress, this: date, locale: Locale) -> str:
    week_target = row.target_of(this)
    figure = table.figure(week_target, row.goal.unit, locale) if week_target is not None else "—"
    return table.field("home.table.this_week", figure, locale)


def goal_row(row: goals.Progress, locale: Locale, *, last: date, this: date) -> list[Block]:
    """An agreed goal: pace to date through `last` (the week that ended), or its first week in progress
    (or when it starts) while none of its weeks has ended."""
    goal, unit, title = row.goal, row.goal.unit, one_line(row.goal.title)
    if goal.start_date > calendar.week_end(last):
        state = "home.table.first_week" if goal.start_date <= calendar.week_end(this) else "home.table.starts"
        text = t(state, locale, title=title, bar=table.bar(None), start=day_text(goal.start_date, locale))
        return table.row(text, [_this_week(row, this, locale), _ends(row, locale)], row_id=f"goal:{goal.id}")
    needed = table.figure(row.weekly_needed, unit, locale) if row.weekly_needed is not None else "—"
    to_date = table.of(row.pace.result_to_date, row.pace.target_to_date, unit, locale)
    cells = [
        table.field("home.table.to_date", to_date, locale),
        _ends(row, locale),
        _this_week(row, this, locale),
        table.field("home.table.needed", needed, locale),
    ]
    text = t("home.table.goal_line", locale, title=title, pace=table.pace(row.pace.ratio, locale))
    return table.row(text, cells, row_id=f"goal:{goal.id}")


def pending_row(row: goals.Progress, locale: Locale) -> list[Block]:
    """A goal not agreed yet, as pending: what it waits for, its target and period, and the rep's Agree
    and Discuss (the goal DM's own buttons) when it waits for them."""
    goal = row.goal
    text = t(
        f"home.table.pending_{goal.status.value}",
        locale,
        emoji=PENDING_EMOJI[goal.status],
        title=one_line(goal.title),
    )
    cells = [
        table.field("home.table.target", table.figure(goal.target, goal.unit, locale), locale),
        table.field(
            "home.table.period",
            t(
                "home.table.dates",
                locale,
                start=day_text(goal.start_date, locale),
                end=day_text(goal.end_date, locale),
            ),
            locale,
        ),
    ]
    value = f"{goal.id}:{goal.version}"  # as on the goal DM: a click on an older version is told it is stale
    agree = blocks.button(Action.GOAL_AGREE, t("goal.agree", locale), value, primary=True)
    discuss = blocks.button(Action.GOAL_DISCUSS, t("goal.discuss", locale), value)
    buttons = {
        GoalStatus.AWAITING_AGREEMENT: [agree, discuss],
        GoalStatus.DISCUSSING: [agree],
    }.get(goal.status, [])
    return table.row(text, cells, buttons, row_id=f"goal_actions:{goal.id}")


def _goals(context: HomeContext) -> list[Block]:
    locale = context.caller.locale
    workspace = context.session.get_one(Workspace, context.caller.team_id)
    last, this = calendar.status_weeks(workspace, context.now)
    rows = goals.visible_goals(context.session, caller=context.caller, rep=None, through=last)
    if not rows:
        return [blocks.section(t("home.no_goals", locale))]
    body: list[Block] = []
    for row in goals.pending(rows):  # waiting for an answer: first
        body += pending_row(row, locale)
    for row in goals.active(rows):
        body += goal_row(row, locale, last=last, this=this)
    return body


HOME_SECTIONS: tuple[Section[HomeContext], ...] = (
    Section("goals.progress", budget=BUDGET, build=_goals, audience=frozenset({Role.REP})),
)
