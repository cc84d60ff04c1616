"""`/pacer crm figures reported|crm` over HTTP, on SQLite and PostgreSQL: an admin chooses (in English and
Chinese), a bad word gets the usage, a rep is refused politely; the choice is kept for the scorecards."""

from __future__ import annotations

import pytest

from bot.crm import figures
from tests.conftest import TEAM_ID
from tests.support.app_server import AppServer
from tests.support.people import ADMIN, MARIA, REP_EN
from tests.support.slack_peer import SlackPeer

pytestmark = pytest.mark.e2e


def test_an_admin_chooses_where_figures_come_from(slack: SlackPeer, app_server: AppServer) -> None:
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"team add <@{REP_EN}|rita>", user_id=MARIA)
    said = slack.command("crm figures CRM", user_id=ADMIN).json()["text"]
    assert said.startswith("Saved: scorecards and incentives count the CRM's figures")
    with app_server.session_factory() as session:
        assert figures.source_of(session, TEAM_ID) is figures.Source.CRM
    assert (
        "`/pacer crm figures reported`" in slack.command("crm figures <!here>", user_id=ADMIN).json()["text"]
    )
    assert "`/pacer crm figures reported`" in slack.command("crm figures", user_id=ADMIN).json()["text"]
    refused = slack.command("crm figures reported", user_id=REP_EN).json()["text"]
    assert "admin" in refused.lower()
    slack.command("language zh", user_id=ADMIN)
    assert "周报" in slack.command("crm figures reported", user_id=ADMIN).json()["text"]
    with app_server.session_factory() as session:
        assert figures.source_of(session, TEAM_ID) is figures.Source.REPORTED
