"""A file of actuals shared in a DM with Pacer, over the emulator: its bad lines by number and nothing
imported; a clean CSV or XLSX answered with its dry run, then **Import** once; sharing it again changes
nothing; a manager's file of actuals is not read as actuals."""

from __future__ import annotations

import io
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from sqlalchemy import func, select

from bot.crm.models import Actual
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.people import ADMIN, MARIA, REP_EN
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
GOOD = (
    "rep,date,metric,amount,currency,external_id\n"
    f"{REP_EN},2026-11-30,revenue,12500,USD,D1\n{REP_EN},2026-W49,new_accounts,2,,\n"
)


def share(slack: SlackPeer, emulator: SlackEmulator, user_id: str, name: str, data: bytes) -> dict[str, Any]:
    before = len(dms(emulator, user_id))
    file_id = emulator.share_file(user_id, name, data)
    event = {"type": "file_shared", "file_id": file_id, "user_id": user_id, "channel_id": "D" + user_id}
    assert slack.event(event).status == 200
    return wait_for(lambda: dms(emulator, user_id)[before:], what="the answer to a file")[0]


def stored(app_server: AppServer) -> int:
    with app_server.session_factory() as session:
        return session.scalar(select(func.count()).select_from(Actual)) or 0


def team(slack: SlackPeer) -> None:
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"team add <@{REP_EN}|rita>", user_id=MARIA)


def test_bad_lines_are_listed_and_nothing_is_imported(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack)
    data = GOOD + "UNOBODY,2026-11-30,calls,1,,\n<b>x</b>,2026-11-30,lots,1,,\n"
    answer = share(slack, emulator, ADMIN, "actuals.csv", data.encode("gb18030"))
    assert answer["text"] == "*actuals.csv* was not imported: fix these lines and share it again."
    text = "\n".join(b["text"]["text"] for b in answer["blocks"] if b["type"] == "section")
    assert "Line 4: “UNOBODY” is not a rep of this workspace" in text
    assert "Line 5: “lots” is not a metric" in text and "<b>" not in text
    assert "actions" not in [block["type"] for block in answer["blocks"]]
    assert stored(app_server) == 0


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_dry_run_then_import_once_then_again_unchanged(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer, kind: str
) -> None:
    team(slack)
    data = GOOD.encode("utf-8-sig") if kind == "csv" else workbook(GOOD)
    answer = share(slack, emulator, ADMIN, f"actuals.{kind}", data)
    assert answer["text"] == (
        f"*actuals.{kind}*: 2 lines, all good. Importing creates 2, updates 0 and leaves 0 unchanged."
    )
    assert stored(app_server) == 0  # a dry run writes nothing
    assert slack.click(answer, "crm_import", user_id=ADMIN, channel_id="D" + ADMIN).status == 200
    done = wait_for(lambda: emulator.responses, what="the import's answer")
    assert done[-1][1]["text"] == f"*actuals.{kind}* imported: 2 created, 0 updated, 0 unchanged."
    assert stored(app_server) == 2
    again = share(slack, emulator, ADMIN, f"again.{kind}", data)
    assert "Importing creates 0, updates 0 and leaves 2 unchanged" in again["text"]


def test_only_admins_send_actuals(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> None:
    team(slack)
    answer = share(slack, emulator, MARIA, "actuals.csv", GOOD.encode())
    assert "Pacer" in answer["text"] and "actuals from a CRM" not in answer["text"]
    assert stored(app_server) == 0


def workbook(text: str) -> bytes:
    book = Workbook()
    for row in text.splitlines():
        book.active.append(row.split(","))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
