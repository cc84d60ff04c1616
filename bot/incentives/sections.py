"""The incentives' Home section, for a rep: each running plan with their attainment to date, the payout it
implies now and what it takes to reach the next tier — the motivating number, where the rep looks daily —
and each running threshold contest with what it takes to reach the next threshold."""

from __future__ import annotations

from bot.i18n import t
from bot.incentives import contest_views, contests, showing, views
from bot.roster.models import Role
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.slack.sections import HomeContext, Section
from bot.text import join

BUDGET = 4


def build(context: HomeContext) -> list[Block]:
    locale = context.caller.locale
    today = showing.today_of(context.session, context.caller, context.now)
    found = showing.rep_plans(context.session, context.caller, today=today)
    caller = context.caller
    standings = contests.standings(context.session, caller.team_id, caller.member.id, today=today)
    sections = [
        views.rep_plan(p.plan, p.figure, p.now, locale) + views.seat_line(p.seat, locale)
        for p in found[:BUDGET]
    ] + [contest_views.rep_standing(s, locale) for s in standings[: BUDGET - min(len(found), BUDGET)]]
    if not sections:
        return []
    sections[0] = [t("incentives.rep.home", locale), *sections[0]]
    return [blocks.section(join("\n", lines)) for lines in sections]


HOME_SECTIONS = (Section("incentives.rep", BUDGET, build, audience=frozenset({Role.REP})),)
