"""`/pacer export` for an admin with more teams and vendors than a Slack select holds (100 options), over
HTTP on both databases: the list stops at 100 and the modal says so, instead of dropping the rest without
a word."""

from __future__ import annotations

from typing import Any

import pytest

from bot.roster.models import Role
from bot.roster.service import add_vendor
from tests.factories import TEAM, member
from tests.support.app_server import AppServer
from tests.support.people import ADMIN
from tests.support.slack_peer import SlackPeer

pytestmark = pytest.mark.e2e


def notes(view: dict[str, Any]) -> list[str]:
    return [e["text"] for b in view["blocks"] if b["type"] == "context" for e in b["elements"]]


def scopes(view: dict[str, Any]) -> list[str]:
    block = next(b for b in view["blocks"] if b.get("block_id") == "scope")
    return [option["value"] for option in block["element"]["options"]]


def test_the_modal_says_when_scopes_did_not_fit(slack: SlackPeer, app_server: AppServer) -> None:
    with app_server.session_factory.begin() as session:
        member(session, ADMIN, role=Role.ADMIN)
        for n in range(99):  # with "all": 100, the most a select holds
            add_vendor(session, team_id=TEAM, name=f"Vendor {n:03d}", contact_user_id=None)
    view = slack.open_modal("export", user_id=ADMIN)
    assert len(scopes(view)) == 100 and notes(view) == []
    with app_server.session_factory.begin() as session:
        for n in range(99, 120):
            add_vendor(session, team_id=TEAM, name=f"Vendor {n:03d}", contact_user_id=None)
    view = slack.open_modal("export", user_id=ADMIN)
    assert len(scopes(view)) == 100 and scopes(view)[0] == "all"
    assert notes(view) == [
        "Only the first 100 of 121 choices fit in the list (sorted by name). For a team or vendor not "
        "listed, export the whole workspace: it holds every team and vendor."
    ]
