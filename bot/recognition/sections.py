"""Where kudos show: the weekly digest's shout-outs (public kudos the digest's reps received that week)
and the Home tab (what the person has left to give, the kudos they received this month, their badges).
A constant number of statements whatever the team's size."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.i18n import Locale, t
from bot.recognition import allowance, views
from bot.recognition.models import Badge, Kudos, Status
from bot.recognition.settings import load_config
from bot.roster.models import Member
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.slack.sections import DigestContext, HomeContext, Section
from bot.text import Mrkdwn, join
from bot.workspaces.models import Workspace

SHOUT_OUTS = 5  # kudos a digest shows
HOME_KUDOS = 3  # received kudos the Home tab shows
HOME_BADGES = 3
HOME_HELD = 3  # held kudos an admin's Home shows, with Approve / Reject


def _lines(session: Session, found: list[Kudos], locale: Locale) -> list[Mrkdwn]:
    """Each kudos as a line, with the givers' and receivers' user ids read in one statement."""
    ids = {k.giver_id for k in found} | {k.receiver_id for k in found}
    rows = session.execute(select(Member.id, Member.user_id).where(Member.id.in_(ids)))
    users = {member_id: user_id for member_id, user_id in rows}
    return [views.kudos_line(k, users[k.giver_id], users[k.receiver_id], locale) for k in found]


def shout_outs(context: DigestContext) -> list[Block]:
    """The week's public kudos to the digest's reps, the biggest first."""
    session, digest = context.session, context.digest
    rep_ids = [line.rep.id for line in digest.lines]
    workspace = session.get(Workspace, digest.team_id) if session is not None else None
    if session is None or workspace is None or not rep_ids:
        return []
    start, end = calendar.workspace_span(workspace, digest.week_start, digest.week_start + calendar.WEEK)
    found = session.scalars(
        select(Kudos)
        .where(
            Kudos.team_id == digest.team_id,
            Kudos.receiver_id.in_(rep_ids),
            Kudos.status == Status.ACCEPTED,
            Kudos.public.is_(True),
            Kudos.created_at >= start,
            Kudos.created_at < end,
        )
        .order_by(Kudos.points.desc(), Kudos.id)
        .limit(SHOUT_OUTS)
    ).all()
    if not found:
        return []
    heading = t("recognition.digest.heading", context.locale)
    return [blocks.section(join("\n", [heading, *_lines(session, list(found), context.locale)]))]


def _received(context: HomeContext, month_start: datetime) -> list[Mrkdwn]:
    member, locale = context.caller.member, context.caller.locale
    found = context.session.scalars(
        select(Kudos)
        .where(
            Kudos.team_id == member.team_id,
            Kudos.receiver_id == member.id,
            Kudos.status == Status.ACCEPTED,
            Kudos.created_at >= month_start,
        )
        .order_by(Kudos.created_at.desc(), Kudos.id.desc())
    ).all()
    if not found:
        return [t("recognition.home.none_received", locale)]
    total = views.points(sum(k.points for k in found), locale)
    head = t("recognition.home.received", locale, count=len(found), points=total)
    return [head, *_lines(context.session, list(found[:HOME_KUDOS]), locale)]


def _badges(context: HomeContext) -> list[Mrkdwn]:
    member, locale = context.caller.member, context.caller.locale
    found = context.session.scalars(
        select(Badge)
        .where(Badge.team_id == member.team_id, Badge.rep_id == member.id)
        .order_by(Badge.month.desc())
        .limit(HOME_BADGES)
    ).all()
    return [t("recognition.home.badge", locale, month=views.month_label(b.month, locale)) for b in found]


def home(context: HomeContext) -> list[Block]:
    """The person's recognition: what is left to give, kudos received this month, badges."""
    session, caller = context.session, context.caller
    workspace = session.get(Workspace, caller.team_id)
    me = session.get(Member, caller.member.id)
    if workspace is None or me is None:
        return []
    month = allowance.month_of(me, workspace, context.now)
    balance = allowance.balance(session, me, month, load_config(session, caller.team_id))
    month_start = calendar.day_start(me, workspace, month)
    lines = [views.left_line(balance, caller.locale), *_received(context, month_start), *_badges(context)]
    main = blocks.section(join("\n", [t("recognition.home.heading", caller.locale), *lines]))
    return [main, *(_held(context) if caller.is_admin() else [])]


def _held(context: HomeContext) -> list[Block]:
    """An admin's held kudos, oldest first, with Approve / Reject: none waits unseen, even when no admin
    was known to Pacer when it was held (so no review DM went out)."""
    session, locale = context.session, context.caller.locale
    found = session.scalars(
        select(Kudos)
        .where(Kudos.team_id == context.caller.team_id, Kudos.status == Status.HELD)
        .order_by(Kudos.created_at, Kudos.id)
        .limit(HOME_HELD)
    ).all()
    out: list[Block] = []
    for kudos, line in zip(found, _lines(session, list(found), locale), strict=True):
        why = t("recognition.home.held", locale, why=views.why_held(kudos, locale))
        out += [blocks.section(join("\n", [why, line])), views.review_buttons(kudos, locale)]
    return out


HOME_SECTIONS = (Section("recognition.home", 2 + 2 * 3, home),)
DIGEST_SECTIONS = (Section("recognition.shout_outs", 2, shout_outs),)
