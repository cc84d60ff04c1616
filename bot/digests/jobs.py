"""`weekly-digest`: at the workspace's digest time, each digest channel gets last week's digest (once)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.delivery.service import enqueue, find
from bot.digests import messages, service, views
from bot.i18n import Locale
from bot.roster.models import Member, Role, Vendor
from bot.roster.service import locale_of
from bot.scheduler import Job, JobContext, each_workspace, for_each_unit
from bot.slack.sections import DigestContext, Section
from bot.workspaces.models import Workspace


def channels(session: Session, workspace: Workspace) -> list[tuple[str, service.Scope]]:
    """Where a workspace's digests go: its digest channel, and each team's and vendor's channel if set."""
    team = workspace.team_id
    found = [(workspace.digest_channel_id, service.Scope(team))] if workspace.digest_channel_id else []
    for manager_id, channel in session.execute(
        select(Member.id, Member.team_channel_id).where(
            Member.team_id == team, Member.role == Role.MANAGER, Member.team_channel_id.is_not(None)
        )
    ):
        found.append((str(channel), service.Scope(team, manager_id=manager_id)))
    for vendor_id, channel in session.execute(
        select(Vendor.id, Vendor.channel_id).where(Vendor.team_id == team, Vendor.channel_id.is_not(None))
    ):
        found.append((str(channel), service.Scope(team, vendor_id=vendor_id)))
    return found


@dataclass(frozen=True)
class DueDigest:
    channel: str
    scope: service.Scope
    week: date
    locale: Locale


def due_digests(session: Session, now: datetime) -> list[DueDigest]:
    """Every digest channel's digest due now, in every workspace."""
    due: list[DueDigest] = []
    for workspace in session.scalars(select(Workspace)):
        week = calendar.digest_week(workspace, now)
        if week is not None:
            locale = locale_of(None, workspace)
            due += [DueDigest(c, scope, week, locale) for c, scope in channels(session, workspace)]
    return due


def queue_digest(
    session: Session,
    due: DueDigest,
    now: datetime,
    sections: Sequence[Section[DigestContext]] = views.DIGEST_SECTIONS,
) -> int:
    """One channel's digest into the outbox, built only if it is not there yet; how many were new."""
    key = messages.digest_key(due.channel, due.scope, due.week)
    if find(session, team_id=due.scope.team_id, key=key) is not None:
        return 0
    parts = messages.digest(session, due.channel, due.scope, due.week, due.locale, sections=sections)
    return enqueue(session, parts, now=now)


def weekly_digest(context: JobContext, now: datetime) -> str:
    """Each channel's digest is built and queued on its own: one that fails holds back no other."""
    with context.session_factory() as session:
        due = due_digests(session, now)
    units = [(messages.digest_key(d.channel, d.scope, d.week), d) for d in due]
    sections = context.pages.digest if context.pages else views.DIGEST_SECTIONS
    done = for_each_unit(
        context.session_factory, units, lambda session, d: queue_digest(session, d, now, sections)
    )
    return f"{len(due)} digests due, {sum(done.results)} new messages in the outbox{done.note()}"


JOBS = [
    Job(
        "weekly-digest",
        "post last week's digest to each digest channel at the digest time",
        5,
        each_workspace(weekly_digest),
    )
]
