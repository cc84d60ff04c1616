"""Recognition's domain rules that other parts read: who may receive kudos (`check_receiver`), the
workspace's admins who review held kudos (`admins_of`), and `kudos_received`, the evidence other
features (the quarterly scorecard's teamwork) read. Giving and reviewing are in `giving`. No Slack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from bot.errors import Invalid
from bot.recognition.models import Kudos, Status
from bot.roster.models import Member, Role
from bot.roster.service import role_of


def check_receiver(giver: Member, receiver: Member) -> None:
    """No kudos to yourself, to a bot (or a deactivated account), or to someone outside the workspace."""
    if receiver.id == giver.id:
        raise Invalid("recognition.errors.self")
    if not receiver.active:
        raise Invalid("recognition.errors.not_a_person", user=receiver.user_id)
    if not receiver.full_member or receiver.team_id != giver.team_id:
        raise Invalid("recognition.errors.outside", user=receiver.user_id)


def admins_of(session: Session, team_id: str, named: frozenset[str]) -> list[Member]:
    """The workspace's active admins, as `role_of` decides (a Slack admin, or in PACER_ADMINS)."""
    found = session.scalars(
        select(Member)
        .where(
            Member.team_id == team_id,
            Member.active.is_(True),
            or_(Member.is_slack_admin.is_(True), Member.user_id.in_(named)),
        )
        .order_by(Member.id)
    )
    return [member for member in found if role_of(member, named) is Role.ADMIN]


@dataclass(frozen=True)
class Received:
    """Accepted kudos a rep received over a span: how many, the points, from how many people."""

    count: int
    points: int
    givers: int


def kudos_received(
    session: Session,
    team_id: str,
    rep_ids: Sequence[int] | Select[Any],
    since: datetime,
    until: datetime,
    *,
    public_only: bool = False,
) -> dict[int, Received]:
    """Accepted kudos each rep received from `since` (inclusive) to `until` (exclusive), for the review
    scorecard's teamwork evidence: one statement; reps with none are left out. `rep_ids` may be a
    `SELECT` of ids (a scorecard's scope). `public_only`: private kudos left out, for what others than
    the receiver see (rep-of-the-month suggestions), as on the leaderboard."""
    if not isinstance(rep_ids, Select) and not rep_ids:
        return {}
    wanted = rep_ids if isinstance(rep_ids, Select) else list(rep_ids)
    query = (
        select(
            Kudos.receiver_id, func.count(), func.sum(Kudos.points), func.count(func.distinct(Kudos.giver_id))
        )
        .where(
            Kudos.team_id == team_id,
            Kudos.receiver_id.in_(wanted),
            Kudos.status == Status.ACCEPTED,
            Kudos.created_at >= since,
            Kudos.created_at < until,
        )
        .group_by(Kudos.receiver_id)
    )
    rows = session.execute(query.where(Kudos.public.is_(True)) if public_only else query)
    return {rep: Received(int(count), int(total), int(givers)) for rep, count, total, givers in rows}
