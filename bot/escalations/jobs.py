"""`escalation-resends`: an escalation the vendor left unanswered for two working days is sent again,
once, and flagged in a reply to the workspace's next digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot import calendar
from bot.delivery.service import Outgoing, enqueue, find
from bot.digests import messages as digests
from bot.digests.service import Scope
from bot.escalations import messages, service
from bot.escalations.models import Escalation, EscalationStatus
from bot.roster.models import Member, Vendor
from bot.scheduler import Job, JobContext, each_workspace, for_each_unit
from bot.workspaces.models import Workspace


def escalation_resends(context: JobContext, now: datetime) -> str:
    """Each escalation's re-send is recorded and queued on its own, then each workspace's flag in its
    digest: one that fails holds back no other."""
    with context.session_factory() as session:
        due = [
            (f"escalation-resend:{escalation.id}", escalation.id)
            for escalation, _, vendor in service.due_resends(session, now=now)
            if service.vendor_channel(vendor) is not None
        ]
        workspaces = session.scalars(
            select(Workspace.team_id).where(Workspace.digest_channel_id.is_not(None))
        ).all()
    resent = for_each_unit(context.session_factory, due, lambda session, e: _resend(session, e, now))
    flags = [(f"escalation-flag:{team_id}", team_id) for team_id in workspaces]
    flagged = for_each_unit(context.session_factory, flags, lambda session, t: _flag(session, t, now))
    return (
        f"{sum(resent.results)} escalations re-sent to their vendor, {sum(flagged.results)} flagged in a "
        f"digest{resent.note()}{flagged.note()}"
    )


def _resend(session: Session, escalation_id: int, now: datetime) -> int:
    # One conditional UPDATE decides: still open (the vendor may have answered since it was found due)
    # and not re-sent by another tick.
    taken = session.execute(
        update(Escalation)
        .where(
            Escalation.id == escalation_id,
            Escalation.status == EscalationStatus.OPEN,
            Escalation.resent_at.is_(None),
        )
        .values(resent_at=now)
        .execution_options(synchronize_session=False)
    )
    if not taken.rowcount:  # type: ignore[attr-defined]
        return 0
    escalation = session.get_one(Escalation, escalation_id)
    rep = session.get_one(Member, escalation.rep_id)
    vendor = session.get(Vendor, escalation.vendor_id) if escalation.vendor_id is not None else None
    service.record(session, escalation, "resent", None, now)
    enqueue(session, [messages.to_vendor(session, escalation, rep, vendor, resent=True)], now=now)
    return 1


def _flag(session: Session, team_id: str, now: datetime) -> int:
    out: list[Outgoing] = []
    flagged = _flag_in_digest(session, session.get_one(Workspace, team_id), now, out)
    enqueue(session, out, now=now)
    return flagged


def _flag_in_digest(session: Session, workspace: Workspace, now: datetime, out: list[Outgoing]) -> int:
    """Once this week's digest is in the outbox, reply to it with the escalations re-sent since the last."""
    week = calendar.digest_week(workspace, now)
    if week is None:
        return 0
    parent = digests.digest_key(str(workspace.digest_channel_id), Scope(workspace.team_id), week)
    if find(session, team_id=workspace.team_id, key=parent) is None:
        return 0  # not queued yet: the next tick will find it
    rows = service.to_flag(session, team_id=workspace.team_id)
    if not rows:
        return 0
    for escalation, _ in rows:
        escalation.flagged_in_digest = True
    out.append(messages.digest_flag(workspace, parent, week, rows))
    return len(rows)


JOBS = [
    Job(
        "escalation-resends",
        "re-send escalations the vendor left unanswered for 2 working days; flag them in the next digest",
        15,
        each_workspace(escalation_resends),
    )
]
