"""The goals feature's Home section: a rep's goals, each with its pace bar, result and what each week
still needs."""

from __future__ import annotations

from decimal import Decimal

from bot import calendar
from bot.goals import service as goals
from bot.goals.numbers import format_amount, format_ratio
from bot.i18n import Locale, t
from bot.roster.models import Role
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.slack.sections import HomeContext, Section
from bot.text import one_line

MAX_ROWS = 60  # one section per goal; the home tab allows 100 blocks in all


def bar(ratio: Decimal | None, width: int = 10) -> str:
    if ratio is None:
        return "░" * width
    filled = max(0, min(width, int(ratio * width)))
    return "▓" * filled + "░" * (width - filled)


def goal_row(row: goals.Progress, locale: Locale) -> Block:
    unit = row.goal.unit
    needed = format_amount(row.weekly_needed, unit, locale) if row.weekly_needed is not None else "—"
    return blocks.section(
        t(
            "home.goal",
            locale,
            title=one_line(row.goal.title),
            bar=bar(row.pace.ratio),
            pace=format_ratio(row.pace.ratio),
            result=format_amount(row.pace.result_to_date, unit, locale),
            target=format_amount(row.goal.target, unit, locale),
            needed=needed,
        )
    )


def _goals(context: HomeContext) -> list[Block]:
    through = calendar.last_ended_week(context.now.date())
    rows = goals.visible_goals(context.session, caller=context.caller, rep=None, through=through)
    if not rows:
        return [blocks.section(t("home.no_goals", context.caller.locale))]
    return [goal_row(row, context.caller.locale) for row in rows[:MAX_ROWS]]


HOME_SECTIONS: tuple[Section[HomeContext], ...] = (
    Section("goals.progress", budget=MAX_ROWS, build=_goals, audience=frozenset({Role.REP})),
)
