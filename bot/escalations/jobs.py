"""`escalation-resends`: an escalation the vendor left unanswered for two working days is sent again,
once, and flagged in a reply to the workspace's next digest."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.delivery.service import Outgoing, enqueue, find
from bot.digests import jobs as digests
from bot.digests.service import Scope
from bot.escalations import handlers, service, views
from bot.roster.service import workspace_locale
from bot.scheduler import Job, JobContext
from bot.workspaces.models import Workspace


def escalation_resends(context: JobContext, now: datetime) -> str:
    resent = flagged = 0
    with context.session_factory.begin() as session:
        out: list[Outgoing] = []
        for escalation, rep, vendor in service.due_resends(session, now=now):
            if service.vendor_channel(vendor) is None:
                continue
            escalation.resent_at = now
            service.record(session, escalation, "resent", None, now)
            out.append(handlers.vendor_outgoing(session, escalation, rep, vendor, resent=True))
            resent += 1
        session.flush()
        for workspace in session.scalars(select(Workspace).where(Workspace.digest_channel_id.is_not(None))):
            flagged += _flag_in_digest(session, workspace, now, out)
        enqueue(session, out, now=now)
    return f"{resent} escalations re-sent to their vendor, {flagged} flagged in a digest"


def _flag_in_digest(session: Session, workspace: Workspace, now: datetime, out: list[Outgoing]) -> int:
    """Once this week's digest is in the outbox, reply to it with the escalations re-sent since the last."""
    week = digests.digest_week(workspace, now)
    if week is None:
        return 0
    parent = digests.digest_key(str(workspace.digest_channel_id), Scope(workspace.team_id), week)
    if find(session, team_id=workspace.team_id, key=parent) is None:
        return 0  # not queued yet: the next tick will find it
    rows = service.to_flag(session, team_id=workspace.team_id)
    if not rows:
        return 0
    locale = workspace_locale(workspace)
    for escalation, _ in rows:
        escalation.flagged_in_digest = True
    payload = views.digest_flag(rows, locale) | {"thread_of": parent}
    channel = str(workspace.digest_channel_id)
    out.append(
        Outgoing(
            workspace.team_id,
            f"{parent}:escalations:{'-'.join(str(escalation.id) for escalation, _ in rows)}",
            "digest-escalations",
            channel,
            payload,
            period=week.isoformat(),
        )
    )
    return len(rows)


JOBS = [
    Job(
        "escalation-resends",
        "re-send escalations the vendor left unanswered for 2 working days; flag them in the next digest",
        15,
        escalation_resends,
    )
]
