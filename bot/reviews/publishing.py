"""Lock and publish a cycle in one action, and send what publishing sends, through the outbox (once per
key): every rep their scorecard with its chart, every vendor's contact their summary, every admin the
per-vendor comparison. The scorecards are kept first (`store_scorecards`) unless the cycle was locked
already. Also the calibration CSV on request. No Slack."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot import calendar
from bot.delivery.service import Outgoing, enqueue
from bot.digests.service import Scope
from bot.errors import NotAllowed
from bot.events import ReviewPublished, raise_after_commit
from bot.i18n import Locale
from bot.reviews import calibration, conversation, development, policy, service, talk_messages, talk_views
from bot.reviews import publish_messages as messages
from bot.reviews.models import (
    DIMENSIONS,
    ManagerReview,
    PeerRating,
    ReviewConversation,
    ReviewCycle,
    Scorecard,
)
from bot.reviews.publish_views import Shown, median_of
from bot.reviews.store import store_scorecards
from bot.roster.models import Member, Role, Vendor
from bot.roster.policy import Caller
from bot.roster.service import locale_of, role_of
from bot.workspaces.models import Workspace

CHART_BATCH = 25  # charts drawn (~0.1 s each) and queued per transaction, after publishing committed


@dataclass(frozen=True)
class To:
    """A rep as a DM needs them, still usable once the session that read them is closed."""

    id: int
    team_id: str
    user_id: str


@dataclass(frozen=True)
class ChartToDraw:
    """A scorecard's chart, to draw once publishing committed: the rep's five values (the four
    dimensions, then the overall), and their team's and vendor's medians."""

    to: To
    scorecard: str  # the key of the DM it replies to
    quarter: str
    locale: Locale
    values: tuple[Sequence[Decimal | int | None], ...]


@dataclass(frozen=True)
class Published:
    reps: int
    vendors: int
    admins: int
    charts: tuple[ChartToDraw, ...] = ()


def publish_cycle(
    session: Session,
    caller: Caller,
    cycle: ReviewCycle,
    *,
    now: datetime,
    admins: frozenset[str] = frozenset(),
) -> Published:
    """Admins only: keep the scorecards, lock and publish (`service.publish`), queue what goes out.
    `admins` are the PACER_ADMINS user ids (Slack admins and members made admin are found anyway)."""
    if not caller.is_admin() or caller.team_id != cycle.team_id:
        raise NotAllowed("reviews.errors.only_admins")
    rows = calibration.rows(session, Scope(cycle.team_id), cycle, through=now.date())
    if not cycle.locked:
        store_scorecards(session, cycle, [row.card for row in rows], now=now)
    service.publish(session, cycle, by=caller.member.id, now=now)
    raise_after_commit(session, ReviewPublished(cycle.team_id, cycle.id, caller.member.id))
    workspace = session.get_one(Workspace, cycle.team_id)
    out = _scorecards(session, cycle, rows, workspace)
    vendors = _vendor_summaries(session, cycle, rows, workspace)
    compared = _comparisons(session, caller, cycle, rows, workspace, named=admins)
    enqueue(session, [*out, *vendors, *compared, *_talk_asks(session, cycle, rows, workspace, now)], now=now)
    return Published(len(rows), len(vendors), len(compared), charts_of(cycle, rows, workspace))


def queue_charts(session: Session, charts: Sequence[ChartToDraw], *, now: datetime) -> int:
    """Draw `charts` and queue each in its scorecard's thread (once per key); how many were new."""
    from bot.reviews import chart  # matplotlib is heavy: load it only when charts are drawn

    out = [
        messages.chart_reply(
            item.to,
            item.scorecard,
            item.quarter,
            chart.render(chart.Bars(*item.values), item.quarter, item.locale),
            locale=item.locale,
        )
        for item in charts
    ]
    return enqueue(session, out, now=now)


def charts_of(
    cycle: ReviewCycle, rows: list[calibration.Row], workspace: Workspace
) -> tuple[ChartToDraw, ...]:
    """Each rep's chart: their levels against their team's and vendor's medians."""
    teams = _medians(rows, lambda row: row.rep.manager_id)
    vendors = _medians(rows, lambda row: row.rep.vendor_id)
    return tuple(
        ChartToDraw(
            To(row.rep.id, row.rep.team_id, row.rep.user_id),
            messages.scorecard_key(cycle, row.rep.id),
            cycle.quarter,
            locale_of(row.rep, workspace),
            (
                [*(row.level(d) for d in DIMENSIONS), row.overall],
                teams[row.rep.manager_id],
                vendors[row.rep.vendor_id],
            ),
        )
        for row in rows
    )


def medians(of: Sequence[calibration.Row]) -> list[Decimal | None]:
    """Each dimension's median level, then the median overall, of `of`."""
    return [
        *(median_of([row.level(d) for row in of]) for d in DIMENSIONS),
        median_of([r.overall for r in of]),
    ]


def _scorecards(
    session: Session, cycle: ReviewCycle, rows: list[calibration.Row], workspace: Workspace
) -> list[Outgoing]:
    """Each rep's scorecard DM, with what `policy.visible` lets the rep see."""
    ids, reviews, comments = _kept(session, cycle)
    talks, out = conversation.conversations(session, cycle), list[Outgoing]()
    for row in rows:
        locale, said = locale_of(row.rep, workspace), comments.get(row.rep.id, [])
        parts = policy.visible(policy.Viewer.REP, cycle.stage, comments=len(said))
        review = reviews.get(row.rep.id)
        shown = Shown(
            parts,
            review=review,
            comments=sorted(said) if policy.Part.COMMENT_SUMMARY in parts else [],
            link_name=_link_name(session, review),
        )
        out.append(
            messages.scorecard(
                row.rep,
                row,
                cycle,
                shown=shown,
                scorecard_id=ids.get(row.rep.id),
                locale=locale,
                talk=_talk_line(row.rep, talks.get(row.rep.id), workspace, locale),
            )
        )
    return out


def _link_name(session: Session, review: ManagerReview | None) -> str | None:
    """The name of what the development action links to, when its feature has connected a namer."""
    if review is None:
        return None
    return development.name_of(
        session, review.team_id, development.stored(review.development_kind, review.development_ref)
    )


def _talk_line(
    rep: Member, talk: ReviewConversation | None, workspace: Workspace, locale: Locale
) -> dict[str, Any] | None:
    """The scorecard's line on the review conversation (none for a rep without a manager)."""
    if rep.manager_id is None:
        return None
    return talk_views.state_block(talk, calendar.member_zone(rep, workspace), locale)


def _talk_asks(
    session: Session, cycle: ReviewCycle, rows: list[calibration.Row], workspace: Workspace, now: datetime
) -> list[Outgoing]:
    """Each rep with a manager is asked to book the review conversation (`bot.reviews.conversation`),
    unless it was booked already (a cycle reopened and published again)."""
    booked = conversation.conversations(session, cycle)
    rows = [row for row in rows if row.rep.id not in booked]
    ids = {row.rep.manager_id for row in rows if row.rep.manager_id is not None}
    managers = {
        m.id: m
        for m in session.scalars(select(Member).where(Member.team_id == cycle.team_id, Member.id.in_(ids)))
    }
    return [
        talk_messages.ask(cycle, row.rep, managers[row.rep.manager_id], workspace, now=now)
        for row in rows
        if row.rep.manager_id in managers
    ]


def _medians(
    rows: list[calibration.Row], key: Callable[[calibration.Row], int | None]
) -> dict[int | None, list[Decimal | None]]:
    groups: dict[int | None, list[calibration.Row]] = {}
    for row in rows:
        groups.setdefault(key(row), []).append(row)
    return {group: medians(members) for group, members in groups.items()}


def _kept(
    session: Session, cycle: ReviewCycle
) -> tuple[dict[int, int], dict[int, ManagerReview], dict[int, list[str]]]:
    """The cycle's scorecard ids, manager reviews and peer comments, by rep id (three statements)."""
    mine = (Scorecard.team_id == cycle.team_id, Scorecard.cycle_id == cycle.id)
    ids = {rep: card for rep, card in session.execute(select(Scorecard.rep_id, Scorecard.id).where(*mine))}
    reviews = {
        review.rep_id: review
        for review in session.scalars(
            select(ManagerReview).where(
                ManagerReview.team_id == cycle.team_id, ManagerReview.cycle_id == cycle.id
            )
        )
    }
    comments: dict[int, list[str]] = {}
    for rep_id, comment in session.execute(
        select(PeerRating.rep_id, PeerRating.comment).where(
            PeerRating.team_id == cycle.team_id,
            PeerRating.cycle_id == cycle.id,
            PeerRating.rating.is_not(None),
            PeerRating.comment != "",
        )
    ):
        comments.setdefault(rep_id, []).append(comment)
    return ids, reviews, comments


def _vendor_summaries(
    session: Session, cycle: ReviewCycle, rows: list[calibration.Row], workspace: Workspace
) -> list[Outgoing]:
    """A summary to each vendor's contact (in the workspace's language when Pacer has not met them)."""
    ids = {row.rep.vendor_id for row in rows if row.rep.vendor_id is not None}
    out = []
    for vendor in session.scalars(select(Vendor).where(Vendor.team_id == cycle.team_id, Vendor.id.in_(ids))):
        contact = session.scalars(
            select(Member).where(Member.team_id == cycle.team_id, Member.user_id == vendor.contact_user_id)
        ).first()
        if vendor.contact_user_id is None:
            continue
        of = [row for row in rows if row.rep.vendor_id == vendor.id]
        locale, to = locale_of(contact, workspace), contact or vendor.contact_user_id
        out.append(messages.vendor_summary(to, vendor.id, vendor.name, of, cycle, locale=locale))
    return out


def _comparisons(
    session: Session,
    caller: Caller,
    cycle: ReviewCycle,
    rows: list[calibration.Row],
    workspace: Workspace,
    *,
    named: frozenset[str],
) -> list[Outgoing]:
    """The per-vendor comparison to each active admin of the workspace (as `role_of` decides: a full
    member made admin, a Slack admin, or in PACER_ADMINS), the publisher included."""
    by_vendor: dict[str, list[calibration.Row]] = {}
    for row in rows:
        by_vendor.setdefault(row.vendor, []).append(row)
    admins = {
        admin.id: admin
        for admin in session.scalars(
            select(Member).where(
                Member.team_id == cycle.team_id,
                Member.active.is_(True),
                or_(Member.role == Role.ADMIN, Member.is_slack_admin.is_(True), Member.user_id.in_(named)),
            )
        )
        if role_of(admin, named) is Role.ADMIN
    }
    admins.setdefault(caller.member.id, session.get_one(Member, caller.member.id))
    return [
        messages.comparison(admin, by_vendor, cycle, locale_of(admin, workspace)) for admin in admins.values()
    ]


def send_export(
    session: Session, caller: Caller, cycle: ReviewCycle, vendor: Vendor | None, *, now: datetime
) -> int:
    """The calibration CSV of what the caller may see, to their DM; how many reps it holds."""
    rows = calibration.rows(session, calibration.scope_of(caller, vendor), cycle, through=now.date())
    content = calibration.export(rows, cycle, calibration.manager_names(session, rows))
    me = session.get_one(Member, caller.member.id)
    enqueue(session, messages.export(me, cycle, content, now=now, locale=caller.locale), now=now)
    return len(rows)
