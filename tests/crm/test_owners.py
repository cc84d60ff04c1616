"""CRM owners: kept as listed, matched to members by Slack email, mapped by hand (which an email match
never overrides), and listed while unmatched; every query stays in its workspace."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from bot.crm import owners
from bot.crm.integrations.base import Owner
from bot.crm.integrations.models import CrmConnection, OwnerMatch, Provider
from bot.errors import Invalid
from tests.crm.support import NOW, OTHER_TEAM, reps
from tests.factories import TEAM

LISTED = [Owner("z1", "Ana@Example.com", "Ana Li"), Owner("z2", "wang@example.com", "Wang Fang")]


def test_new_owners_are_kept_and_matched_by_email(session: Session) -> None:
    ana, _ = reps(session)
    added = owners.remember(session, TEAM, Provider.ZOHO, LISTED)
    assert [o.email for o in added] == ["ana@example.com", "wang@example.com"]
    assert owners.remember(session, TEAM, Provider.ZOHO, LISTED) == []
    assert owners.unlinked_emails(session, TEAM) == {"ana@example.com", "wang@example.com"}
    assert (
        owners.match_by_email(session, TEAM, {"ana@example.com": "UANA", "x@example.com": "UWANG"}, now=NOW)
        == 1
    )
    assert owners.owner_map(session, TEAM, Provider.ZOHO) == {"z1": ana.id}
    assert [o.external_id for o in owners.unmapped(session, TEAM)] == ["z2"]


def test_a_hand_mapping_wins_and_stays(session: Session) -> None:
    ana, wang = reps(session)
    owners.remember(session, TEAM, Provider.ZOHO, LISTED)
    mapped = owners.map_by_hand(session, TEAM, "WANG@example.com", wang, now=NOW)
    assert mapped.matched is OwnerMatch.HAND
    owners.map_by_hand(session, TEAM, "z1", wang, now=NOW)
    owners.match_by_email(session, TEAM, {"ana@example.com": "UANA"}, now=NOW)
    assert owners.owner_map(session, TEAM, Provider.ZOHO) == {"z1": wang.id, "z2": wang.id}
    assert ana.id not in owners.owner_map(session, TEAM, Provider.ZOHO).values()


def test_an_unknown_owner_or_another_workspaces_owner_is_refused(session: Session) -> None:
    ana, _ = reps(session)
    owners.remember(session, OTHER_TEAM, Provider.ZOHO, LISTED)
    with pytest.raises(Invalid) as refused:
        owners.map_by_hand(session, TEAM, "ana@example.com", ana, now=NOW)
    assert refused.value.key == "crm.map.unknown_owner"
    assert owners.unmapped(session, TEAM) == []


def _connection(session: Session, provider: Provider, team_id: str = TEAM) -> CrmConnection:
    connection = CrmConnection(
        team_id=team_id,
        provider=provider,
        api_domain="https://crm.example",
        credentials="enc:sealed",
        cursor="2026-11-29T10:00:00+00:00",
        next_try_at=NOW + timedelta(minutes=15),
    )
    session.add(connection)
    session.flush()
    return connection


def test_linking_an_owner_makes_their_connection_read_everything_again_at_once(session: Session) -> None:
    """The syncs before skipped the owner's rows and moved the cursor past them: linking resets the cursor
    of that owner's provider (only) and makes it due now; a mapping that changes nothing resets nothing."""
    ana, wang = reps(session)
    zoho, fxiaoke = _connection(session, Provider.ZOHO), _connection(session, Provider.FXIAOKE)
    elsewhere = _connection(session, Provider.ZOHO, OTHER_TEAM)
    owners.remember(session, TEAM, Provider.ZOHO, LISTED)
    owners.remember(session, OTHER_TEAM, Provider.ZOHO, LISTED)
    later = NOW + timedelta(minutes=3)
    assert owners.match_by_email(session, TEAM, {"ana@example.com": "UANA"}, now=later) == 1
    assert (zoho.cursor, zoho.next_try_at) == ("", later)
    assert fxiaoke.cursor and elsewhere.cursor and fxiaoke.next_try_at == NOW + timedelta(minutes=15)

    zoho.cursor, zoho.next_try_at = "2026-11-30T09:00:00+00:00", NOW
    owners.map_by_hand(session, TEAM, "z1", ana, now=later)  # ana already: nothing to read again
    assert zoho.cursor == "2026-11-30T09:00:00+00:00"
    owners.map_by_hand(session, TEAM, "wang@example.com", wang, now=later)
    assert (zoho.cursor, zoho.next_try_at) == ("", later)
    assert elsewhere.cursor == "2026-11-29T10:00:00+00:00"
