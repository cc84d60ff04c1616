"""A rep's open pipeline under their status seen by someone else, over HTTP against the emulator:
`/pacer status @rep` shows the rep's manager (and an admin) the CRM's open pipeline and its coverage of
what is left of the rep's target, worded about the rep ("their target"), in the viewer's language, with
the figures written as in the rep's own view. Another manager is refused as before, a vendor contact sees
only their own status, and without a snapshot from the CRM nothing is added. (The digests never import
the CRM: `bot.links.crm` connects it to `bot.digests.extras.STATUS`.)"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from bot.crm.actuals import record_rows
from bot.crm.rows import PipelineFigure
from bot.goals.models import Goal, GoalStatus
from bot.roster.models import Member
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.goal_forms import REVENUE_GOAL
from tests.support.home import texts
from tests.support.people import ADMIN, BEN, MARIA, REP_EN, REP_LA
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
TEAM = "T0000001"
RITA = f"<@{REP_EN}|rita>"


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=UTC)


@pytest.fixture
def rita(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> SlackPeer:
    """Maria manages Rita, who agreed to a $130,000 revenue goal for Q4; Ben manages nobody yet."""
    app_server.clock.set(at(1))
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"manager add <@{BEN}|ben>", user_id=ADMIN)
    slack.command(f"team add {RITA}", user_id=MARIA)
    view = slack.open_modal(f"goal {RITA}", user_id=MARIA)
    assert slack.view_submission(view, REVENUE_GOAL, user_id=MARIA).json() == {}
    message = wait_for(lambda: dms(emulator, REP_EN), what="the agreement DM")[-1]
    assert slack.click(message, "goal_agree", user_id=REP_EN, channel_id="D" + REP_EN).status == 200

    def active() -> int | None:
        with app_server.session_factory() as session:
            return session.scalar(select(Goal.id).where(Goal.status == GoalStatus.ACTIVE))

    wait_for(active, what="the goal agreed")
    app_server.clock.set(at(4, 15))
    return slack


def pipeline_of_rita(app_server: AppServer) -> None:
    """The CRM's snapshot of Rita's open pipeline: $260,000 in 7 deals on Dec 1."""
    with app_server.session_factory.begin() as session:
        rep = session.scalars(select(Member).where(Member.user_id == REP_EN)).one()
        figure = PipelineFigure("z1", Decimal(260000), "USD", date(2026, 12, 1), deals=7)
        record_rows(session, TEAM, "zoho", {"z1": rep.id}, [figure], now=at(1))


def status(slack: SlackPeer, text: str, user_id: str) -> dict[str, Any]:
    reply: dict[str, Any] = slack.command(text, user_id=user_id).json()
    assert len(reply.get("blocks", [])) <= 50
    return reply


def amount_line(body: str) -> str:
    return next(line for line in body.split("\n") if "open deals" in line or "个未结商机" in line)


def test_the_manager_and_an_admin_see_the_reps_pipeline_under_their_status(
    rita: SlackPeer, app_server: AppServer
) -> None:
    pipeline_of_rita(app_server)
    seen = status(rita, f"status {RITA}", MARIA)
    body = texts(seen)
    assert f"<@{REP_EN}> · " in body  # the digest's line of the rep, as before, above the pipeline
    assert f"*Open pipeline* of <@{REP_EN}> (CRM, Dec 1)" in body
    assert "• 200% of the $130,000 left to reach their target of $130,000" in body
    assert "your target" not in body
    assert seen["blocks"][-3]["type"] == "divider"  # the pipeline comes after the rep's figures

    own = texts(status(rita, "status", REP_EN))
    assert "*Open pipeline* (CRM, Dec 1)" in own and "left to reach your target of $130,000" in own
    assert amount_line(body) == amount_line(own) == "• $260,000 in 7 open deals"  # written alike

    admin = texts(status(rita, f"status {RITA}", ADMIN))
    assert f"*Open pipeline* of <@{REP_EN}> (CRM, Dec 1)" in admin and "• $260,000 in 7 open deals" in admin


def test_another_managers_rep_and_a_vendor_contact_see_no_pipeline(
    rita: SlackPeer, app_server: AppServer
) -> None:
    pipeline_of_rita(app_server)
    refused = status(rita, f"status {RITA}", BEN)
    assert refused["text"] == f"<@{REP_EN}> isn't on your team, so you can't set or see their goals."
    assert "260,000" not in str(refused)

    rita.command(f"vendor add Acme Sales <@{REP_LA}|sam>", user_id=MARIA)
    contact = status(rita, f"status {RITA}", REP_LA)  # a rep's status is their own, as before
    assert "260,000" not in str(contact) and "Open pipeline" not in str(contact)


def test_without_a_snapshot_from_the_crm_nothing_is_added(rita: SlackPeer) -> None:
    seen = status(rita, f"status {RITA}", MARIA)
    assert f"<@{REP_EN}> · " in texts(seen)
    assert "pipeline" not in str(seen).lower() and "divider" not in str(seen["blocks"][-1])


def test_a_chinese_manager_reads_it_in_chinese(rita: SlackPeer, app_server: AppServer) -> None:
    pipeline_of_rita(app_server)
    rita.command("language zh", user_id=MARIA)
    body = texts(status(rita, f"status {RITA}", MARIA))
    assert f"*未结商机*：<@{REP_EN}>（CRM，12月1日）" in body
    assert "• 覆盖距其目标 US$130,000 尚差的 US$130,000 的 200%" in body
    assert "Open pipeline" not in body and "target" not in body

    own = texts(status(rita, "status", REP_EN))  # Rita still reads hers in English
    assert "*Open pipeline* (CRM, Dec 1)" in own and "未结商机" not in own
    rita.command("language zh", user_id=REP_EN)
    assert amount_line(body) == amount_line(texts(status(rita, "status", REP_EN)))
