"""Managers, vendors and teams, driven through `/pacer` as Slack sends it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.roster.models import Member
from tests.support.app_server import AppServer
from tests.support.people import ADMIN, BEN, GONE, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer

pytestmark = pytest.mark.e2e


def at(user_id: str, name: str = "x") -> str:
    return f"<@{user_id}|{name}>"  # how Slack escapes a mention when should_escape is on


def say(slack: SlackPeer, text: str, user_id: str) -> str:
    response = slack.command(text, user_id=user_id)
    assert response.status == 200, response.body
    return str(response.json()["text"])


def member(app_server: AppServer, user_id: str) -> Member:
    with app_server.session_factory() as session:
        found = session.scalar(select(Member).where(Member.user_id == user_id))
        assert found is not None
        return found


@pytest.fixture
def maria_manages(slack: SlackPeer) -> SlackPeer:
    assert "is now a manager" in say(slack, f"manager add {at(MARIA, 'maria')}", ADMIN)
    assert "is now a manager" in say(slack, f"manager add {at(BEN, 'ben')}", ADMIN)
    assert "Vendor *Acme Sales* added" in say(slack, f"vendor add Acme Sales {at(REP_LA)}", MARIA)
    return slack


def test_a_manager_builds_a_team(maria_manages: SlackPeer, app_server: AppServer) -> None:
    slack = maria_manages
    reply = say(slack, f"team add {at(REP_EN)} {at(REP_ZH)} vendor acme sales", MARIA)
    assert reply == (
        f"Added <@{REP_EN}>, <@{REP_ZH}> to <@{MARIA}>'s team. Next, set each a goal with `/pacer goal @rep`:"
        " a rep is nudged to check in once they have agreed to one."
    )
    rep = member(app_server, REP_ZH)
    assert rep.on_team and rep.manager_id == member(app_server, MARIA).id and rep.vendor_id is not None
    listing = slack.command("team", user_id=MARIA).json()
    assert "Team (2 reps)" in listing["text"] and "Acme Sales" in listing["text"]
    vendors = say(slack, "vendor list", MARIA)
    assert "*Acme Sales*: 2 reps · contact: <@UREPLA>" in vendors
    assert say(slack, f"team remove {at(REP_EN)}", MARIA) == f"<@{REP_EN}> is no longer on a team."
    assert "Team (1 reps)" in say(slack, "team", MARIA)


def test_an_admin_sees_every_team_and_must_name_the_manager(maria_manages: SlackPeer) -> None:
    slack = maria_manages
    assert "Say whose team" in say(slack, f"team add {at(REP_EN)}", ADMIN)
    assert "Added" in say(slack, f"team add {at(REP_EN)} manager {at(MARIA)}", ADMIN)
    assert "Added" in say(slack, f"team add {at(REP_LA)} manager {at(BEN)}", ADMIN)
    listing = say(slack, "team", ADMIN)
    assert f"*Manager <@{MARIA}>*" in listing and f"*Manager <@{BEN}>*" in listing


def test_managers_stay_in_their_own_team(maria_manages: SlackPeer) -> None:
    slack = maria_manages
    say(slack, f"team add {at(REP_EN)}", MARIA)
    assert "already on another manager's team" in say(slack, f"team add {at(REP_EN)}", BEN)
    assert "isn't on your team" in say(slack, f"team remove {at(REP_EN)}", BEN)
    assert "Only Pacer admins may add reps to another manager's team" in say(
        slack, f"team add {at(REP_ZH)} manager {at(MARIA)}", BEN
    )
    assert "Team (0 reps)" not in say(slack, "team", BEN) and "No reps on the team yet" in say(
        slack, "team", BEN
    )


def test_bad_input_gets_one_line_answers(maria_manages: SlackPeer) -> None:
    slack = maria_manages
    assert say(slack, f"team add {at(GONE)}", MARIA) == (
        f"<@{GONE}> is deactivated in Slack (or is a bot), so they can't be part of Pacer."
    )
    assert say(slack, f"team add {at('UNOBODY')}", MARIA) == (
        "I can't find <@UNOBODY> in this workspace. Were they removed from Slack?"
    )
    assert say(slack, f"team add {at(REP_EN)} vendor Globex", MARIA).startswith(
        "There is no vendor called *Globex*. Known vendors: Acme Sales."
    )
    assert say(slack, "vendor add ACME SALES", MARIA) == "There is already a vendor called *Acme Sales*."
    assert say(slack, "team add rita", MARIA).startswith("“rita” is not a person.")
    assert say(slack, "team add", MARIA) == "Mention the person this is about, like `@maria`."
    assert "isn't a manager" in say(slack, f"manager remove {at(REP_EN)}", ADMIN)
    assert "is a manager, so they can't be added as a rep" in say(slack, f"team add {at(BEN)}", MARIA)
    assert "vendor add" in say(slack, "vendor add", MARIA)


def test_only_admins_appoint_managers(maria_manages: SlackPeer, app_server: AppServer) -> None:
    slack = maria_manages
    assert say(slack, f"manager add {at(REP_EN)}", MARIA).startswith(
        "Only Pacer admins may run `/pacer manager add`"
    )
    assert not _known(app_server, REP_EN)  # refused before anything was looked up or written
    say(slack, f"team add {at(REP_EN)}", MARIA)
    assert "Reps left without a manager: 1" in say(slack, f"manager remove {at(MARIA)}", ADMIN)
    assert say(slack, "team", MARIA).startswith("Only Pacer admins or managers may run `/pacer team`")


def test_reps_cannot_see_the_team_or_vendors(maria_manages: SlackPeer) -> None:
    assert "Only Pacer admins or managers" in say(maria_manages, "team", REP_EN)
    assert "Only Pacer admins or managers" in say(maria_manages, "vendor list", REP_EN)


def test_workspaces_do_not_see_each_other(maria_manages: SlackPeer, app_server: AppServer) -> None:
    other = SlackPeer(
        app_server.events_url, maria_manages.signing_secret, maria_manages.emulator, team_id="T0OTHER"
    )
    maria_manages.emulator.add_user("UOTHERADMIN", name="o", is_admin=True, team_id="T0OTHER")
    text = say(other, "vendor list", "UOTHERADMIN")
    assert "No vendors yet" in text


def _known(app_server: AppServer, user_id: str) -> bool:
    with app_server.session_factory() as session:
        return session.scalar(select(Member.id).where(Member.user_id == user_id)) is not None


def test_a_team_added_at_once_is_looked_up_together_and_bounded(
    maria_manages: SlackPeer, app_server: AppServer, emulator: SlackEmulator
) -> None:
    """Everyone a `team add` names is asked of Slack before the answer: at most 25 people, asked at the
    same time, saved in one go; more get a one-line answer and nothing is looked up."""
    slack = maria_manages
    new = [f"UNEW{n:02d}" for n in range(25)]
    for user_id in new:
        emulator.add_user(user_id, name=user_id.lower())
    before = len(emulator.calls_to("users.info"))
    too_many = say(slack, "team add " + " ".join(at(u) for u in [*new, REP_EN]), MARIA)
    assert too_many == "Mention at most 25 people in one command; run it again for the others."
    assert len(emulator.calls_to("users.info")) == before
    reply = say(slack, "team add " + " ".join(at(u) for u in new), MARIA)
    assert reply.startswith(f"Added <@{new[0]}>, ") and f"<@{new[-1]}>" in reply
    assert len(emulator.calls_to("users.info")) == before + 25  # each once: none of them was known
    assert "Team (25 reps)" in say(slack, "team", MARIA)
    unknown = say(slack, f"team add {at(REP_EN)} {at('UNOBODY')}", MARIA)
    assert "UNOBODY" in unknown
    with app_server.session_factory() as session:  # nothing half-done: not even the known one saved
        assert session.scalar(select(Member).where(Member.user_id == REP_EN)) is None
