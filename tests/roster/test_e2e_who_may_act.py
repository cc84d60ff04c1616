"""Who may act, over signed HTTP: a vendor's channel is chosen by an admin or by the manager of all its
reps; goals are approved by the rep's manager now; guests and external users are never admins or
managers, whatever PACER_ADMINS or their own organisation says."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.goals.models import Goal, GoalStatus
from bot.roster.models import Member, Role, Vendor
from tests.support.app_server import AppServer
from tests.support.goal_forms import ACCOUNTS_GOAL as GOAL
from tests.support.people import ADMIN, BEN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
CONTACT = "UVENDOR"  # Acme's contact: a guest from the vendor, which is fine for a contact
SHARED = "<#C0SHARED|acme-shared>"


def at(user_id: str) -> str:
    return f"<@{user_id}|x>"


def say(slack: SlackPeer, text: str, user_id: str) -> str:
    response = slack.command(text, user_id=user_id)
    assert response.status == 200, response.body
    return str(response.json()["text"])


def dms(emulator: SlackEmulator, user_id: str) -> list[dict[str, Any]]:
    return emulator.messages.get("D" + user_id, [])


def one(app_server: AppServer, model: Any, **where: Any) -> Any:
    with app_server.session_factory() as session:
        return session.scalars(select(model).filter_by(**where)).one()


@pytest.fixture
def teams(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> SlackPeer:
    app_server.clock.set(datetime(2026, 10, 5, 9, tzinfo=UTC))
    emulator.add_user(CONTACT, name="vera", is_restricted=True)
    assert "is now a manager" in say(slack, f"manager add {at(MARIA)}", ADMIN)
    assert "is now a manager" in say(slack, f"manager add {at(BEN)}", ADMIN)
    assert "added" in say(slack, f"vendor add Acme Sales {at(CONTACT)}", ADMIN)
    assert "added" in say(slack, "vendor add Empty Co", ADMIN)
    assert "Added" in say(slack, f"team add {at(REP_EN)} {at(REP_ZH)} vendor Acme Sales", MARIA)
    return slack


def test_a_vendor_channel_is_chosen_by_an_admin_or_the_manager_of_all_its_reps(
    teams: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    refusal = "Only a Pacer admin, or the manager whose team has every rep of *Acme Sales*"
    assert refusal in say(teams, f"vendor channel Acme Sales {SHARED}", BEN)  # none of them is Ben's
    assert one(app_server, Vendor, name="Acme Sales").channel_id is None
    assert not dms(emulator, CONTACT)
    assert "Only Pacer admins or managers" in say(teams, f"vendor channel Acme Sales {SHARED}", REP_EN)

    assert say(teams, f"vendor channel Acme Sales {SHARED}", MARIA) == (
        f"Saved: *Acme Sales*'s weekly digest and its escalations will go to <#C0SHARED>; <@{CONTACT}> has"
        " been told by DM."
    )
    told = wait_for(lambda: dms(emulator, CONTACT), what="the contact's notice")
    assert "*Acme Sales*" in told[-1]["text"] and "<#C0SHARED>" in told[-1]["text"]
    assert f"<@{MARIA}>" in told[-1]["text"]

    # One of Acme's reps joins Ben's team: now neither manager has all of them.
    assert "Added" in say(teams, f"team add {at(REP_LA)} vendor Acme Sales", BEN)
    assert refusal in say(teams, "vendor channel Acme Sales <#C0OTHER|mine>", MARIA)
    assert one(app_server, Vendor, name="Acme Sales").channel_id == "C0SHARED"
    assert "will go to <#C0OTHER>" in say(teams, "vendor channel Acme Sales <#C0OTHER|x>", ADMIN)
    wait_for(lambda: len(dms(emulator, CONTACT)) == 2, what="the second notice")

    # A vendor with no reps is no manager's to route.
    empty = "every rep of *Empty Co*"
    assert empty in say(teams, f"vendor channel Empty Co {SHARED}", MARIA)
    assert "will go to <#C0SHARED>." in say(teams, f"vendor channel Empty Co {SHARED}", ADMIN)


def test_goal_approval_follows_the_reps_current_manager(
    teams: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    view = teams.open_modal("goal", user_id=REP_EN)
    assert teams.view_submission(view, GOAL, user_id=REP_EN).json() == {}
    request = wait_for(lambda: dms(emulator, MARIA), what="the approval request")[-1]
    goal = one(app_server, Goal)
    assert goal.status is GoalStatus.PROPOSED

    assert "Added" in say(teams, f"team add {at(REP_EN)} manager {at(BEN)}", ADMIN)  # Rita moves to Ben
    assert teams.click(request, "goal_approve", user_id=MARIA, channel_id="D" + MARIA).status == 200
    refused = wait_for(
        lambda: [p for _, p in emulator.responses if "isn't on your team" in str(p.get("text"))],
        what="Maria's refusal",
    )
    assert refused
    assert one(app_server, Goal).status is GoalStatus.PROPOSED
    assert "isn't on your team" in say(teams, f"goal close {goal.id}", MARIA)
    assert "isn't on your team" in say(teams, f"goals {at(REP_EN)}", MARIA)
    assert "isn't on your team" in say(teams, f"status {at(REP_EN)}", MARIA)

    teams.click(request, "goal_approve", user_id=BEN, channel_id="D" + BEN)
    wait_for(lambda: one(app_server, Goal).status is GoalStatus.ACTIVE, what="Ben's approval")

    # A new proposal goes to the manager Rita has now.
    view = teams.open_modal("goal", user_id=REP_EN)
    teams.view_submission(view, GOAL | {"title": "Open ten new accounts in Hesse"}, user_id=REP_EN)
    wait_for(lambda: any("Hesse" in m["text"] for m in dms(emulator, BEN)), what="Ben's request")
    assert not any("Hesse" in m["text"] for m in dms(emulator, MARIA))


GUESTS = {
    "guest": {"is_restricted": True},
    "single-channel guest": {"is_ultra_restricted": True},
    "stranger from a shared channel": {"is_stranger": True, "team_id": "T0OTHER"},
    "another team's user": {"team_id": "T0OTHER"},
    "another Grid team's user": {
        "enterprise_user": {"id": "W1", "enterprise_id": "E1", "teams": ["T0OTHER"]}
    },
}


@pytest.mark.parametrize("kind", sorted(GUESTS))
def test_guests_and_external_users_are_never_admins_or_managers(
    kind: str, slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    # In PACER_ADMINS, and a Slack admin of their own organisation: still only a rep here.
    emulator.add_user(ADMIN, name="alex", is_admin=True, **GUESTS[kind])
    assert "Only Pacer admins may run `/pacer manager add`" in say(slack, f"manager add {at(MARIA)}", ADMIN)
    assert "Only Pacer admins" in say(slack, f"vendor channel Acme {SHARED}", ADMIN)
    with app_server.session_factory() as session:
        assert session.scalars(select(Member).where(Member.role == Role.MANAGER)).all() == []


def test_a_guest_cannot_be_made_a_manager(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    emulator.add_user("UGUEST", name="gus", is_restricted=True)
    reply = say(slack, f"manager add {at('UGUEST')}", "UOWNER")
    assert "can't be a manager: only full members of this workspace" in reply
    assert one(app_server, Member, user_id="UGUEST").role is Role.REP


def test_a_manager_who_becomes_a_guest_loses_the_role(teams: SlackPeer, app_server: AppServer) -> None:
    user = {"id": MARIA, "team_id": "T0000001", "name": "maria", "is_restricted": True, "tz": "UTC"}
    assert teams.event({"type": "user_change", "user": user}).status == 200
    wait_for(lambda: one(app_server, Member, user_id=MARIA).role is Role.REP, what="the demotion")
    assert one(app_server, Member, user_id=REP_EN).manager_id is None
    assert "Only Pacer admins or managers may run `/pacer team`" in say(teams, "team", MARIA)
