"""An incentive plan over HTTP, on both databases: an admin sets it up in its modal (overlapping tiers, a gap,
a bad amount, a split over 100, a rep chosen as the manager and a name already taken refused on their own
fields, the rest kept); a rep sees attainment to date, the payout now and what it takes to reach the next
tier, on their Home tab too, in their language; a manager sees their team; the period's end computes the
payouts once (a second run adds nothing) and DMs them; the manager approves their team, then an admin
(double taps act once); the plan refuses changes; the vendor's contact sees only their vendor's ledger and
exports it (CSV with a BOM, formulas neutralised, and XLSX) to their DM; an admin marks it invoiced; the
history says who did what."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select

from bot.checkins.models import Confidence
from bot.incentives.models import IncentivePlan, LedgerEntry, Payout, PayoutStatus, PlanStatus
from bot.roster.models import Role
from bot.roster.service import add_vendor
from tests.factories import TEAM, member, rep_with_goal
from tests.reviews.support import Q4_WEEKS
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.home import opened, texts
from tests.support.people import ADMIN, BEN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import PeerResponse, SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
MID_QUARTER = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # ten Q4 weeks have ended
AFTER = datetime(2027, 1, 1, 12, 0, tzinfo=UTC)
CONTACT = "UVICTOR"
GOOD = {
    "name": "Q4 accounts",
    "period": "2026q4",
    "audience": "all",
    "metric": "new_accounts",
    "tiers": "0-80: 0\n80-100: 1\n100-120: 1.5\n120+: 2",
    "mode": "marginal",
    "base": "10,000",
    "cap": "20000",
    "currency": "usd",
    "funder": "split",
    "split": "40",
}


def seed(app_server: AppServer) -> None:
    """Maria's Rita (9 a week of 10: 90 %) and Li (12: 120 %), of vendor "=Acme"; Ben's Sam (5), no vendor."""
    with app_server.session_factory.begin() as session:
        maria, ben = member(session, MARIA, role=Role.MANAGER), member(session, BEN, role=Role.MANAGER)
        member(session, ADMIN)
        acme = add_vendor(session, team_id=TEAM, name="=Acme", contact_user_id=CONTACT)
        for user_id, boss, vendor, weekly in (
            (REP_EN, maria, acme, 9),
            (REP_ZH, maria, acme, 12),
            (REP_LA, ben, None, 5),
        ):
            results = {week: (weekly, Confidence.ON_TRACK, False, "") for week in Q4_WEEKS}
            rep = rep_with_goal(session, user_id, boss, vendor, dict.fromkeys(Q4_WEEKS, 10), results)  # type: ignore[arg-type]
            rep.language = "zh" if user_id == REP_ZH else None


@pytest.fixture
def slack_ready(slack: SlackPeer, app_server: AppServer, emulator: SlackEmulator) -> SlackPeer:
    emulator.add_user(CONTACT, name="victor", real_name="Victor Vendor")
    seed(app_server)
    app_server.clock.set(MID_QUARTER)
    return slack


def everything(message: dict[str, Any]) -> str:
    return str(message.get("text", "")) + str(message.get("blocks", []))


def answer_to(emulator: SlackEmulator, response: PeerResponse) -> dict[str, Any]:
    found = wait_for(
        lambda: [p for url, p in emulator.responses if url == response.response_url], what="answer"
    )
    return found[-1]


def set_up_plan(slack: SlackPeer, emulator: SlackEmulator) -> None:
    view = slack.open_modal("incentives plan", user_id=ADMIN)
    assert len(view["blocks"]) <= 100
    bad = GOOD | {"tiers": "0-80: 0\n70-100: 1\n100-120: 1.5\n120+: 2", "base": "ten", "split": "150"}
    errors = slack.view_submission(view, bad, user_id=ADMIN).json()["errors"]
    assert errors == {
        "tiers": "Rows 1 and 2 overlap.",
        "base": "Write an amount of at least 0, in steps of 0.01.",
        "split": "Write the vendor's share as a percentage from 0 to 100 (two decimals at most).",
    }
    gap = GOOD | {"tiers": "0-80: 0\n90-120: 1"}
    assert slack.view_submission(view, gap, user_id=ADMIN).json()["errors"] == {
        "tiers": "Rows 1 and 2 leave a gap from 80 % to 90 %."
    }
    team_of_rep = GOOD | {"audience": "team", "manager": REP_LA, "vendor": "Nobody"}
    assert slack.view_submission(view, team_of_rep, user_id=ADMIN).json()["errors"] == {
        "manager": "That person is not a manager in Pacer: choose a manager."
    }
    assert slack.view_submission(view, GOOD, user_id=ADMIN).body == b""
    said = wait_for(
        lambda: [p for _, p in emulator.responses if "Saved plan" in p.get("text", "")], what="saved"
    )
    assert "*Q4 accounts* (2026Q4)" in said[0]["text"]


def test_a_plan_through_its_period_end_approvals_and_the_ledger(
    slack_ready: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    slack = slack_ready
    set_up_plan(slack, emulator)
    assert "Only Pacer admins may run" in slack.command("incentives plan", user_id=MARIA).json()["text"]

    mine = slack.command("incentives", user_id=REP_EN).json()
    shown = everything(mine)
    assert "Attainment to date: *90%*. It pays *$1,000* now." in shown  # 10 points at 1× of $10,000
    assert "10 more in 2026Q4 to reach 1.5×" in shown  # 90 of 100 accounts so far
    home = texts(opened(slack, emulator, REP_EN))  # the Home tab says it too
    assert "Your incentives" in home and "10 more in 2026Q4 to reach 1.5×" in home
    assert "Your incentives" not in texts(opened(slack, emulator, MARIA))
    li = everything(slack.command("incentives", user_id=REP_ZH).json())
    assert "1.5×" in li and "你已在最高档" in li  # 120 %: the top tier, in Li's language
    team = everything(slack.command("incentives", user_id=MARIA).json())
    assert "urepen: 90%, $1,000 now" in team and "urepzh" in team and "urepla" not in team

    app_server.run_job("incentives-close", AFTER)
    app_server.run_job("incentives-close", AFTER)  # once only
    with app_server.session_factory() as session:
        payouts = {p.rep_id: p for p in session.scalars(select(Payout))}
        plan = session.scalars(select(IncentivePlan)).one()
        assert len(payouts) == 3 and plan.status is PlanStatus.CLOSED
        amounts = sorted(p.amount for p in payouts.values())
        assert amounts == [Decimal(0), Decimal(1000), Decimal(5000)]  # 50 %, 90 %, 120 % (20 + 30 points)
        assert all(p.client_share + p.vendor_share == p.amount for p in payouts.values())
    rita = wait_for(
        lambda: [m for m in dms(emulator, REP_EN) if "computed" in m["text"]], what="the payout DM"
    )
    assert "you earned *$1,000*" in rita[0]["text"]
    note = wait_for(lambda: [m for m in dms(emulator, MARIA) if "incentives_approve" in str(m)], what="note")[
        0
    ]

    early = answer_to(
        emulator, slack.click(note, "incentives_approve", user_id=ADMIN, channel_id="D" + ADMIN)
    )
    assert "awaits your approval now" in early["text"]  # the managers first; the press is not spent
    done = answer_to(emulator, slack.click(note, "incentives_approve", user_id=MARIA, channel_id="D" + MARIA))
    assert "Approved 2 payouts" in done["text"]
    again = answer_to(
        emulator, slack.click(note, "incentives_approve", user_id=MARIA, channel_id="D" + MARIA)
    )
    assert again["text"] == done["text"]  # a double tap: the first answer again, nothing more done
    ben = answer_to(emulator, slack.click(note, "incentives_approve", user_id=BEN, channel_id="D" + BEN))
    assert "Approved 1 payouts" in ben["text"]
    final = answer_to(
        emulator, slack.click(note, "incentives_approve", user_id=ADMIN, channel_id="D" + ADMIN)
    )
    assert "Approved 3 payouts" in final["text"]
    with app_server.session_factory() as session:
        plan = session.scalars(select(IncentivePlan)).one()
        assert plan.status is PlanStatus.APPROVED
        history = [
            (e.what, e.by_id is not None)
            for e in session.scalars(select(LedgerEntry).order_by(LedgerEntry.id))
        ]
        assert history.count(("manager_approved", True)) == 3 and history.count(("approved", True)) == 4
        assert history[:2] == [("created", True), ("computed", False)]
    refused = slack.command(f"incentives plan {plan.id}", user_id=ADMIN).json()
    assert "is approved: it cannot change" in refused["text"]
    history = everything(slack.command(f"incentives history {plan.id}", user_id=ADMIN).json())
    assert "<@UMARIA> · approved as the manager · <@UREPEN>" in history
    assert "Pacer · computed the payouts" in history and "<@UADMIN> · created the plan" in history

    assert (
        "Only admins and a vendor's contact"
        in slack.command("incentives ledger", user_id=REP_EN).json()["text"]
    )
    ledger = slack.command("incentives ledger", user_id=CONTACT).json()
    assert ledger["text"] == "Incentive ledger: 2 payouts" and "urepla" not in everything(ledger)
    assert "incentives_mark" not in everything(ledger)  # the contact sees; admins mark
    slack.click(ledger, "incentives_export_csv", user_id=CONTACT, channel_id="D" + CONTACT)
    exported = wait_for(lambda: [f for f in emulator.files.values() if f["shared"]], what="the CSV")
    assert exported[0]["shared"]["channel"] == "D" + CONTACT and exported[0]["content"].startswith(
        b"\xef\xbb\xbf"
    )
    rows = list(csv.reader(io.StringIO(exported[0]["content"].decode("utf-8-sig"))))
    assert rows[0][:3] == ["vendor", "rep", "slack_id"] and len(rows) == 3  # an invoice line per rep
    li_row = next(row for row in rows if row[2] == REP_ZH)
    assert li_row[0] == "'=Acme" and li_row[4:9] == ["USD", "5000.00", "2000.00", "3000.00", "approved"]
    slack.click(ledger, "incentives_export_xlsx", user_id=CONTACT, channel_id="D" + CONTACT)
    book = wait_for(
        lambda: [f for f in emulator.files.values() if f["filename"].endswith(".xlsx") and f["shared"]],
        what="xlsx",
    )
    sheet = load_workbook(io.BytesIO(book[0]["content"])).active
    assert [c.value for c in sheet[1]][:2] == ["vendor", "rep"] and sheet.max_row == 3

    admin_view = slack.command("incentives ledger", user_id=ADMIN).json()
    assert admin_view["text"] == "Incentive ledger: 3 payouts"
    marked = answer_to(
        emulator, slack.click(admin_view, "incentives_mark_0", user_id=ADMIN, channel_id="D" + ADMIN)
    )
    assert "moved one step" in marked["text"]
    with app_server.session_factory() as session:
        statuses = sorted(p.status.value for p in session.scalars(select(Payout)))
        assert statuses.count(PayoutStatus.INVOICED.value) >= 1
