"""CRM figures in the check-in, over HTTP against the emulator: the modal shows "CRM: $12,500 closed this
week (3 deals)" under the result and pre-fills it; keeping it needs no reason, a different result does
(the modal stays open with the error under the CRM field), and both values are kept. A rep's own
`/pacer status` shows their open pipeline under their goals, and their manager's `/pacer status @rep`
shows it about them (tests/crm/test_e2e_rep_status.py). (The check-ins
and digests never import the CRM: `bot.links.crm` connects it to their hooks.) `/pacer crm import` sends
the template to the admin's DM; a rep may not run it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from bot.checkins.models import CheckIn
from bot.crm.actuals import record_rows
from bot.crm.importing import template
from bot.crm.models import CheckinSource
from bot.crm.rows import ClosedDeal, PipelineFigure
from bot.goals.models import Goal, GoalStatus
from bot.roster.models import Member
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.goal_forms import REVENUE_GOAL
from tests.support.people import ADMIN, MARIA, REP_EN
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
TEAM = "T0000001"
WEEK = date(2026, 11, 30)


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=UTC)


def agreed_goal(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> int:
    app_server.clock.set(at(1))
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"team add <@{REP_EN}|rita>", user_id=MARIA)
    view = slack.open_modal(f"goal <@{REP_EN}|rita>", user_id=MARIA)
    assert slack.view_submission(view, REVENUE_GOAL, user_id=MARIA).json() == {}
    message = wait_for(lambda: dms(emulator, REP_EN), what="the agreement DM")[-1]
    assert slack.click(message, "goal_agree", user_id=REP_EN, channel_id="D" + REP_EN).status == 200

    def active() -> int | None:
        with app_server.session_factory() as session:
            return session.scalar(select(Goal.id).where(Goal.status == GoalStatus.ACTIVE))

    return wait_for(active, what="the goal agreed")


def crm_deals(app_server: AppServer) -> None:
    with app_server.session_factory.begin() as session:
        rep = session.scalars(select(Member).where(Member.user_id == REP_EN)).one()
        deals = [
            ClosedDeal("z1", "D1", Decimal(5000), "USD", date(2026, 11, 30)),
            ClosedDeal("z1", "D2", Decimal(4500), "USD", date(2026, 12, 2)),
            ClosedDeal("z1", "D3", Decimal(3000), "USD", date(2026, 12, 4)),
            ClosedDeal("z1", "D4", Decimal(900), "EUR", date(2026, 12, 4)),  # not the goal's currency
            ClosedDeal("z1", "D5", Decimal(800), "USD", date(2026, 12, 7)),  # next week
        ]
        record_rows(session, TEAM, "zoho", {"z1": rep.id}, deals, now=at(1))


def crm_field(view: dict[str, Any], goal_id: int) -> dict[str, Any]:
    return next(block for block in view["blocks"] if block.get("block_id") == f"crm_reason:{goal_id}")


def test_the_crm_figure_prefills_the_result_and_a_correction_needs_a_reason(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    goal_id = agreed_goal(slack, emulator, app_server)
    crm_deals(app_server)
    app_server.clock.set(at(4, 15))
    view = slack.open_modal("checkin", user_id=REP_EN)
    blocks = [block.get("block_id") for block in view["blocks"]]
    assert blocks.index(f"crm_reason:{goal_id}") == blocks.index(f"result:{goal_id}") + 1
    assert crm_field(view, goal_id)["label"]["text"] == "CRM: $12,500 closed this week (3 deals)"
    result = next(block for block in view["blocks"] if block.get("block_id") == f"result:{goal_id}")
    assert result["element"]["initial_value"] == "12500"

    corrected = {f"result:{goal_id}": "13,000", f"confidence:{goal_id}": "on_track"}
    refused = slack.view_submission(view, corrected, user_id=REP_EN).json()
    assert refused["response_action"] == "errors"
    why = "Your result differs from the CRM's figure: say why, or keep the CRM's figure."
    assert refused["errors"] == {f"crm_reason:{goal_id}": why}
    reason = "A $500 deal signed on Friday is not in the CRM yet"
    assert (
        slack.view_submission(view, corrected | {f"crm_reason:{goal_id}": reason}, user_id=REP_EN).status
        == 200
    )
    with app_server.session_factory() as session:
        checkin = session.scalars(select(CheckIn)).one()
        kept = session.get_one(CheckinSource, checkin.id)
        assert (checkin.week_start, checkin.result) == (WEEK, Decimal(13000))
        assert (kept.crm_amount, kept.crm_items, kept.source, kept.reason) == (
            Decimal(12500),
            3,
            "crm:zoho",
            reason,
        )

    kept_figure = {f"result:{goal_id}": "12500", f"confidence:{goal_id}": "on_track"}
    assert slack.view_submission(view, kept_figure, user_id=REP_EN).status == 200
    with app_server.session_factory() as session:
        assert session.scalars(select(CheckinSource.reason)).one() == ""


def test_without_crm_figures_the_check_in_is_unchanged(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    goal_id = agreed_goal(slack, emulator, app_server)
    app_server.clock.set(at(4, 15))
    view = slack.open_modal("checkin", user_id=REP_EN)
    assert f"crm_reason:{goal_id}" not in [block.get("block_id") for block in view["blocks"]]
    answers = {f"result:{goal_id}": "7000", f"confidence:{goal_id}": "on_track"}
    assert slack.view_submission(view, answers, user_id=REP_EN).status == 200
    with app_server.session_factory() as session:
        assert session.scalars(select(CheckinSource)).all() == []


def test_a_reps_own_status_shows_their_open_pipeline(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    agreed_goal(slack, emulator, app_server)
    before = slack.command("status", user_id=REP_EN).json()
    assert "Open pipeline" not in str(before["blocks"])  # no snapshot from the CRM yet: nothing said
    with app_server.session_factory.begin() as session:
        rep = session.scalars(select(Member).where(Member.user_id == REP_EN)).one()
        figure = PipelineFigure("z1", Decimal(260000), "USD", date(2026, 12, 1), deals=7)
        record_rows(session, TEAM, "zoho", {"z1": rep.id}, [figure], now=at(1))
    app_server.clock.set(at(4, 15))
    own = str(slack.command("status", user_id=REP_EN).json()["blocks"])
    assert "*Open pipeline* (CRM, Dec 1)" in own and "$260,000 in 7 open deals" in own
    assert "200% of the $130,000 left to reach your target of $130,000" in own
    manager = str(slack.command(f"status <@{REP_EN}|rita>", user_id=MARIA).json())
    assert f"*Open pipeline* of <@{REP_EN}>" in manager and "reach their target of $130,000" in manager


def test_crm_import_sends_the_template_to_the_admin(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    app_server.clock.set(at(1))
    reply = slack.command("crm import", user_id=ADMIN).json()
    assert reply["text"] == "The template is on its way to your DM with Pacer, with how to fill it in."
    note = wait_for(lambda: dms(emulator, ADMIN), what="the template's note")[0]
    assert "rep,date,metric" not in note["text"] and "2026-W48" in note["text"]

    def template_file() -> list[dict[str, Any]]:
        files = list(emulator.files.values())
        return [f for f in files if f["filename"] == "pacer-actuals.csv" and f["shared"]]

    assert wait_for(template_file, what="the template in the note's thread")[0]["content"] == template()
    refused = slack.command("crm import", user_id=REP_EN).json()
    assert "admin" in refused["text"]
