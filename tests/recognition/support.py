"""Helpers the recognition tests share: the team, the settings row, and what the app answered."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from bot.checkins.models import Confidence
from bot.recognition.models import Kudos, RecognitionSettings
from bot.roster.models import Member
from tests.factories import rep_with_goal
from tests.support.app_server import AppServer
from tests.support.e2e import at
from tests.support.people import ADMIN, BEN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

TEAM = "T0000001"
CHANNEL = "C0KUDOS"


def team(slack: SlackPeer, app_server: AppServer, *, channel: str | None = CHANNEL, **settings: Any) -> None:
    """Maria manages Rita and Sam, Ben manages Li; the recognition channel is #kudos unless told."""
    app_server.clock.set(at(10))
    slack.emulator.add_channel(CHANNEL, "kudos")
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"manager add <@{BEN}|ben>", user_id=ADMIN)
    slack.command(f"team add <@{REP_EN}|rita> <@{REP_LA}|sam>", user_id=MARIA)
    slack.command(f"team add <@{REP_ZH}|li>", user_id=BEN)
    with app_server.session_factory.begin() as session:
        session.add(RecognitionSettings(team_id=TEAM, channel_id=channel, **settings))


def goals(app_server: AppServer, results: dict[str, list[int]], *, manager: str = MARIA) -> None:
    """A goal of 10 a week from Nov 2 for each rep, with these weekly results (a check-in each)."""
    weeks = [date(2026, 11, 2) + timedelta(weeks=n) for n in range(9)]
    with app_server.session_factory.begin() as session:
        boss = session.scalars(select(Member).where(Member.user_id == manager)).one()
        for user_id, done in results.items():
            answers = {
                week: (result, Confidence.ON_TRACK, False, "")
                for week, result in zip(weeks, done, strict=False)
            }
            rep_with_goal(session, user_id, boss, None, dict.fromkeys(weeks, 10), answers)


def kudos(slack: SlackPeer, text: str, *, user_id: str) -> str:
    """`/pacer kudos <text>` as `user_id`; the answer's text (in the ack, or through the response URL
    once the kudos is given after the ack, then taken off the emulator's responses)."""
    response = slack.command(f"kudos {text}", user_id=user_id)
    if response.json():
        return str(response.json()["text"])
    found = wait_for(
        lambda: [(url, p) for url, p in slack.emulator.responses if url == response.response_url],
        what="answer",
    )
    for answer in found:  # taken: a test's later answers (a button's) are counted from the first
        slack.emulator.responses.remove(answer)
    return str(found[-1][1]["text"])


def stored(app_server: AppServer) -> list[tuple[int, str, str]]:
    with app_server.session_factory() as session:
        rows = session.scalars(select(Kudos).order_by(Kudos.id)).all()
        return [(row.points, row.status.value, row.reason) for row in rows]


def texts(messages: list[dict[str, Any]]) -> list[str]:
    return [str(message["text"]) for message in messages]
