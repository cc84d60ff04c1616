"""The ledger's "mark" buttons over HTTP, on both databases: a button per starting status, so pressing
"Mark invoiced" moves only the approved lines, and a line never invoiced is never marked paid."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.incentives.computing import compute_plan
from bot.incentives.models import Payout, PayoutStatus
from bot.roster.models import Member, Role
from tests.incentives.test_e2e_plan import AFTER, CONTACT, answer_to, seed
from tests.incentives.test_service import new_plan
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.people import ADMIN, REP_EN, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The ledger's mark buttons by their label."""
    found = [b for block in message["blocks"] if block["type"] == "actions" for b in block["elements"]]
    return {b["text"]["text"]: b for b in found if b["action_id"].startswith("incentives_mark")}


def test_mark_moves_only_the_lines_at_the_buttons_status(
    slack: SlackPeer, app_server: AppServer, emulator: SlackEmulator
) -> None:
    emulator.add_user(CONTACT, name="victor", real_name="Victor Vendor")
    seed(app_server)
    app_server.clock.set(AFTER)
    with app_server.session_factory.begin() as session:
        admin = session.scalars(select(Member).where(Member.user_id == ADMIN)).one()
        admin.role = Role.ADMIN
        plan = new_plan(session, admin)
        compute_plan(session, plan.id, now=AFTER)
        for payout, rep in session.execute(select(Payout, Member).join(Member, Member.id == Payout.rep_id)):
            payout.status = {REP_EN: PayoutStatus.APPROVED, REP_ZH: PayoutStatus.INVOICED}.get(
                rep.user_id, PayoutStatus.PAID
            )
    ledger = slack.command("incentives ledger", user_id=ADMIN).json()
    found = buttons(ledger)
    assert set(found) == {"Mark invoiced: Q4 accounts · =Acme", "Mark paid: Q4 accounts · =Acme"}
    pressed = found["Mark invoiced: Q4 accounts · =Acme"]
    marked = answer_to(
        emulator, slack.click(ledger, pressed["action_id"], user_id=ADMIN, channel_id="D" + ADMIN)
    )
    assert "1 payouts of *Q4 accounts* moved one step" in marked["text"]
    with app_server.session_factory() as session:
        now = {
            rep.user_id: p.status
            for p, rep in session.execute(select(Payout, Member).join(Member, Member.id == Payout.rep_id))
        }
    assert now[REP_EN] is PayoutStatus.INVOICED  # approved → invoiced
    assert now[REP_ZH] is PayoutStatus.INVOICED  # already invoiced: not marked paid by this button


def test_admins_named_in_pacer_admins_get_the_approval_note(
    slack: SlackPeer, app_server: AppServer, emulator: SlackEmulator
) -> None:
    """ADMIN is an admin through PACER_ADMINS only (their member row says rep): they approve, so they are
    told when the payouts are computed, as the managers are."""
    emulator.add_user(CONTACT, name="victor", real_name="Victor Vendor")
    seed(app_server)
    with app_server.session_factory.begin() as session:
        admin = session.scalars(select(Member).where(Member.user_id == ADMIN)).one()
        assert admin.role is Role.REP and not admin.is_slack_admin
        admin.role = Role.ADMIN  # to set the plan up, then back: PACER_ADMINS alone makes them an admin
        new_plan(session, admin)
        admin.role = Role.REP
    app_server.run_job("incentives-close", AFTER)
    wait_for(lambda: [m for m in dms(emulator, ADMIN) if "incentives_approve" in str(m)], what="the note")
