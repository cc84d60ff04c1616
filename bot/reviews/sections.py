"""The review's Home section, for each role: what is due in the open review, and by when. A rep: their
self review and the teammates they were asked to rate; a manager: their team's progress and their own
reviews; an admin: everyone's. A constant number of statements whatever the team's size."""

from __future__ import annotations

from sqlalchemy import select

from bot.i18n import Locale, day, t
from bot.reviews import progress
from bot.reviews.models import ReviewCycle, Stage
from bot.reviews.reviewing import MANAGER_STAGES, SELF_STAGES
from bot.roster.models import Member, Role
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.slack.sections import HomeContext, Section
from bot.text import Mrkdwn, join, mention

BUDGET = 8
PEER_STAGES = (Stage.OPEN, Stage.SELF_REVIEW, Stage.PEER_INPUT)


def _f(key: str, locale: Locale, **values: object) -> Mrkdwn:
    return t(f"reviews.flows.home.{key}", locale, **values)


def _rep_lines(context: HomeContext, cycle: ReviewCycle, locale: Locale) -> list[Mrkdwn]:
    rep_id = context.caller.member.id
    lines: list[Mrkdwn] = []
    if cycle.stage in SELF_STAGES:
        found = progress.self_review_of(context.session, cycle, rep_id)
        key = "self_done" if found is not None and found.submitted_at else "self_due"
        lines.append(_f(key, locale, due=day(cycle.self_due, locale)))
    if cycle.stage in PEER_STAGES:
        asked = progress.pending_ratings(context.session, cycle, rep_id)
        ids = [r.rep_id for r in asked]
        reps = context.session.scalars(select(Member).where(Member.id.in_(ids)).order_by(Member.id)).all()
        if reps:
            names = join(", ", [mention(rep.user_id) for rep in reps])
            lines.append(_f("rate_due", locale, reps=names, due=day(cycle.peer_due, locale)))
    return lines


def _manager_lines(context: HomeContext, cycle: ReviewCycle, locale: Locale) -> list[Mrkdwn]:
    caller = context.caller
    reps = progress.reps_of(context.session, caller.team_id, None if caller.is_admin() else caller.member.id)
    if not reps:
        return []
    rows = progress.team_progress(context.session, cycle, reps)
    counts = {
        "reps": len(rows),
        "selves": sum(row.self_done for row in rows),
        "rated": sum(row.peers_rated for row in rows),
        "asked": sum(row.peers_asked for row in rows),
        "reviewed": sum(row.manager_done for row in rows),
    }
    dues = {
        "self_due": day(cycle.self_due, locale),
        "peer_due": day(cycle.peer_due, locale),
        "manager_due": day(cycle.manager_due, locale),
    }
    lines = [_f("team", locale, **counts, **dues)]
    if cycle.stage in MANAGER_STAGES and counts["reviewed"] < counts["reps"]:
        lines.append(_f("manager_due", locale, left=counts["reps"] - counts["reviewed"], **dues))
    return lines


def build(context: HomeContext) -> list[Block]:
    locale = context.caller.locale
    cycle = progress.open_cycle_of(context.session, context.caller.team_id)
    if cycle is None:
        return []
    role = context.caller.role
    lines = _rep_lines(context, cycle, locale) if role is Role.REP else _manager_lines(context, cycle, locale)
    if not lines:
        return []
    stage = t(f"reviews.stage_{cycle.stage.value}", locale)
    heading = _f("heading", locale, quarter=cycle.quarter, stage=stage)
    return [blocks.section(join("\n", [heading, *lines]))]


HOME_SECTIONS = (Section("reviews", BUDGET, build),)
