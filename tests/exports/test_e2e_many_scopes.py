"""`/pacer export` for an admin with more teams and vendors than a Slack select holds (100 options), over
HTTP on both databases: up to 100 the scopes are a static list; past that the scope menu is an external
select, and Slack's options requests are answered with at most 100 of the caller's own scopes that match
what was typed (labels in the caller's language): a manager only their own team, a rep nothing, another
workspace's never. A scope picked that way is exported."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.audit.models import AuditEvent
from bot.exports import service
from bot.roster.models import Role, Vendor
from bot.roster.service import add_vendor
from tests.exports.support import shared_files
from tests.factories import TEAM, member
from tests.support.app_server import AppServer
from tests.support.people import ADMIN, MARIA, REP_EN
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
ELSEWHERE = "T0000002"
MANY = 75  # teams and as many vendors: with the whole workspace, 151 scopes


def notes(view: dict[str, Any]) -> list[str]:
    return [e["text"] for b in view["blocks"] if b["type"] == "context" for e in b["elements"]]


def scope(view: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = next(b for b in view["blocks"] if b.get("block_id") == "scope")["element"]
    return found


def labels(found: list[dict[str, Any]]) -> list[str]:
    return [option["text"]["text"] for option in found]


def test_up_to_100_scopes_the_list_stays_static(slack: SlackPeer, app_server: AppServer) -> None:
    with app_server.session_factory.begin() as session:
        member(session, ADMIN, role=Role.ADMIN)
        for n in range(99):  # with "all": 100, the most a static select holds
            add_vendor(session, team_id=TEAM, name=f"Vendor {n:03d}", contact_user_id=None)
    view = slack.open_modal("export", user_id=ADMIN)
    assert scope(view)["type"] == "static_select" and len(scope(view)["options"]) == 100
    assert scope(view)["initial_option"]["value"] == "all" and notes(view) == []
    with app_server.session_factory.begin() as session:
        add_vendor(session, team_id=TEAM, name="Vendor 099", contact_user_id=None)
    view = slack.open_modal("export", user_id=ADMIN)
    assert scope(view)["type"] == "external_select" and notes(view) == []  # no "only the first 100"


@pytest.fixture
def many(slack: SlackPeer, app_server: AppServer) -> dict[str, int]:
    """75 managers (Maria among them, with Rita on her team) and 75 vendors; another workspace with
    managers and vendors named like them. Returns {name: member or vendor id}."""
    ids: dict[str, int] = {}
    with app_server.session_factory.begin() as session:
        member(session, ADMIN, role=Role.ADMIN)
        maria = member(session, MARIA, role=Role.MANAGER, display_name="Maria")
        rep = member(session, REP_EN)
        rep.on_team, rep.manager_id = True, maria.id
        ids["maria"] = maria.id
        for n in range(MANY - 1):
            boss = member(session, f"UBOSS{n:03d}", role=Role.MANAGER, display_name=f"Boss {n:03d}")
            ids[f"Boss {n:03d}"] = boss.id
            member(
                session, f"UBOSS{n:03d}", role=Role.MANAGER, display_name=f"Boss {n:03d}", team_id=ELSEWHERE
            )
        for n in range(MANY):
            ids[f"Vendor {n:03d}"] = add_vendor(
                session, team_id=TEAM, name=f"Vendor {n:03d}", contact_user_id=None
            ).id
            add_vendor(session, team_id=ELSEWHERE, name=f"Vendor {n:03d} elsewhere", contact_user_id=None)
    return ids


def test_past_100_scopes_the_menu_asks_as_the_person_types(
    slack: SlackPeer, app_server: AppServer, many: dict[str, int]
) -> None:
    view = slack.open_modal("export", user_id=ADMIN)
    menu = scope(view)
    assert menu["type"] == "external_select" and menu["min_query_length"] == 0 and "options" not in menu
    assert menu["initial_option"] == {
        "text": {"type": "plain_text", "text": "The whole workspace", "emoji": True},
        "value": "all",
    }
    opened = slack.suggestion(view, "scope", "", user_id=ADMIN)
    assert len(opened) == 100 and opened[0]["value"] == "all"  # the widest first, as the list was
    assert labels(opened)[1:3] == ["Boss 000's team", "Boss 001's team"]
    assert labels(slack.suggestion(view, "scope", "VENDOR 07", user_id=ADMIN)) == [
        f"Vendor {n:03d}'s reps" for n in range(70, 75)
    ]  # any case; never the other workspace's "Vendor 070 elsewhere"
    assert slack.suggestion(view, "scope", "elsewhere", user_id=ADMIN) == []
    found = slack.suggestion(view, "scope", "boss 01", user_id=ADMIN)
    assert [option["value"] for option in found] == [f"team:{many[f'Boss {n:03d}']}" for n in range(10, 20)]
    with app_server.session_factory.begin() as session:
        member(session, ADMIN).language = "zh"
    assert labels(slack.suggestion(view, "scope", "vendor 07", user_id=ADMIN)) == [
        f"Vendor {n:03d} 的销售代表" for n in range(70, 75)
    ]
    assert labels(slack.suggestion(view, "scope", "整个", user_id=ADMIN)) == ["整个工作区"]
    assert slack.suggestion(view, "scope", "reps", user_id=ADMIN) == []  # the labels are Chinese now


def test_a_manager_gets_their_own_team_only_and_a_rep_nothing(slack: SlackPeer, many: dict[str, int]) -> None:
    view = slack.open_modal("export", user_id=ADMIN)  # the admin's modal, asked by others
    assert labels(slack.suggestion(view, "scope", "", user_id=MARIA)) == ["My team"]
    assert slack.suggestion(view, "scope", "", user_id=MARIA)[0]["value"] == f"team:{many['maria']}"
    assert slack.suggestion(view, "scope", "boss", user_id=MARIA) == []  # another manager's team never
    assert slack.suggestion(view, "scope", "vendor", user_id=MARIA) == []
    assert slack.suggestion(view, "scope", "", user_id=REP_EN) == []
    own = slack.open_modal("export", user_id=MARIA)
    assert scope(own)["type"] == "static_select" and len(scope(own)["options"]) == 1


def test_a_scope_picked_from_the_menu_is_exported(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer, many: dict[str, int]
) -> None:
    view = slack.open_modal("export", user_id=ADMIN)
    [picked] = slack.suggestion(view, "scope", "vendor 042", user_id=ADMIN)
    assert picked["value"] == f"vendor:{many['Vendor 042']}"
    answers = {"scope": picked, "sets": ["checkins"], "format": "csv"}
    assert slack.view_submission(view, answers, user_id=ADMIN).status == 200
    files = wait_for(lambda: shared_files(emulator, ADMIN), what="the export")
    assert len(files) == 1 and next(iter(files)).endswith("-checkins.csv")
    with app_server.session_factory() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
        assert event.subject == picked["value"]  # recorded before the files were shared
        other = session.scalars(select(Vendor.id).where(Vendor.team_id != TEAM)).first()
    forged = {"text": {"type": "plain_text", "text": "Vendor 042's reps"}, "value": f"vendor:{other}"}
    refused = slack.view_submission(view, {"scope": forged}, user_id=ADMIN).json()
    assert "only your own scope" in str(refused["view"])  # another workspace's vendor, forged


def test_a_failed_options_request_answers_no_options_and_sends_no_dm(
    slack: SlackPeer, emulator: SlackEmulator, many: dict[str, int], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A menu asks at each keystroke: a failure is logged, the menu shows nothing, no DM per keystroke."""
    view = slack.open_modal("export", user_id=ADMIN)

    def broken(*args: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(service, "choices", broken)
    sent = len(emulator.calls_to("chat.postMessage"))
    for typed in ("v", "ve", "ven"):
        assert slack.suggestion(view, "scope", typed, user_id=ADMIN) == []
    assert len(emulator.calls_to("chat.postMessage")) == sent
