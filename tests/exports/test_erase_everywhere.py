"""`pacer erase` leaves nothing that names the person, on both databases: after it, no text or JSON
column of any table holds their Slack id, their CRM email or their name (a check over every table, so a
table added later is checked too), while their figures stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import JSON, String, Text, insert, select
from sqlalchemy.orm import Session

from bot.crm.integrations.models import CrmConnection, CrmConnectState, CrmOwner, OwnerMatch, Provider
from bot.escalations.models import Escalation, EscalationEvent, EscalationStatus, Severity, Source
from bot.exports import erase
from bot.features import metadata
from bot.installs.models import INSTALLATIONS
from bot.roster.models import Vendor
from bot.training.models import StudyLog
from tests.exports.support import seed
from tests.factories import TEAM
from tests.support.people import REP_EN

NAME, EMAIL = "Rita Rosenthal", "rita.rosenthal@corp.example"
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def traces(session: Session) -> list[tuple[str, str, str]]:
    """Every (table, column, value) whose text holds Rita's Slack id, email or name."""
    found = []
    for table in metadata().sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, String | Text | JSON)]
        if not columns:
            continue
        for row in session.execute(select(*columns)):
            for column, value in zip(columns, row, strict=True):
                text = str(value)
                if REP_EN in text or NAME.casefold() in text.casefold() or EMAIL in text.casefold():
                    found.append((table.name, column.name, text))
    return found


def with_rita_everywhere(session: Session) -> dict[str, Any]:
    """The shared seed, plus Rita as the CRM owner, a vendor's contact, the admin who connected the CRM
    and acknowledged an escalation, a study log, a CRM connect under way and the app's installer."""
    people = seed(session)
    rita = people["rita"]
    rita.display_name = NAME
    session.add_all(
        [
            CrmOwner(
                team_id=TEAM,
                provider=Provider.ZOHO,
                external_id="z1",
                email=EMAIL,
                name=NAME,
                member_id=rita.id,
                matched=OwnerMatch.EMAIL,
            ),
            CrmConnection(
                team_id=TEAM,
                provider=Provider.ZOHO,
                api_domain="https://x",
                credentials="sealed",
                connected_by=REP_EN,
            ),
            CrmConnectState(
                digest="d" * 64,
                team_id=TEAM,
                user_id=REP_EN,
                provider=Provider.ZOHO,
                expires_at=NOW + timedelta(hours=1),
            ),
            StudyLog(
                team_id=TEAM, rep_id=rita.id, what="Negotiation book", minutes=30, takeaway="anchor high"
            ),
        ]
    )
    session.get_one(Vendor, people["sam"].vendor_id).contact_user_id = REP_EN
    escalation = Escalation(
        team_id=TEAM,
        rep_id=people["sam"].id,
        severity=Severity.HIGH,
        description="a customer complaint",
        source=Source.COMMAND,
        status=EscalationStatus.ACKNOWLEDGED,
    )
    session.add(escalation)
    session.flush()
    session.add(
        EscalationEvent(
            team_id=TEAM, escalation_id=escalation.id, action="acknowledged", actor_user_id=REP_EN
        )
    )
    installer = {"client_id": "C1", "app_id": "A1", "is_enterprise_install": False, "user_token": "xoxp-1"}
    session.execute(
        insert(INSTALLATIONS).values(
            team_id=TEAM, user_id=REP_EN, installed_at=NOW.replace(tzinfo=None), **installer
        )
    )
    session.flush()
    return people


def test_erase_leaves_no_column_holding_their_slack_id_email_or_name(session: Session) -> None:
    people = with_rita_everywhere(session)
    assert {table for table, _, _ in traces(session)} >= {
        "members",
        "crm_owners",
        "crm_connections",
        "crm_connect_states",
        "vendors",
        "escalation_events",
        "slack_installations",
    }
    erase.erase(session, TEAM, REP_EN, actor=people["admin"].id)
    session.expire_all()
    assert traces(session) == []
    owner = session.scalars(select(CrmOwner).where(CrmOwner.external_id == "z1")).one()
    assert owner.member_id is None and owner.matched is OwnerMatch.NONE  # no longer counts for anyone
    log = session.scalars(select(StudyLog).where(StudyLog.rep_id == people["rita"].id)).one()
    assert (log.what, log.takeaway, log.minutes) == ("", "", 30)  # the words go, the minutes stay
    assert session.scalar(select(EscalationEvent.action)) == "acknowledged"  # the step stays, not who
