"""The review conversation over HTTP, on both databases: publishing asks each rep with a manager to book
it (the manager's working hours on their next working days in both zones, `<!date>` times, never a zone's
name, slot buttons in the rep's time); the rep proposes (a double tap acts once), the manager confirms
(once), either marks it held afterwards (once: the second says who did); each step in the history, and the
scorecard DM's line follows the state. Another member's presses are refused."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.delivery.models import Delivery
from bot.reviews import service, talk_messages
from bot.reviews.models import ReviewConversation, ReviewCycle, TalkState
from bot.roster.models import Member, Role
from bot.roster.policy import Caller
from tests.reviews.test_e2e_publish import CONTACT, NOW, answer_to, buttons, everything, seed
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.people import ADMIN, MARIA, REP_EN, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e


@pytest.fixture
def published(slack: SlackPeer, app_server: AppServer, emulator: SlackEmulator) -> int:
    """Q4 published; Maria works in Shanghai, her rep in New York (no working hour in common)."""
    emulator.add_user(CONTACT, name="victor", real_name="Victor Vendor")
    cycle_id = seed(app_server)
    with app_server.session_factory.begin() as session:
        for user_id, zone in ((MARIA, "Asia/Shanghai"), (REP_EN, "America/New_York")):
            session.scalars(select(Member).where(Member.user_id == user_id)).one().timezone = zone
    app_server.clock.set(NOW)  # Monday 28 December, 18:00 in Shanghai: her day is over
    listing = slack.command("scorecards", user_id=ADMIN).json()
    answer_to(emulator, slack.click(listing, "reviews_publish", user_id=ADMIN, channel_id="D" + ADMIN))
    return cycle_id


def _with(emulator: SlackEmulator, user_id: str, action: str) -> list[dict[str, Any]]:
    return [m for m in dms(emulator, user_id) if any(a.startswith(action) for a in buttons(m))]


def _count(app_server: AppServer, kind: str) -> int:
    with app_server.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Delivery).where(Delivery.kind == kind)) or 0


def _scorecard(emulator: SlackEmulator) -> str:
    return everything(_with(emulator, REP_EN, "reviews_acknowledge")[0])


def test_book_confirm_and_hold_the_review_conversation(
    slack: SlackPeer, published: int, emulator: SlackEmulator, app_server: AppServer
) -> None:
    ask = wait_for(lambda: _with(emulator, REP_EN, "reviews_talk_propose"), what="the ask")[0]
    shown = json.dumps(ask, ensure_ascii=False)
    assert ask["text"].startswith("Your scorecard for 2026Q4 is published. Please book")
    assert "*Tue, Dec 29*: 10:00\u202fAM–6:00\u202fPM for your manager" in shown, shown
    assert "<!date^" in shown and "|9:00\u202fPM>" in shown  # her 10:00 is 21:00 the day before in New York
    assert "Asia/" not in shown and "America/" not in shown
    slots = buttons(ask)
    assert len(slots) == 5 and slots["reviews_talk_propose_0"]["text"]["text"] == "Mon, Dec 28 9:00\u202fPM"
    assert "Review conversation*: not booked yet" in _scorecard(emulator)
    zh = wait_for(lambda: _with(emulator, REP_ZH, "reviews_talk_propose"), what="the Chinese ask")[0]
    assert zh["text"].startswith("你 2026Q4 的评分卡已发布。请与") and "Asia/" not in everything(zh)

    for _ in range(2):  # a double tap proposes once, and the manager hears once
        said = answer_to(
            emulator, slack.click(ask, "reviews_talk_propose_0", user_id=REP_EN, channel_id="D" + REP_EN)
        )
    assert said["text"].startswith("You proposed") and _count(app_server, talk_messages.PROPOSED) == 1
    to_confirm = wait_for(lambda: _with(emulator, MARIA, "reviews_talk_confirm"), what="the manager's DM")[0]
    assert "proposes" in to_confirm["text"] and "9:00\u202fPM their time" in to_confirm["text"]
    wait_for(lambda: "awaiting the manager" in _scorecard(emulator), what="the scorecard's line")

    refused = answer_to(
        emulator, slack.click(to_confirm, "reviews_talk_confirm", user_id=REP_ZH, channel_id="D" + REP_ZH)
    )
    assert refused["text"] == "只有该销售代表的经理可以确认这次评估面谈。"  # REP_ZH reads Chinese
    for _ in range(2):
        said = answer_to(
            emulator, slack.click(to_confirm, "reviews_talk_confirm", user_id=MARIA, channel_id="D" + MARIA)
        )
    assert "confirmed" in said["text"] and _count(app_server, talk_messages.CONFIRMED) == 1
    confirmed = wait_for(lambda: _with(emulator, REP_EN, "reviews_talk_held"), what="the rep's confirmation")[
        0
    ]
    wait_for(lambda: "confirmed for" in _scorecard(emulator), what="the scorecard's line")
    early = answer_to(
        emulator, slack.click(confirmed, "reviews_talk_held", user_id=REP_EN, channel_id="D" + REP_EN)
    )
    assert "mark it held afterwards" in early["text"]

    app_server.clock.set(NOW + timedelta(days=1))
    done = answer_to(
        emulator, slack.click(confirmed, "reviews_talk_held", user_id=REP_EN, channel_id="D" + REP_EN)
    )
    again = answer_to(emulator, slack.click(said, "reviews_talk_held", user_id=MARIA, channel_id="D" + MARIA))
    assert f"marked held by <@{REP_EN}>" in done["text"] and f"marked held by <@{REP_EN}>" in again["text"]
    wait_for(lambda: "Review conversation*: held" in _scorecard(emulator), what="the scorecard's line")
    with app_server.session_factory() as session:
        cycle = session.get_one(ReviewCycle, published)
        talk = session.scalars(select(ReviewConversation)).one()
        assert talk.state is TalkState.HELD and talk.held_at is not None
        assert timedelta(0) <= talk.held_at - (NOW + timedelta(days=1)) < timedelta(minutes=1)
        steps = [
            (c.what, c.changed_by_id) for c in service.history(session, cycle) if c.what.startswith("talk.")
        ]
        rep, boss = (
            session.scalars(select(Member.id).where(Member.user_id == u)).one() for u in (REP_EN, MARIA)
        )
        assert steps == [("talk.proposed", rep), ("talk.confirmed", boss), ("talk.held", rep)]


def test_a_slot_outside_the_managers_hours_is_refused(
    slack: SlackPeer, published: int, emulator: SlackEmulator, app_server: AppServer
) -> None:
    ask = wait_for(lambda: _with(emulator, REP_EN, "reviews_talk_propose"), what="the ask")[0]
    midnight = int((NOW + timedelta(hours=6)).timestamp())  # 02:00 in Shanghai
    forged = slack.block_action(
        user_id=REP_EN,
        action_id="reviews_talk_propose_0",
        value=f"{published}:{midnight}",
        message=ask,
        channel_id="D" + REP_EN,
    )
    assert "out of date" in answer_to(emulator, forged)["text"]
    with app_server.session_factory() as session:
        assert session.scalars(select(ReviewConversation)).first() is None


def test_publishing_again_keeps_a_booked_conversation(
    slack: SlackPeer, published: int, emulator: SlackEmulator, app_server: AppServer
) -> None:
    """A reopened cycle published again: a rep who booked is not asked again, and their new scorecard
    says where the conversation stands; a rep who did not is asked again."""
    ask = wait_for(lambda: _with(emulator, REP_EN, "reviews_talk_propose"), what="the ask")[0]
    answer_to(emulator, slack.click(ask, "reviews_talk_propose_0", user_id=REP_EN, channel_id="D" + REP_EN))
    wait_for(lambda: _with(emulator, REP_ZH, "reviews_talk_propose"), what="Li's ask")
    with app_server.session_factory.begin() as session:
        cycle = session.get_one(ReviewCycle, published)
        admin = session.scalars(select(Member).where(Member.user_id == ADMIN)).one()
        service.reopen(
            session, cycle, Caller(member=admin, role=Role.ADMIN, locale="en"), reason="Late", now=NOW
        )
    listing = slack.command("scorecards", user_id=ADMIN).json()
    answer_to(emulator, slack.click(listing, "reviews_publish", user_id=ADMIN, channel_id="D" + ADMIN))
    wait_for(lambda: len(_with(emulator, REP_ZH, "reviews_talk_propose")) == 2, what="Li asked again")
    cards = wait_for(
        lambda: (found := _with(emulator, REP_EN, "reviews_acknowledge")) and len(found) == 2 and found,
        what="the scorecard again",
    )
    assert "awaiting the manager" in everything(cards[-1])
    assert len(_with(emulator, REP_EN, "reviews_talk_propose")) == 1
