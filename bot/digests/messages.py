"""The digest as outbox messages: the post, its thread replies and its chart, keyed by channel, scope
and week; and the DM that tells a vendor's contact where their digest now goes. Their kinds, keys and
payloads. Other features reply to a digest (escalations flag theirs in its thread) through `digest_key`."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.orm import Session

from bot import calendar
from bot.delivery.service import Outgoing, enqueue, find
from bot.digests import service, views
from bot.errors import Conflict, Invalid, Stale
from bot.i18n import Locale, t
from bot.roster.models import Member, Vendor
from bot.roster.service import Caller
from bot.slack import blocks
from bot.slack.blocks import mention
from bot.slack.sections import DigestContext, Section
from bot.workspaces.models import Workspace

DIGEST = "digest"  # to a channel: last week's digest
PART = "digest-part"  # a reply in its thread: what did not fit in one message
CHART = "digest-chart"  # a reply in its thread: the cumulative chart
VENDOR_CHANNEL = "vendor-channel"  # to a vendor's contact: their digest and escalations now go here
KINDS = (DIGEST, PART, CHART, VENDOR_CHANNEL)


def digest_key(channel: str, scope: service.Scope, week_start: date) -> str:
    """One digest per channel, scope and week; its replies hang off this key."""
    who = (
        f"mgr{scope.manager_id}"
        if scope.manager_id
        else f"vendor{scope.vendor_id}"
        if scope.vendor_id
        else "all"
    )
    return f"digest:{channel}:{who}:{week_start.isoformat()}"


def part_key(digest: str, number: int) -> str:
    return f"{digest}:part{number}"


def chart_key(digest: str) -> str:
    return f"{digest}:chart"


def vendor_channel_key(vendor: Vendor, now: datetime) -> str:
    """A new notice each time the channel is set (it may be set back and forth)."""
    return f"{VENDOR_CHANNEL}:{vendor.id}:{vendor.channel_id}:{now.isoformat()}"


def digest(
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
            kind=DIGEST,
            channel=channel,
            payload=parts[0],
            period=week.isoformat(),
        )
    ]
    for number, part in enumerate(parts[1:], start=1):
        out.append(
            Outgoing(
                team_id=scope.team_id,
                key=part_key(key, number),
                kind=PART,
                channel=channel,
                payload=part | {"thread_of": key},
                period=week.isoformat(),
            )
        )
    chart = _chart(session, key=key, channel=channel, scope=scope, week=week, locale=locale)
    return out if chart is None else [*out, chart]


def _chart(
    session: Session, *, key: str, channel: str, scope: service.Scope, week: date, locale: Locale
) -> Outgoing | None:
    """The cumulative chart as a reply in the digest's thread, or None when there is nothing to draw."""
    series = service.cumulative(session, scope, week)
    if series is None:
        return None
    from bot.digests import chart  # matplotlib is heavy: load it only when a chart is drawn

    png = chart.render(series, locale)
    title = views.chart_title(series, locale)
    upload = {
        "filename": f"pacer-{week.isoformat()}.png",
        "title": title,
        "alt_text": title,
        "content_b64": base64.b64encode(png).decode(),
    }
    return Outgoing(
        team_id=scope.team_id,
        key=chart_key(key),
        kind=CHART,
        channel=channel,
        payload={"thread_of": key, "upload": upload, "text": title},
        period=week.isoformat(),
    )


def post_now(
    session: Session,
    caller: Caller,
    *,
    now: datetime,
    sections: Sequence[Section[DigestContext]] = views.DIGEST_SECTIONS,
) -> str:
    """Queue last week's digest for the caller's channel now (once per channel and week); the channel."""
    channel = channel_to_post(session, caller, now=now)
    scope, week = (
        service.own_scope(caller),
        calendar.last_week(session.get_one(Workspace, caller.team_id), now),
    )
    enqueue(session, digest(session, channel, scope, week, caller.locale, sections=sections), now=now)
    return channel


def post_as_asked(
    session: Session,
    caller: Caller,
    asked: str,
    *,
    now: datetime,
    sections: Sequence[Section[DigestContext]] = views.DIGEST_SECTIONS,
) -> str:
    """`post_now`, once the person confirmed posting in `asked`; if the channel has changed since they
    were asked (`/pacer setup`, `/pacer team channel`), nothing is posted and they are told."""
    current = digest_channel(session, caller)
    if current is not None and current != asked:
        if not asked:  # the button was shown before there was a channel: no dialog named one
            raise Stale("answers.digest.channel_set", channel=current)
        raise Stale("answers.digest.channel_changed", channel=asked)
    return post_now(session, caller, now=now, sections=sections)


def digest_channel(session: Session, caller: Caller) -> str | None:
    """Where "Post digest" posts for the caller: a manager's team channel, else the workspace's."""
    workspace = session.get_one(Workspace, caller.team_id)
    me = session.get_one(Member, caller.member.id)
    return (me.team_channel_id if not caller.is_admin() else None) or workspace.digest_channel_id


def channel_to_post(session: Session, caller: Caller, *, now: datetime) -> str:
    """The caller's digest channel, if last week's digest can still be posted there (else why not)."""
    channel = digest_channel(session, caller)
    if channel is None:
        raise Invalid("digest.no_channel")
    scope, week = (
        service.own_scope(caller),
        calendar.last_week(session.get_one(Workspace, caller.team_id), now),
    )
    if find(session, team_id=caller.team_id, key=digest_key(channel, scope, week)) is not None:
        raise Conflict("digest.already", channel=channel)
    return channel


def vendor_channel_notice(
    vendor: Vendor, contact: Member, by_user_id: str, locale: Locale, now: datetime
) -> Outgoing:
    """A DM to the vendor's contact: where their vendor's digest and escalations now go, and who said so."""
    text = t(
        "digest.vendor_channel_notice",
        locale,
        vendor=vendor.name,
        channel=str(vendor.channel_id),
        by=mention(by_user_id),
    )
    key = vendor_channel_key(vendor, now)
    return Outgoing.dm(contact, key=key, kind=VENDOR_CHANNEL, payload=blocks.notice(text))
