"""CRM owners: kept as listed, matched to members by Slack email, mapped by hand (which an email match
never overrides), and listed while unmatched; every query stays in its workspace."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from bot.crm import owners
from bot.crm.integrations.base import Owner
from bot.crm.integrations.models import OwnerMatch, Provider
from bot.errors import Invalid
from tests.crm.support import OTHER_TEAM, reps
from tests.factories import TEAM

LISTED = [Owner("z1", "Ana@Example.com", "Ana Li"), Owner("z2", "wang@example.com", "Wang Fang")]


def test_new_owners_are_kept_and_matched_by_email(session: Session) -> None:
    ana, _ = reps(session)
    added = owners.remember(session, TEAM, Provider.ZOHO, LISTED)
    assert [o.email for o in added] == ["ana@example.com", "wang@example.com"]
    assert owners.remember(session, TEAM, Provider.ZOHO, LISTED) == []
    assert owners.unlinked_emails(session, TEAM) == {"ana@example.com", "wang@example.com"}
    assert owners.match_by_email(session, TEAM, {"ana@example.com": "UANA", "x@example.com": "UWANG"}) == 1
    assert owners.owner_map(session, TEAM, Provider.ZOHO) == {"z1": ana.id}
    assert [o.external_id for o in owners.unmapped(session, TEAM)] == ["z2"]


def test_a_hand_mapping_wins_and_stays(session: Session) -> None:
    ana, wang = reps(session)
    owners.remember(session, TEAM, Provider.ZOHO, LISTED)
    mapped = owners.map_by_hand(session, TEAM, "WANG@example.com", wang)
    assert mapped.matched is OwnerMatch.HAND
    owners.map_by_hand(session, TEAM, "z1", wang)
    owners.match_by_email(session, TEAM, {"ana@example.com": "UANA"})
    assert owners.owner_map(session, TEAM, Provider.ZOHO) == {"z1": wang.id, "z2": wang.id}
    assert ana.id not in owners.owner_map(session, TEAM, Provider.ZOHO).values()


def test_an_unknown_owner_or_another_workspaces_owner_is_refused(session: Session) -> None:
    ana, _ = reps(session)
    owners.remember(session, OTHER_TEAM, Provider.ZOHO, LISTED)
    with pytest.raises(Invalid) as refused:
        owners.map_by_hand(session, TEAM, "ana@example.com", ana)
    assert refused.value.key == "crm.map.unknown_owner"
    assert owners.unmapped(session, TEAM) == []
