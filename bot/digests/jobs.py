"""`weekly-digest`: at the workspace's digest time, each digest channel gets last week's digest (once)."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins.schedule import CATCH_UP
from bot.delivery.service import Outgoing, enqueue, find
from bot.digests import service, views
from bot.goals.breakdown import iso_week_start
from bot.i18n import Locale
from bot.roster.models import Member, Role, Vendor
from bot.roster.service import workspace_locale
from bot.scheduler import Job, JobContext, for_each_unit
from bot.slack.sections import DigestContext, Section
from bot.workspaces.models import Workspace


def digest_key(channel: str, scope: service.Scope, week_start: date) -> str:
    who = (
        f"mgr{scope.manager_id}"
        if scope.manager_id
        else f"vendor{scope.vendor_id}"
        if scope.vendor_id
        else "all"
    )
    return f"digest:{channel}:{who}:{week_start.isoformat()}"


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


def messages(
    session: Session,
    channel: str,
    scope: service.Scope,
    week: date,
    locale: Locale,
    *,
    sections: Sequence[Section[DigestContext]] = views.DIGEST_SECTIONS,
) -> list[Outgoing]:
    """The digest, its thread replies and its chart, as outbox messages keyed by channel, scope and week."""
    key = digest_key(channel, scope, week)
    digest = service.build(session, scope, week)
    parts = views.digest_messages(digest, locale, sections=sections, session=session)
    out = [
        Outgoing(
            team_id=scope.team_id,
            key=key,
            kind="digest",
            channel=channel,
            payload=parts[0],
            period=week.isoformat(),
        )
    ]
    for number, part in enumerate(parts[1:], start=1):
        out.append(
            Outgoing(
                team_id=scope.team_id,
                key=f"{key}:part{number}",
                kind="digest-part",
                channel=channel,
                payload=part | {"thread_of": key},
                period=week.isoformat(),
            )
        )
    series = service.cumulative(session, scope, week)
    if series is not None:
        from bot.digests import chart  # matplotlib is heavy: load it only when a chart is drawn

        png = chart.render(series)
        upload = {
            "filename": f"pacer-{week.isoformat()}.png",
            "title": views.chart_title(series, locale),
            "alt_text": views.chart_title(series, locale),
            "content_b64": base64.b64encode(png).decode(),
        }
        out.append(
            Outgoing(
                team_id=scope.team_id,
                key=f"{key}:chart",
                kind="digest-chart",
                channel=channel,
                payload={"thread_of": key, "upload": upload, "text": upload["title"]},
                period=week.isoformat(),
            )
        )
    return out


def digest_week(workspace: Workspace, now: datetime) -> date | None:
    """The week whose digest is due now in the workspace's zone (within a day's catch-up), if any."""
    local = now.astimezone(ZoneInfo(workspace.timezone))
    monday = iso_week_start(local.date())
    slot = datetime.combine(
        monday + timedelta(days=workspace.digest_weekday), workspace.digest_time, tzinfo=local.tzinfo
    )
    return monday - timedelta(days=7) if slot <= local < slot + CATCH_UP else None


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
        week = digest_week(workspace, now)
        if week is not None:
            locale = workspace_locale(workspace)
            due += [DueDigest(c, scope, week, locale) for c, scope in channels(session, workspace)]
    return due


def queue_digest(
    session: Session,
    due: DueDigest,
    now: datetime,
    sections: Sequence[Section[DigestContext]] = views.DIGEST_SECTIONS,
) -> int:
    """One channel's digest into the outbox, built only if it is not there yet; how many were new."""
    key = digest_key(due.channel, due.scope, due.week)
    if find(session, team_id=due.scope.team_id, key=key) is not None:
        return 0
    parts = messages(session, due.channel, due.scope, due.week, due.locale, sections=sections)
    return enqueue(session, parts, now=now)


def weekly_digest(context: JobContext, now: datetime) -> str:
    """Each channel's digest is built and queued on its own: one that fails holds back no other."""
    with context.session_factory() as session:
        due = due_digests(session, now)
    units = [(digest_key(d.channel, d.scope, d.week), d) for d in due]
    pages = getattr(context, "pages", None)  # None: a context without the list's pages (unit tests)
    sections = pages.digest if pages else views.DIGEST_SECTIONS
    done = for_each_unit(
        context.session_factory, units, lambda session, d: queue_digest(session, d, now, sections)
    )
    return f"{len(due)} digests due, {sum(done.results)} new messages in the outbox{done.note()}"


JOBS = [
    Job(
        "weekly-digest", "post last week's digest to each digest channel at the digest time", 5, weekly_digest
    )
]
