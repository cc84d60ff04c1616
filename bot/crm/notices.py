"""The weekly digest's private side (issue 13): when a workspace's digest goes out, each manager whose reps'
figures of the week it reports differ from the CRM by more than the workspace's threshold gets one DM
listing them (rep, goal, reported vs CRM, the rep's reason), through the outbox, keyed per manager and
week so however often the `crm-differences` job runs it is sent once. The channel's digest only marks the
figures the rep confirmed from the CRM (`differences.kept_figures`); differences are never shown there."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.crm import differences, messages
from bot.delivery.service import enqueue, find
from bot.roster.models import Member
from bot.roster.service import locale_of
from bot.workspaces.models import Workspace


def due(session: Session, now: datetime) -> list[tuple[str, date]]:
    """(team id, the week its digest reports) of each workspace whose digest is due now (the digest's own
    rule: `calendar.digest_week`, within a day's catch-up)."""
    found = []
    for workspace in session.scalars(select(Workspace)):
        week = calendar.digest_week(workspace, now)
        if week is not None:
            found.append((workspace.team_id, week))
    return found


def queue(session: Session, team_id: str, week: date, *, now: datetime) -> int:
    """The week's DMs of one workspace's managers that are not queued yet; how many were new."""
    by_manager = differences.by_manager(session, team_id, week)
    waiting = [
        manager_id
        for manager_id in by_manager
        if find(session, team_id=team_id, key=messages.differences_key(manager_id, week)) is None
    ]
    if not waiting:
        return 0
    workspace = session.get_one(Workspace, team_id)
    threshold = differences.threshold(session, team_id)
    managers = session.scalars(
        select(Member).where(Member.team_id == team_id, Member.id.in_(waiting), Member.active.is_(True))
    )
    out = [
        messages.differences(
            manager,
            by_manager[manager.id],
            threshold=threshold,
            week=week,
            locale=locale_of(manager, workspace),
        )
        for manager in managers
    ]
    return enqueue(session, out, now=now)
