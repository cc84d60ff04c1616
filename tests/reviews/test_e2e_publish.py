"""Calibration and publishing over HTTP, on both databases: `/pacer scorecards` (an admin sees everyone, a
manager their team, a rep is refused), the CSV export to the asker's DM (formulas neutralised), Lock and
publish behind Slack's dialog, once; the rep's scorecard DM with its chart and Acknowledge; the vendor
contact's summary without peer comments or self-review text; the admins' comparison; a locked cycle
refusing edits with the reason; an admin reopening it (recorded) and publishing again; both languages."""

from __future__ import annotations

import csv
import io
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import select

from bot.errors import Conflict
from bot.i18n import t
from bot.reviews import service
from bot.reviews.models import ManagerReview, PeerRating, ReviewCycle, Scorecard, SelfReview, Stage
from bot.reviews.store import store_scorecards
from bot.roster.models import Role
from bot.roster.policy import Caller
from bot.roster.service import add_vendor
from tests.factories import TEAM, member, rep_with_goal
from tests.reviews.support import Q4_WEEKS
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.people import ADMIN, BEN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import PeerResponse, SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
NOW = datetime(2026, 12, 28, 10, 0, tzinfo=UTC)
CONTACT = "UVICTOR"  # the vendor's contact, whom Pacer has not met yet (no member)
SECRETS = ("Peer secret", "Self secret win")


def seed(app_server: AppServer) -> int:
    """Maria's team of three (one of Ben's), all of vendor "=Acme", Q4 in calibration; the cycle's id."""
    with app_server.session_factory.begin() as session:
        boss, other = member(session, MARIA, role=Role.MANAGER), member(session, BEN, role=Role.MANAGER)
        member(session, ADMIN)  # an admin through PACER_ADMINS only
        vendor = add_vendor(session, team_id=TEAM, name="=Acme", contact_user_id=CONTACT)
        reps = [
            rep_with_goal(
                session,
                user_id,
                boss if user_id != REP_LA else other,
                vendor,
                dict.fromkeys(Q4_WEEKS, 10),
                {week: (value, "on_track", False, "") for week in Q4_WEEKS},  # type: ignore[misc]
            )
            for user_id, value in ((REP_EN, 9), (REP_ZH, 12), (REP_LA, 5))
        ]
        reps[0].display_name, reps[1].language = "=HYPERLINK(1)", "zh"
        cycle = service.open_cycle(session, TEAM, "2026Q4", by=boss.id, now=NOW)
        for n, rep in enumerate(reps[:2]):
            session.add(
                PeerRating(
                    team_id=TEAM,
                    cycle_id=cycle.id,
                    rep_id=rep.id,
                    rater_id=reps[1 - n].id,
                    rating=4,
                    comment=SECRETS[0],
                    rated_at=NOW,
                )
            )
            session.add(
                SelfReview(team_id=TEAM, cycle_id=cycle.id, rep_id=rep.id, wins=SECRETS[1], submitted_at=NOW)
            )
        session.add(
            ManagerReview(
                team_id=TEAM,
                cycle_id=cycle.id,
                rep_id=reps[0].id,
                manager_id=boss.id,
                sales_level=5,
                sales_reason="Big deal",
                strengths="Great closer",
                development_kind="training",  # a course of the training feature, by its id
                development_ref=12,
                submitted_at=NOW,
            )
        )
        while cycle.stage is not Stage.CALIBRATION:
            service.advance(session, cycle, by=boss.id, now=NOW)
        return cycle.id


@pytest.fixture
def ready(slack: SlackPeer, app_server: AppServer, emulator: SlackEmulator) -> tuple[SlackPeer, int]:
    emulator.add_user(CONTACT, name="victor", real_name="Victor Vendor")
    cycle_id = seed(app_server)
    app_server.clock.set(NOW)
    return slack, cycle_id


def answer_to(emulator: SlackEmulator, response: PeerResponse) -> dict[str, Any]:
    found = wait_for(
        lambda: [p for url, p in emulator.responses if url == response.response_url], what="the answer"
    )
    return found[-1]


def everything(message: dict[str, Any]) -> str:
    return str(message.get("text", "")) + str(message.get("blocks", []))


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        e["action_id"]: e
        for b in message.get("blocks", [])
        for e in b.get("elements", [])
        if "action_id" in e
    }


def test_calibrate_export_publish_and_acknowledge(
    ready: tuple[SlackPeer, int], emulator: SlackEmulator, app_server: AppServer
) -> None:
    slack, cycle_id = ready
    listing = slack.command("scorecards quarter 2026q4", user_id=ADMIN).json()
    assert listing["text"] == "Scorecards of 2026Q4 (calibration): 3 reps"
    shown = everything(listing)
    assert "=HYPERLINK(1)" in shown and "umaria" in shown and "overall" in shown
    assert "Sales set to 5 by the manager, the data gave 3" in shown  # the outlier: 90 % is level 3
    assert len(listing["blocks"]) <= 50 and not any(secret in shown for secret in SECRETS)
    publish = buttons(listing)["reviews_publish"]
    assert publish["confirm"]["title"]["text"] == "Publish the review?" and publish["value"] == "2026Q4:0"

    team = slack.command("scorecards", user_id=MARIA).json()  # a manager: their own team, no publishing
    assert team["text"] == "Scorecards of 2026Q4 (calibration): 2 reps" and "reviews_publish" not in buttons(
        team
    )
    assert "=Acme: 2 reps" in slack.command("scorecards vendor =acme", user_id=MARIA).json()["text"]
    refused = slack.command("scorecards", user_id=REP_EN).json()
    assert "scorecards" not in buttons(refused) and "Scorecards of" not in refused["text"]

    slack.click(listing, "reviews_export", user_id=ADMIN, channel_id="D" + ADMIN)
    exported = wait_for(lambda: [f for f in emulator.files.values() if f["shared"]], what="the CSV")
    rows = list(csv.reader(io.StringIO(exported[0]["content"].decode("utf-8-sig"))))
    assert (
        exported[0]["shared"]["channel"] == "D" + ADMIN and exported[0]["filename"] == "scorecards-2026Q4.csv"
    )
    assert rows[0][:5] == ["quarter", "rep", "slack_id", "manager", "vendor"] and len(rows) == 4
    first = next(row for row in rows if row[2] == REP_EN)
    assert first[1] == "'=HYPERLINK(1)" and first[4] == "'=Acme"  # formula injection neutralised
    assert first[5:8] == ["5", "manager", "3"]

    done = answer_to(emulator, slack.click(listing, "reviews_publish", user_id=ADMIN, channel_id="D" + ADMIN))
    assert done["text"] == (
        "The review of 2026Q4 is locked and published: 3 scorecards, 1 vendor summaries and 1 comparisons"
        " are on their way."
    )
    again = slack.click(listing, "reviews_publish", user_id=ADMIN, channel_id="D" + ADMIN)  # a double click
    assert again.status == 200
    with app_server.session_factory() as session:
        cycle = session.get_one(ReviewCycle, cycle_id)
        assert cycle.locked and cycle.stage is Stage.PUBLISHED
        assert [c.what for c in service.history(session, cycle)].count("locked") == 1

    card = wait_for(
        lambda: [m for m in dms(emulator, REP_EN) if "reviews_acknowledge" in buttons(m)], what="DM"
    )[0]
    assert card["text"] == "Your scorecard for 2026Q4 is published: overall 5.0."
    assert "Great closer" in everything(card) and SECRETS[0] not in everything(card)
    assert "*Linked*: A training course #12" in everything(card)
    chart = wait_for(lambda: [m for m in dms(emulator, REP_EN) if m.get("files")], what="the chart")[0]
    assert chart["thread_ts"] == card["ts"]
    zh = wait_for(lambda: dms(emulator, REP_ZH), what="the Chinese DM")[0]
    assert zh["text"].startswith("你 2026Q4 的评分卡已发布")

    summary = wait_for(lambda: dms(emulator, CONTACT), what="the vendor summary")[0]
    assert summary["text"] == "=Acme: scorecards of 2026Q4" and "=HYPERLINK(1)" in everything(summary)
    assert not any(s in everything(summary) for s in (*SECRETS, "Great closer", "Big deal", "Linked"))
    comparison = wait_for(
        lambda: dms(emulator, ADMIN) and [m for m in dms(emulator, ADMIN) if "Vendors" in m["text"]],
        what="comparison",
    )
    assert "*=Acme*: 3 reps" in everything(comparison[0])

    acked = answer_to(
        emulator, slack.click(card, "reviews_acknowledge", user_id=REP_EN, channel_id="D" + REP_EN)
    )
    assert "You acknowledged your scorecard for 2026Q4" in everything(acked)
    assert "reviews_acknowledge" not in buttons(acked)
    with app_server.session_factory() as session:
        kept = session.scalars(select(Scorecard).where(Scorecard.cycle_id == cycle_id)).all()
        assert sum(c.acknowledged_at is not None for c in kept) == 1
    other = slack.click(card, "reviews_acknowledge", user_id=REP_ZH, channel_id="D" + REP_ZH)  # not theirs
    assert other.status == 200
    time.sleep(0.3)
    with app_server.session_factory() as session:
        assert sum(c.acknowledged_at is not None for c in session.scalars(select(Scorecard))) == 1


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_a_locked_cycle_refuses_edits_until_an_admin_reopens_it(
    ready: tuple[SlackPeer, int], emulator: SlackEmulator, app_server: AppServer, locale: str
) -> None:
    slack, cycle_id = ready
    slack.command(f"language {locale}", user_id=ADMIN)
    listing = slack.command("scorecards", user_id=ADMIN).json()
    answer_to(emulator, slack.click(listing, "reviews_publish", user_id=ADMIN, channel_id="D" + ADMIN))
    elsewhere = {"ts": "1700000000.000900", "blocks": listing["blocks"], "text": listing["text"]}
    pressed = slack.block_action(  # the same button in another listing: refused, saying why
        user_id=ADMIN,
        action_id="reviews_publish",
        value="2026Q4:0",
        message=elsewhere,
        channel_id="D" + ADMIN,
    )
    said = answer_to(emulator, pressed)["text"]
    assert said == t(
        "reviews.errors.wrong_stage", locale, quarter="2026Q4", stage=t("reviews.stage_published", locale)
    ), said
    with app_server.session_factory.begin() as session:
        cycle = session.get_one(ReviewCycle, cycle_id)
        with pytest.raises(Conflict) as refused:
            store_scorecards(session, cycle, [], now=NOW)
        reason = t(refused.value.key, locale, **refused.value.values)
        assert ("locked" in reason) if locale == "en" else ("锁定" in reason)
    first = wait_for(
        lambda: [m for m in dms(emulator, REP_EN) if "reviews_acknowledge" in buttons(m)], what="DM"
    )
    with app_server.session_factory.begin() as session:
        cycle = session.get_one(ReviewCycle, cycle_id)
        caller = Caller(member=member(session, ADMIN, role=Role.ADMIN), role=Role.ADMIN, locale=locale)
        service.reopen(session, cycle, caller, reason="A late satisfaction score", now=NOW)
        reopened = [c for c in service.history(session, cycle) if c.what == "reopened"]
        assert reopened[0].reason == "A late satisfaction score" and cycle.stage is Stage.CALIBRATION
    listing = slack.command("scorecards", user_id=ADMIN).json()
    assert "reviews_publish" in buttons(listing)
    republished = answer_to(
        emulator, slack.click(listing, "reviews_publish", user_id=ADMIN, channel_id="D" + ADMIN)
    )
    assert "2026Q4" in republished["text"] and (
        "published" in republished["text"] or "发布" in republished["text"]
    ), republished["text"]
    wait_for(
        lambda: len([m for m in dms(emulator, REP_EN) if "reviews_acknowledge" in buttons(m)]) > len(first),
        what="the scorecard sent again",
    )
