"""Allowances and the month's figures: what each person may still give this month (their allowance, plus
an admin's boosts, less what they gave: accepted and held kudos count, rejected ones do not), and the
monthly leaderboard. Months are each person's own (`calendar.local_month`): a giver's allowance resets on
the 1st in their zone, with no roll-over. Constant statement counts, whatever the number of people."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from bot import calendar
from bot.errors import Invalid, NotAllowed
from bot.recognition.models import AllowanceBoost, Kudos, Status
from bot.recognition.rules import Month, normal_reason
from bot.recognition.settings import RecognitionConfig
from bot.roster.models import Member, Role
from bot.workspaces.models import Workspace

COUNTED = (Status.ACCEPTED, Status.HELD)  # what uses up an allowance
BOOST_MAX = 10_000


@dataclass(frozen=True)
class Balance:
    month: date  # the 1st of the person's month
    allowance: int
    spent: int

    @property
    def left(self) -> int:
        return max(self.allowance - self.spent, 0)

    @property
    def resets_on(self) -> date:
        return calendar.next_month(self.month)


def month_of(member: Member, workspace: Workspace, now: datetime) -> date:
    """The member's month now, in their own zone."""
    return calendar.local_month(member, workspace, now)


def _boosts(session: Session, team_id: str, wanted: Sequence[tuple[int, date]]) -> dict[int, int]:
    """Boost points per member for their month (one statement)."""
    if not wanted:
        return {}
    pairs = or_(*(and_(AllowanceBoost.member_id == m, AllowanceBoost.month == d) for m, d in wanted))
    rows = session.execute(
        select(AllowanceBoost.member_id, func.sum(AllowanceBoost.points))
        .where(AllowanceBoost.team_id == team_id, pairs)
        .group_by(AllowanceBoost.member_id)
    )
    return {member_id: int(points) for member_id, points in rows}


def balance(session: Session, member: Member, month: date, config: RecognitionConfig) -> Balance:
    """What `member` may still give in `month` (two statements)."""
    spent = session.scalar(
        select(func.coalesce(func.sum(Kudos.points), 0)).where(
            Kudos.team_id == member.team_id,
            Kudos.giver_id == member.id,
            Kudos.month == month,
            Kudos.status.in_(COUNTED),
        )
    )
    boost = _boosts(session, member.team_id, [(member.id, month)]).get(member.id, 0)
    return Balance(month, config.allowance + boost, int(spent or 0))


def _pair_sums(
    session: Session, team_id: str, wanted: Sequence[tuple[int, date]]
) -> dict[tuple[int, int], int]:
    """Points each of the wanted givers gave each receiver in their month (one statement)."""
    rows = session.execute(
        select(Kudos.giver_id, Kudos.receiver_id, func.sum(Kudos.points))
        .where(
            Kudos.team_id == team_id,
            Kudos.status.in_(COUNTED),
            or_(*(and_(Kudos.giver_id == m, Kudos.month == d) for m, d in wanted)),
        )
        .group_by(Kudos.giver_id, Kudos.receiver_id)
    ).all()
    return {(giver_id, receiver_id): int(points) for giver_id, receiver_id, points in rows}


def month_figures(
    session: Session,
    giver: tuple[Member, date],
    receiver: tuple[Member, date],
    reason: str,
    config: RecognitionConfig,
) -> Month:
    """What the rules need, before a new kudos from `giver` to `receiver` (each with their own month):
    three statements."""
    (g, g_month), (r, r_month) = giver, receiver
    sums = _pair_sums(session, g.team_id, [(g.id, g_month), (r.id, r_month)])
    boosts = _boosts(session, g.team_id, [(g.id, g_month), (r.id, r_month)])
    reasons = session.scalars(
        select(Kudos.reason).where(
            Kudos.team_id == g.team_id,
            Kudos.giver_id == g.id,
            Kudos.month == g_month,
            Kudos.status.in_(COUNTED),
        )
    ).all()
    wanted = normal_reason(reason)
    return Month(
        allowance=config.allowance + boosts.get(g.id, 0),
        spent=sum(points for (by, _), points in sums.items() if by == g.id),
        to_receiver=sums.get((g.id, r.id), 0),
        from_receiver=sums.get((r.id, g.id), 0),
        receiver_spent=sum(points for (by, _), points in sums.items() if by == r.id),
        receiver_allowance=config.allowance + boosts.get(r.id, 0),
        same_reasons=sum(1 for earlier in reasons if normal_reason(earlier) == wanted),
    )


def boost(
    session: Session, *, by: Member, manager: Member, points: int, workspace: Workspace, now: datetime
) -> date:
    """Add `points` to a manager's allowance for their current month; the month."""
    if manager.role is not Role.MANAGER or not manager.active:
        raise NotAllowed("recognition.errors.boost_managers_only", user=manager.user_id)
    if not 1 <= points <= BOOST_MAX:
        raise Invalid("recognition.errors.boost_invalid", max=BOOST_MAX)
    month = month_of(manager, workspace, now)
    session.add(
        AllowanceBoost(
            team_id=manager.team_id,
            member_id=manager.id,
            month=month,
            points=points,
            given_by_id=by.id,
            created_at=now,
        )
    )
    session.flush()
    return month


@dataclass(frozen=True)
class Standing:
    member_id: int
    points: int
    count: int


def leaderboard(session: Session, team_id: str, month: date, *, top: int = 10) -> list[Standing]:
    """The month's most recognised people (accepted public kudos given in that month), top `top` only:
    one statement. Private kudos never count here: the board is shown where others may read it, and it
    would give away who was thanked privately and for how much."""
    points = func.sum(Kudos.points).label("points")
    rows = session.execute(
        select(Kudos.receiver_id, points, func.count())
        .where(Kudos.team_id == team_id, Kudos.month == month, Kudos.status == Status.ACCEPTED)
        .where(Kudos.public.is_(True))
        .group_by(Kudos.receiver_id)
        .order_by(points.desc(), Kudos.receiver_id)
        .limit(top)
    )
    return [Standing(member_id, int(total), int(count)) for member_id, total, count in rows]


def allowances(session: Session, team_id: str, month: date, config: RecognitionConfig) -> dict[int, Balance]:
    """Every giver's balance for `month` (those who gave or were boosted): two statements."""
    spent_rows = session.execute(
        select(Kudos.giver_id, func.sum(Kudos.points))
        .where(Kudos.team_id == team_id, Kudos.month == month, Kudos.status.in_(COUNTED))
        .group_by(Kudos.giver_id)
    )
    spent = {member_id: int(points) for member_id, points in spent_rows}
    boost_rows = session.execute(
        select(AllowanceBoost.member_id, func.sum(AllowanceBoost.points))
        .where(AllowanceBoost.team_id == team_id, AllowanceBoost.month == month)
        .group_by(AllowanceBoost.member_id)
    )
    boosts = {member_id: int(points) for member_id, points in boost_rows}
    return {
        member_id: Balance(
            month, config.allowance + int(boosts.get(member_id) or 0), int(spent.get(member_id) or 0)
        )
        for member_id in spent.keys() | boosts.keys()
    }
