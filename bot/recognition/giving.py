"""Giving kudos and reviewing held ones. `give` checks the receiver and the draft, takes the giver's month
figures, refuses what breaks a rule (self, a bot or someone outside the workspace, negative or over the
allowance, past 40 % to one person) with a one-line reason, holds what looks like gaming for an admin's
review, and queues where the kudos is seen (the outbox, once). `review` decides a held kudos once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.delivery.service import Outgoing, enqueue
from bot.errors import Conflict, NotFound
from bot.recognition import messages
from bot.recognition.allowance import Balance, month_figures, month_of
from bot.recognition.models import Hold, Kudos, Status
from bot.recognition.rules import DEFAULT_POINTS, Draft, check_draft, check_points, hold_for
from bot.recognition.service import admins_of, check_receiver
from bot.recognition.settings import RecognitionConfig
from bot.roster.models import Member
from bot.workspaces.models import Workspace


@dataclass(frozen=True)
class Given:
    kudos: Kudos
    balance: Balance  # the giver's, after this kudos


def _lock(session: Session, member: Member) -> None:
    """One kudos at a time per giver (PostgreSQL: a row lock; SQLite writes one at a time anyway)."""
    session.execute(select(Member.id).where(Member.id == member.id).with_for_update())


def give(
    session: Session,
    *,
    giver: Member,
    receiver: Member,
    draft: Draft,
    config: RecognitionConfig,
    workspace: Workspace,
    now: datetime,
    admins: frozenset[str],
) -> Given:
    """Give a kudos; refused with a one-line `Invalid`, or accepted, or held for an admin's review."""
    check_receiver(giver, receiver)
    draft = check_draft(draft, config)
    _lock(session, giver)
    month = month_of(giver, workspace, now)
    theirs = (receiver, month_of(receiver, workspace, now))
    figures = month_figures(session, (giver, month), theirs, draft.reason, config)
    points = draft.points if draft.points is not None else DEFAULT_POINTS
    check_points(points, figures, config)
    hold = hold_for(points, figures)
    kudos = _record(session, giver, receiver, draft, points=points, month=month, hold=hold, now=now)
    out = _outgoing(
        session, kudos, giver=giver, receiver=receiver, workspace=workspace, config=config, admins=admins
    )
    enqueue(session, out, now=now)
    return Given(kudos, Balance(month, figures.allowance, figures.spent + points))


def _record(
    session: Session,
    giver: Member,
    receiver: Member,
    draft: Draft,
    *,
    points: int,
    month: date,
    hold: Hold | None,
    now: datetime,
) -> Kudos:
    kudos = Kudos(
        team_id=giver.team_id,
        giver_id=giver.id,
        receiver_id=receiver.id,
        points=points,
        reason=draft.reason,
        kudos_values=",".join(draft.values),
        public=not draft.private,
        month=month,
        created_at=now,
        status=Status.HELD if hold else Status.ACCEPTED,
        held_reason=hold,
    )
    session.add(kudos)
    session.flush()
    return kudos


def _outgoing(
    session: Session,
    kudos: Kudos,
    *,
    giver: Member,
    receiver: Member,
    workspace: Workspace,
    config: RecognitionConfig,
    admins: frozenset[str],
) -> list[Outgoing]:
    """Where a new kudos goes: shown when accepted, else to each admin for review."""
    if kudos.status is Status.ACCEPTED:
        return [messages.shown(kudos, giver, receiver, workspace, config.channel_id)]
    return [
        messages.review(kudos, giver, receiver, admin, workspace)
        for admin in admins_of(session, giver.team_id, admins)
    ]


def review(
    session: Session,
    *,
    kudos_id: int,
    reviewer: Member,
    approve: bool,
    config: RecognitionConfig,
    workspace: Workspace,
    now: datetime,
) -> Kudos:
    """An admin's decision on a held kudos, once: approved, it is shown; rejected, its points go back."""
    kudos = session.scalars(
        select(Kudos).where(Kudos.id == kudos_id, Kudos.team_id == reviewer.team_id).with_for_update()
    ).first()
    if kudos is None:
        raise NotFound("recognition.errors.no_kudos")
    if kudos.status is not Status.HELD:
        by = session.get(Member, kudos.reviewed_by_id) if kudos.reviewed_by_id else None
        raise Conflict("recognition.errors.already_reviewed", user=by.user_id if by else reviewer.user_id)
    kudos.status = Status.ACCEPTED if approve else Status.REJECTED
    kudos.reviewed_by_id, kudos.reviewed_at = reviewer.id, now
    giver, receiver = session.get_one(Member, kudos.giver_id), session.get_one(Member, kudos.receiver_id)
    out = [messages.reviewed(kudos, giver, receiver, reviewer, workspace)]
    if approve:
        out.append(messages.shown(kudos, giver, receiver, workspace, config.channel_id))
    enqueue(session, out, now=now)
    session.flush()
    return kudos
