"""The audit log over HTTP, on both databases: an admin's role change and settings save are recorded with
who did them (the CRM's and training's settings too: connecting a CRM and mapping its owners are in
tests/crm/test_e2e_connect.py and test_e2e_map.py); `/pacer audit` lists them newest first, escaped, in
at most 50 blocks; a bad number of days is refused in one line, and only admins may read it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.audit import service as audit
from bot.audit.models import AuditEvent
from bot.exports import erase
from bot.roster.models import Member
from tests.factories import TEAM
from tests.support.app_server import AppServer
from tests.support.people import ADMIN, MARIA
from tests.support.slack_peer import SlackPeer

pytestmark = pytest.mark.e2e


def say(slack: SlackPeer, text: str, user_id: str) -> dict[str, object]:
    response = slack.command(text, user_id=user_id)
    assert response.status == 200, response.body
    answer: dict[str, object] = response.json()
    return answer


def test_admin_actions_are_recorded_and_listed_newest_first(slack: SlackPeer, app_server: AppServer) -> None:
    assert "is now a manager" in str(say(slack, f"manager add <@{MARIA}|maria>", ADMIN)["text"])
    assert "30 days" in str(say(slack, "retention 30", ADMIN)["text"])
    with app_server.session_factory.begin() as session:
        admin = session.scalars(select(Member).where(Member.user_id == ADMIN)).one()
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["role.manager", "settings.retention"]
        assert session.scalars(select(AuditEvent.actor_id)).all() == [admin.id, admin.id]
        audit.record(session, TEAM, None, "reviews.reopen", "2026Q4", reason="<!channel> *late* & <b>")

    listing = say(slack, "audit", ADMIN)
    text = str(listing["blocks"])
    assert text.index("reviews.reopen") < text.index("settings.retention") < text.index("role.manager")
    assert "&lt;!channel&gt;" in text and "<!channel>" not in text and "&amp;" in text
    assert f"<@{ADMIN}>" in text and "the command line" in text and MARIA in text


def test_crm_and_training_settings_are_recorded_with_their_values(
    slack: SlackPeer, app_server: AppServer
) -> None:
    assert "Saved" in str(say(slack, "crm threshold 12.5%", ADMIN)["text"])
    assert say(slack, "crm figures crm", ADMIN)["text"]
    saved = say(slack, "setup training days mon,fri time 9:30 escalate 3", ADMIN)
    assert str(saved["text"]).startswith("Saved.")
    say(slack, "setup training", ADMIN)  # only shown: nothing changed, nothing recorded
    say(slack, "crm threshold 2000", ADMIN)  # refused: nothing recorded
    with app_server.session_factory() as session:
        admin = session.scalars(select(Member).where(Member.user_id == ADMIN)).one()
        events = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    assert [(e.action, e.subject, e.actor_id) for e in events] == [
        ("settings.crm", "threshold", admin.id),
        ("settings.crm", "figures", admin.id),
        ("settings.training", "setup training", admin.id),
    ]
    assert [e.details for e in events] == [
        {"percent": "12.5"},
        {"source": "crm"},
        {"days": [0, 4], "time": "09:30:00", "escalate_after_days": 3},
    ]
    listing = str(say(slack, "audit", ADMIN)["blocks"])
    assert "settings.training" in listing and "settings.crm" in listing


def test_the_listing_stays_within_slacks_limits(slack: SlackPeer, app_server: AppServer) -> None:
    say(slack, "help", ADMIN)  # the admin is known
    with app_server.session_factory.begin() as session:
        for n in range(120):
            audit.record(session, TEAM, None, "settings.workspace", f"setup {n}", note="x" * 300)
    listing = say(slack, "audit 7", ADMIN)
    assert isinstance(listing["blocks"], list) and len(listing["blocks"]) <= 50
    assert "setup 119" in str(listing["blocks"]) and "setup 0 " not in str(listing["blocks"])


def test_bad_days_and_other_roles_are_refused(slack: SlackPeer) -> None:
    assert "from 1 to 366" in str(say(slack, "audit 0", ADMIN)["text"])
    assert "from 1 to 366" in str(say(slack, "audit many", ADMIN)["text"])
    assert str(say(slack, "audit", MARIA)["text"]).startswith("Only Pacer admins may run `/pacer audit`")
    assert "No admin actions in the last 30 days" in str(say(slack, "audit", ADMIN)["text"])


def test_a_secret_never_lands_in_the_log() -> None:
    with pytest.raises(ValueError, match="secrets"):
        audit.record(None, TEAM, None, "settings.crm", "hubspot", api_token="xoxb-1")  # type: ignore[arg-type]


def test_the_log_still_reads_once_an_admin_who_acted_is_erased(
    slack: SlackPeer, app_server: AppServer
) -> None:
    """`pacer erase` leaves the actor's row under an id that is no Slack id ("X12"): the listing shows it
    as plain text instead of failing for everyone."""
    assert "is now a manager" in str(say(slack, f"manager add <@{MARIA}|maria>", ADMIN)["text"])
    with app_server.session_factory.begin() as session:
        maria = session.scalars(select(Member).where(Member.user_id == MARIA)).one()
        audit.record(session, TEAM, maria.id, "settings.retention", "30")
        erase.erase(session, TEAM, MARIA, actor=None)
        erased = maria.user_id
    assert erased.startswith("X")
    listing = say(slack, "audit", ADMIN)
    assert "settings.retention" in str(listing["blocks"]) and erased in str(listing["blocks"])
    assert f"<@{erased}>" not in str(listing)
