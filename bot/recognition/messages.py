"""Recognition's outbox messages, each once: a public kudos in the recognition channel, a private one in
the receiver's DM, a held one to each admin for review, the giver told how the review went, and a badge's
announcement."""

from __future__ import annotations

from bot.delivery.service import Outgoing
from bot.recognition import views
from bot.recognition.models import Badge, Kudos
from bot.roster.models import Member, Vendor
from bot.roster.service import locale_of
from bot.workspaces.models import Workspace

POST = "kudos-post"  # a public kudos in the recognition channel
DM = "kudos-dm"  # a private kudos (or a public one with no channel set) to the receiver
REVIEW = "kudos-review"  # a held kudos, to each admin, with Approve / Reject
REVIEWED = "kudos-reviewed"  # the giver, told what the admin decided
BADGE = "badge-post"  # a badge, announced in the recognition channel
KINDS = (POST, DM, REVIEW, REVIEWED, BADGE)


def post_key(kudos: Kudos) -> str:
    return f"{POST}:{kudos.id}"


def dm_key(kudos: Kudos) -> str:
    return f"{DM}:{kudos.id}"


def review_key(kudos: Kudos, admin: Member) -> str:
    return f"{REVIEW}:{kudos.id}:{admin.user_id}"


def reviewed_key(kudos: Kudos) -> str:
    return f"{REVIEWED}:{kudos.id}"


def badge_key(badge: Badge) -> str:
    return f"{BADGE}:{badge.kind}:{badge.month.isoformat()}:{badge.scope}"


def shown(
    kudos: Kudos, giver: Member, receiver: Member, workspace: Workspace, channel: str | None
) -> Outgoing:
    """An accepted kudos where it is seen: the channel (public, with one set), else the receiver's DM."""
    if kudos.public and channel:
        locale = locale_of(None, workspace)
        payload = views.kudos_post(kudos, giver.user_id, receiver.user_id, locale, private=False)
        return Outgoing(
            team_id=kudos.team_id, key=post_key(kudos), kind=POST, channel=channel, payload=payload
        )
    locale = locale_of(receiver, workspace)
    payload = views.kudos_post(kudos, giver.user_id, receiver.user_id, locale, private=not kudos.public)
    return Outgoing.dm(receiver, key=dm_key(kudos), kind=DM, payload=payload)


def review(kudos: Kudos, giver: Member, receiver: Member, admin: Member, workspace: Workspace) -> Outgoing:
    payload = views.review_request(kudos, giver.user_id, receiver.user_id, locale_of(admin, workspace))
    return Outgoing.dm(admin, key=review_key(kudos, admin), kind=REVIEW, payload=payload)


def reviewed(
    kudos: Kudos, giver: Member, receiver: Member, reviewer: Member, workspace: Workspace
) -> Outgoing:
    payload = views.reviewed_notice(kudos, receiver.user_id, reviewer.user_id, locale_of(giver, workspace))
    return Outgoing.dm(giver, key=reviewed_key(kudos), kind=REVIEWED, payload=payload)


def badge_announcement(
    badge: Badge,
    rep: Member,
    vendor: Vendor | None,
    *,
    chooser: str,
    workspace: Workspace,
    channel: str | None,
) -> Outgoing:
    """The badge in the recognition channel, the rep's vendor named; with no channel, in the rep's DM."""
    locale = locale_of(None if channel else rep, workspace)
    payload = views.badge_post(badge, rep.user_id, vendor.name if vendor else None, chooser, locale)
    if channel:
        return Outgoing(
            team_id=badge.team_id, key=badge_key(badge), kind=BADGE, channel=channel, payload=payload
        )
    return Outgoing.dm(rep, key=badge_key(badge), kind=BADGE, payload=payload)
