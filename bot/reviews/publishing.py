"""Lock and publish a cycle in one action, and send what publishing sends, through the outbox (once per
key): every rep their scorecard with its chart, every vendor's contact their summary, every admin the
per-vendor comparison. The scorecards are kept first (`store_scorecards`) unless the cycle was locked
already. Also the calibration CSV on request. No Slack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.delivery.service import Outgoing, enqueue
from bot.digests.service import Scope
from bot.errors import NotAllowed
from bot.reviews import calibration, service
from bot.reviews import publish_messages as messages
from bot.reviews.models import DIMENSIONS, ManagerReview, ReviewCycle, Scorecard
from bot.reviews.publish_views import median_of
from bot.reviews.store import store_scorecards
from bot.roster.models import Member, Role, Vendor
from bot.roster.policy import Caller
from bot.roster.service import locale_of
from bot.workspaces.models import Workspace


@dataclass(frozen=True)
class Published:
    reps: int
    vendors: int
    admins: int


def publish_cycle(session: Session, caller: Caller, cycle: ReviewCycle, *, now: datetime) -> Published:
    """Admins only: keep the scorecards, lock and publish (`service.publish`), queue what goes out."""
    if not caller.is_admin() or caller.team_id != cycle.team_id:
        raise NotAllowed("reviews.errors.only_admins")
    rows = calibration.rows(session, Scope(cycle.team_id), cycle)
    if not cycle.locked:
        store_scorecards(session, cycle, [row.card for row in rows], now=now)
    service.publish(session, cycle, by=caller.member.id, now=now)
    workspace = session.get_one(Workspace, cycle.team_id)
    out = _scorecards(session, cycle, rows, workspace)
    vendors = _vendor_summaries(session, cycle, rows, workspace)
    admins = _comparisons(session, caller, cycle, rows, workspace)
    enqueue(session, [*out, *vendors, *admins], now=now)
    return Published(len(rows), len(vendors), len(admins))


def medians(of: Sequence[calibration.Row]) -> list[Decimal | None]:
    """Each dimension's median level, then the median overall, of `of`."""
    return [
        *(median_of([row.level(d) for row in of]) for d in DIMENSIONS),
        median_of([r.overall for r in of]),
    ]


def _scorecards(
    session: Session, cycle: ReviewCycle, rows: list[calibration.Row], workspace: Workspace
) -> list[Outgoing]:
    from bot.reviews import chart  # matplotlib is heavy: load it only when charts are drawn

    found = session.execute(
        select(Scorecard.rep_id, Scorecard.id).where(
            Scorecard.team_id == cycle.team_id, Scorecard.cycle_id == cycle.id
        )
    )
    ids = {rep_id: scorecard_id for rep_id, scorecard_id in found}
    reviews = {
        review.rep_id: review
        for review in session.scalars(
            select(ManagerReview).where(
                ManagerReview.team_id == cycle.team_id, ManagerReview.cycle_id == cycle.id
            )
        )
    }
    out: list[Outgoing] = []
    for row in rows:
        locale = locale_of(row.rep, workspace)
        team = [r for r in rows if r.rep.manager_id == row.rep.manager_id]
        vendor = [r for r in rows if r.rep.vendor_id == row.rep.vendor_id]
        own = [*(row.level(d) for d in DIMENSIONS), row.overall]
        png = chart.render(chart.Bars(own, medians(team), medians(vendor)), cycle.quarter, locale)
        out += messages.scorecard(
            row.rep,
            row,
            cycle,
            review=reviews.get(row.rep.id),
            scorecard_id=ids.get(row.rep.id),
            chart=png,
            locale=locale,
        )
    return out


def _vendor_summaries(
    session: Session, cycle: ReviewCycle, rows: list[calibration.Row], workspace: Workspace
) -> list[Outgoing]:
    """A summary to each vendor's contact who is a member of the workspace."""
    ids = {row.rep.vendor_id for row in rows if row.rep.vendor_id is not None}
    out = []
    for vendor in session.scalars(select(Vendor).where(Vendor.team_id == cycle.team_id, Vendor.id.in_(ids))):
        contact = session.scalars(
            select(Member).where(Member.team_id == cycle.team_id, Member.user_id == vendor.contact_user_id)
        ).first()
        if contact is None:
            continue
        of = [row for row in rows if row.rep.vendor_id == vendor.id]
        locale = locale_of(contact, workspace)
        out.append(messages.vendor_summary(contact, vendor.id, vendor.name, of, cycle, locale=locale))
    return out


def _comparisons(
    session: Session, caller: Caller, cycle: ReviewCycle, rows: list[calibration.Row], workspace: Workspace
) -> list[Outgoing]:
    """The per-vendor comparison to each active admin of the workspace, the publisher included."""
    by_vendor: dict[str, list[calibration.Row]] = {}
    for row in rows:
        by_vendor.setdefault(row.vendor, []).append(row)
    admins = {
        admin.id: admin
        for admin in session.scalars(
            select(Member).where(
                Member.team_id == cycle.team_id, Member.role == Role.ADMIN, Member.active.is_(True)
            )
        )
    }
    admins.setdefault(caller.member.id, session.get_one(Member, caller.member.id))
    return [
        messages.comparison(admin, by_vendor, cycle, locale_of(admin, workspace)) for admin in admins.values()
    ]


def send_export(
    session: Session, caller: Caller, cycle: ReviewCycle, vendor: Vendor | None, *, now: datetime
) -> int:
    """The calibration CSV of what the caller may see, to their DM; how many reps it holds."""
    rows = calibration.rows(session, calibration.scope_of(caller, vendor), cycle)
    content = calibration.export(rows, cycle, calibration.manager_names(session, rows))
    me = session.get_one(Member, caller.member.id)
    enqueue(session, messages.export(me, cycle, content, now=now, locale=caller.locale), now=now)
    return len(rows)
