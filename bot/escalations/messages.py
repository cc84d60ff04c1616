"""The escalation messages as outbox messages: to the vendor's channel (and again, once, when left
unanswered), the step notice to the manager who opened it, and the flag in the digest's thread. Their
kinds, keys and payloads; the flag replies to the digest through `bot.digests.messages.digest_key`."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot.delivery.service import Outgoing
from bot.errors import Invalid
from bot.escalations import service, views
from bot.escalations.models import Escalation
from bot.i18n import Locale
from bot.roster.models import Member, Vendor
from bot.roster.service import find_member, locale_of
from bot.workspaces.models import Workspace

TO_VENDOR = "escalation"  # to the vendor's channel
RESENT = "escalation-resent"  # to the vendor's channel again, left unanswered for two working days
STEP = "escalation-step"  # to the manager who opened it: acknowledged or resolved
DIGEST_FLAG = "digest-escalations"  # in the digest's thread: the escalations re-sent since the last
KINDS = (TO_VENDOR, RESENT, STEP, DIGEST_FLAG)


def vendor_key(escalation: Escalation, *, resent: bool) -> str:
    """Once to the vendor, and once more when re-sent."""
    return f"{RESENT if resent else TO_VENDOR}:{escalation.id}"


def step_key(escalation: Escalation) -> str:
    """One notice per step the escalation reached (acknowledged, resolved)."""
    return f"escalation-{escalation.status.value}:{escalation.id}"


def flag_key(digest_key: str, escalations: list[Escalation]) -> str:
    """One flag per digest and set of escalations flagged in it."""
    return f"{digest_key}:escalations:{'-'.join(str(escalation.id) for escalation in escalations)}"


def locale_for(session: Session, team_id: str, user_id: str | None) -> Locale:
    """The language of a Slack user Pacer may not know (a vendor's contact): theirs, else the workspace's."""
    workspace = session.get_one(Workspace, team_id)
    member = find_member(session, team_id=team_id, user_id=user_id) if user_id else None
    return locale_of(member, workspace)


def to_vendor(
    session: Session, escalation: Escalation, rep: Member, vendor: Vendor | None, *, resent: bool
) -> Outgoing:
    """The escalation, to the vendor's channel (or their contact), in the contact's language."""
    channel = service.vendor_channel(vendor)
    if channel is None:
        raise Invalid("escalation.no_vendor_contact", user=rep.user_id)
    opener = session.get(Member, escalation.opened_by_id) if escalation.opened_by_id else None
    locale = locale_for(session, escalation.team_id, vendor.contact_user_id if vendor else None)
    payload = views.vendor_message(
        escalation, rep.user_id, opener.user_id if opener else None, vendor, locale, resent=resent
    )
    return Outgoing(
        team_id=escalation.team_id,
        key=vendor_key(escalation, resent=resent),
        kind=RESENT if resent else TO_VENDOR,
        channel=channel,
        payload=payload,
        period=str(escalation.id),
    )


def step_notice(
    escalation: Escalation, opener: Member, by_user_id: str, rep: Member, locale: Locale
) -> Outgoing:
    """To the manager who opened it: the vendor acknowledged or resolved it."""
    payload = views.step_notice(escalation, by_user_id, rep.user_id, locale)
    return Outgoing.dm(opener, key=step_key(escalation), kind=STEP, payload=payload)


def digest_flag(
    workspace: Workspace, digest_key: str, week: date, rows: list[tuple[Escalation, Member]]
) -> Outgoing:
    """A reply in the thread of the workspace's digest (`digest_key`): the escalations re-sent."""
    payload = views.digest_flag(rows, locale_of(None, workspace)) | {"thread_of": digest_key}
    return Outgoing(
        team_id=workspace.team_id,
        key=flag_key(digest_key, [escalation for escalation, _ in rows]),
        kind=DIGEST_FLAG,
        channel=str(workspace.digest_channel_id),
        payload=payload,
        period=week.isoformat(),
    )
