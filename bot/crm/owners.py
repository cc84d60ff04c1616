"""CRM owners and the members their rows count for (no Slack here).

`remember` keeps the users a connector lists; `match_by_email` links each unlinked one whose email is a
member's Slack email (the caller looks the emails up in Slack); `map_by_hand` is `/pacer crm map`, and an
email match never overrides it. Linking an owner makes their provider's connection read its whole window
again at the next tick (`_read_again`): the syncs before skipped that owner's rows and moved the cursor
past them. `owner_map` is what `record_rows` needs; `unmapped` what `/pacer crm map` lists. Every query is
scoped to the workspace.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.crm.integrations.base import Owner
from bot.crm.integrations.models import CrmConnection, CrmOwner, OwnerMatch, Provider
from bot.errors import Invalid
from bot.roster.models import Member

MAX_OWNERS = 5000  # a CRM's users kept per connection; more is not a sales team Pacer serves


def _owners(session: Session, team_id: str, provider: Provider | None = None) -> list[CrmOwner]:
    query = select(CrmOwner).where(CrmOwner.team_id == team_id)
    if provider is not None:
        query = query.where(CrmOwner.provider == provider)
    return list(session.scalars(query.order_by(CrmOwner.provider, CrmOwner.name, CrmOwner.external_id)))


def remember(session: Session, team_id: str, provider: Provider, listed: Iterable[Owner]) -> list[CrmOwner]:
    """The listed owners stored (new ones added, names and emails kept current); returns the new ones."""
    known = {owner.external_id: owner for owner in _owners(session, team_id, provider)}
    added: list[CrmOwner] = []
    for owner in list(listed)[:MAX_OWNERS]:
        external_id, email = owner.external_id[:64], owner.email.strip().lower()[:255]
        row = known.get(external_id)
        if row is None:
            row = CrmOwner(
                team_id=team_id, provider=provider, external_id=external_id, matched=OwnerMatch.NONE
            )
            session.add(row)
            known[external_id] = row
            added.append(row)
        row.email, row.name = email, owner.name[:255]
    session.flush()
    return added


def unlinked_emails(session: Session, team_id: str) -> set[str]:
    return {owner.email for owner in _owners(session, team_id) if owner.member_id is None and owner.email}


def match_by_email(session: Session, team_id: str, slack_ids: Mapping[str, str], *, now: datetime) -> int:
    """Links unlinked owners whose email (lower case) `slack_ids` maps to a member's Slack id."""
    members = {
        member.user_id: member.id
        for member in session.scalars(select(Member).where(Member.team_id == team_id, Member.active))
    }
    linked: list[CrmOwner] = []
    for owner in _owners(session, team_id):
        member_id = members.get(slack_ids.get(owner.email, ""))
        if owner.member_id is None and owner.matched is not OwnerMatch.HAND and member_id is not None:
            owner.member_id, owner.matched = member_id, OwnerMatch.EMAIL
            linked.append(owner)
    _read_again(session, team_id, linked, now)
    return len(linked)


def map_by_hand(session: Session, team_id: str, key: str, member: Member, *, now: datetime) -> CrmOwner:
    """`/pacer crm map <owner email or id> @rep`: the owner (by email, else by CRM id) counts for `member`."""
    wanted = key.strip().lower()
    found = [o for o in _owners(session, team_id) if wanted in (o.email, o.external_id.lower())]
    if not found:
        raise Invalid("crm.map.unknown_owner", owner=key)
    if member.team_id != team_id:
        raise Invalid("crm.map.unknown_owner", owner=key)
    changed = [owner for owner in found if owner.member_id != member.id]
    for owner in found:
        owner.member_id, owner.matched = member.id, OwnerMatch.HAND
    _read_again(session, team_id, changed, now)
    return found[0]


def _read_again(session: Session, team_id: str, linked: Iterable[CrmOwner], now: datetime) -> None:
    """The linked owners' connections due at once, from the start of their window (no cursor): the
    rows read before were skipped as unmapped. Reading them again is safe: actuals are upserted by the
    CRM's record id."""
    providers = {owner.provider for owner in linked}
    if providers:
        query = select(CrmConnection).where(
            CrmConnection.team_id == team_id, CrmConnection.provider.in_(providers)
        )
        for connection in session.scalars(query):
            connection.cursor, connection.next_try_at = "", now
    session.flush()


def owner_map(session: Session, team_id: str, provider: Provider) -> dict[str, int]:
    return {
        owner.external_id: owner.member_id
        for owner in _owners(session, team_id, provider)
        if owner.member_id is not None
    }


def unmapped(session: Session, team_id: str) -> list[CrmOwner]:
    return [owner for owner in _owners(session, team_id) if owner.member_id is None]
