"""Figures and settings for the reviews over the emulator: a CSV or XLSX file shared in a DM with Pacer
(bad lines by number, a dry run, then **Import** once), `/pacer review input`, and `/pacer setup reviews`
(current values shown, field errors, admins only), in English and Chinese."""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook  # type: ignore[import-untyped]
from sqlalchemy import select

from bot.reviews import service
from bot.reviews.models import Dimension, InputKind, ReviewInput, ReviewSettings
from bot.reviews.scorecards import build_scorecards
from bot.roster.models import Member
from tests.support.app_server import AppServer
from tests.support.e2e import at, dms
from tests.support.goal_forms import ACCOUNTS_GOAL, REVENUE_GOAL
from tests.support.people import ADMIN, BEN, MARIA, REP_EN, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
TEAM = "T0000001"


def team(slack: SlackPeer, app_server: AppServer) -> None:
    app_server.clock.set(at(1))
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"manager add <@{BEN}|ben>", user_id=ADMIN)
    slack.command(f"team add <@{REP_EN}|rita>", user_id=MARIA)
    slack.command(f"team add <@{REP_ZH}|li>", user_id=BEN)


def share(slack: SlackPeer, emulator: SlackEmulator, user_id: str, name: str, data: bytes) -> dict[str, Any]:
    """`user_id` shares a file in their DM with Pacer; the answer Pacer posts there."""
    before = len(dms(emulator, user_id))
    file_id = emulator.share_file(user_id, name, data)
    event = {"type": "file_shared", "file_id": file_id, "user_id": user_id, "channel_id": "D" + user_id}
    assert slack.event(event).status == 200
    return wait_for(lambda: dms(emulator, user_id)[before:], what="the answer to a file")[0]


def shown(message: dict[str, Any]) -> str:
    """The text of a message's sections, one after another."""
    return "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")


def figures(app_server: AppServer) -> list[tuple[str, InputKind, Decimal, Decimal | None]]:
    with app_server.session_factory() as session:
        rows = session.scalars(select(ReviewInput).order_by(ReviewInput.kind)).all()
        return [(row.quarter, row.kind, row.value, row.scale) for row in rows]


GOOD = f"rep,quarter,score,scale,new_accounts,note\n{REP_EN},2026Q4,4.2,5,3,November survey\n".encode()


def test_bad_lines_are_listed_by_number_and_nothing_is_imported(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server)
    data = f"rep,quarter,score,scale\n{REP_EN},2026Q4,4.2,5\nUNOBODY,2026Q4,4,5\n{REP_EN},2026Q9,4,5\n"
    answer = share(slack, emulator, MARIA, "survey.csv", data.encode())
    assert answer["text"] == (
        "Nothing imported from survey.csv: fix the lines below (2 in all) and share the file again."
    )
    text = shown(answer)
    assert "Line 3: “UNOBODY” is not a rep" in text and "Line 4: “2026Q9” is not a quarter" in text
    assert "actions" not in [block["type"] for block in answer["blocks"]]  # no Import button
    assert figures(app_server) == []


def test_a_dry_run_then_import_once(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> None:
    team(slack, app_server)
    answer = share(slack, emulator, MARIA, "q4.csv", GOOD)
    assert answer["text"] == (
        "Dry run of q4.csv: 2 figures, 2 of them new or changed. Nothing is imported until you press Import."
    )
    assert "Line 2: rita, 2026Q4, Customer satisfaction: none → 4.2 of 5" in shown(answer)
    assert figures(app_server) == []  # a dry run writes nothing
    slack.click(answer, "reviews_import", user_id=MARIA, channel_id="D" + MARIA)
    done = wait_for(lambda: emulator.responses, what="the import's answer")
    assert done[0][1]["text"] == (
        "Imported q4.csv: 2 figures new or changed. The scorecards use them the next time they are built."
    )
    assert figures(app_server) == [
        ("2026Q4", InputKind.EXPANSION, Decimal("3.00"), None),
        ("2026Q4", InputKind.SATISFACTION, Decimal("4.20"), Decimal("5.00")),
    ]
    again = share(slack, emulator, MARIA, "q4.csv", GOOD)  # the same file again: nothing would change
    assert "2 figures, 0 of them new or changed" in again["text"]
    assert "Line 2: rita, 2026Q4, Market expansion: 3 (unchanged)" in shown(again)


def test_a_gb18030_file_in_chinese(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> None:
    team(slack, app_server)
    slack.command("language zh", user_id=BEN)
    data = f"销售代表,季度,好评,差评,新客户,备注\n{REP_ZH},2026Q4,45,5,2,十一月调查\n".encode("gb18030")
    answer = share(slack, emulator, BEN, "调查.csv", data)
    assert answer["text"].startswith("调查.csv 的预演：共 2 个数据")
    slack.click(answer, "reviews_import", user_id=BEN, channel_id="D" + BEN)
    wait_for(lambda: emulator.responses, what="the import's answer")
    assert ("2026Q4", InputKind.SATISFACTION, Decimal("45.00"), Decimal("50.00")) in figures(app_server)


def test_an_xlsx_file(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> None:
    team(slack, app_server)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (["rep", "quarter", "score", "scale"], [REP_EN, "2026Q4", 4.5, 5], [REP_EN, "2026Q4", "x", 5]):
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    answer = share(slack, emulator, ADMIN, "scores.xlsx", buffer.getvalue())
    assert "Line 3: “x” in score is not a number." in shown(answer)
    sheet.delete_rows(3)
    buffer = io.BytesIO()
    book.save(buffer)
    answer = share(slack, emulator, ADMIN, "scores.xlsx", buffer.getvalue())
    assert "none → 4.5 of 5" in shown(answer)


def test_a_manager_imports_only_their_reps_and_a_rep_is_not_answered(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server)
    answer = share(slack, emulator, BEN, "q4.csv", GOOD)
    assert "Line 2: rita is not on your team." in shown(answer)
    file_id = emulator.share_file(REP_EN, "q4.csv", GOOD)
    slack.event({"type": "file_shared", "file_id": file_id, "user_id": REP_EN, "channel_id": "D" + REP_EN})
    slack.command("help", user_id=REP_EN)  # processed after the event: by then an answer would be there
    assert dms(emulator, REP_EN) == []


def test_files_that_are_not_figures_are_answered_with_the_reason(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server)
    big = share(slack, emulator, MARIA, "big.csv", b"rep,quarter\n" + b"x" * 1_000_000)
    assert big["text"] == "Nothing imported from big.csv. The file is over 1 MB: split it into smaller files."
    assert share(slack, emulator, MARIA, "deck.pdf", b"%PDF-1.4")["text"] == (
        "deck.pdf is not a file Pacer reads: share a CSV, XLSX or YAML file."
    )
    broken = share(slack, emulator, MARIA, "scores.xlsx", b"not a workbook")
    assert broken["text"] == (
        "scores.xlsx can't be read as an XLSX workbook: save it again from Excel, or as CSV."
    )
    other = share(slack, emulator, MARIA, "list.csv", b"name,phone\nrita,123\n")
    assert other["text"].startswith(
        "Pacer doesn't know what list.csv holds. The files it reads:\n• review figures"
    )
    assert [block["type"] for block in other["blocks"]] == ["section"]
    gone = {"type": "file_shared", "file_id": "F0GONE", "user_id": MARIA, "channel_id": "D" + MARIA}
    slack.event(gone)  # deleted before Pacer looked
    said = wait_for(lambda: dms(emulator, MARIA)[4:], what="the answer to a deleted file")[0]
    assert said["text"] == "F0GONE could not be downloaded from Slack; share it again."
    answer = share(slack, emulator, MARIA, "q4.csv", GOOD)
    forged = slack.click(answer, "reviews_import", user_id=ADMIN, channel_id="D" + MARIA)  # not their file
    assert forged.status == 200
    refused = wait_for(lambda: emulator.responses, what="the refusal")[0][1]["text"]
    assert refused == "q4.csv was shared by someone else: only they can import it."
    assert figures(app_server) == []


def test_a_managers_figure_with_a_note_reaches_the_scorecard(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server)
    app_server.clock.set(at(10))
    refused = slack.command(f"review input <@{REP_EN}|rita> satisfaction 4.2/5", user_id=MARIA).json()
    assert refused["text"] == "Add a note: where does this figure come from?"
    not_theirs = slack.command(f"review input <@{REP_EN}|rita> expansion 3 Pudong", user_id=BEN).json()
    assert "is not on your team" in not_theirs["text"]
    said = slack.command(f"review input <@{REP_EN}|rita> expansion 3 three in Pudong", user_id=MARIA).json()
    assert said["text"] == (
        "Kept for 2026Q4: Market expansion of rita, 3. It shows on the scorecard with your note."
    )
    assert figures(app_server) == [("2026Q4", InputKind.EXPANSION, Decimal("3.00"), None)]
    app_server.clock.set(at(8, month=1).replace(year=2027))  # January, Q4's review still under way
    with app_server.session_factory.begin() as session:
        service.open_cycle(session, TEAM, "2026Q4", by=None, now=at(21))
    late = slack.command(f"review input <@{REP_EN}|rita> satisfaction 9/10 December survey", user_id=MARIA)
    assert late.json()["text"].startswith("Kept for 2026Q4: Customer satisfaction of rita, 9/10.")
    named = f"review input <@{REP_EN}|rita> satisfaction 4/5 quarter 2027Q1 early survey"
    assert slack.command(named, user_id=MARIA).json()["text"].startswith("Kept for 2027Q1:")
    bad = slack.command(f"review input <@{REP_EN}|rita> satisfaction 4/5 quarter 2027Q5 x", user_id=MARIA)
    assert bad.json()["text"] == "“2027Q5” is not a quarter; write it like 2026Q4."
    with app_server.session_factory() as session:
        rita = session.scalars(select(Member.id).where(Member.user_id == REP_EN)).one()
        (card,) = [card for card in build_scorecards(session, TEAM, "2026Q4") if card.rep_id == rita]
    evidence = card.levels[Dimension.EXPANSION].evidence
    assert (evidence.key, evidence.values["source"]) == ("reviews.evidence.input", "manager")
    assert Decimal(evidence.values["value"]) == 3


def open_settings(slack: SlackPeer, user_id: str = ADMIN) -> dict[str, Any]:
    return slack.open_modal("setup reviews", user_id=user_id)


def test_settings_show_current_values_get_field_errors_and_save(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server)
    view = open_settings(slack)
    current = {block["block_id"]: block["element"].get("initial_value") for block in view["blocks"][1:4]}
    assert view["blocks"][4]["element"]["initial_option"]["value"] == "no"  # ask only new-accounts goals
    assert current == {
        "reviews_bands": "70, 90, 100, 120",
        "reviews_weights": "40, 20, 20, 20",
        "reviews_days_before": "10",
    }
    bad = {
        "reviews_bands": "90, 70, 100, 120",
        "reviews_weights": "50, 20, 20, 20",
        "reviews_days_before": "60",
    }
    errors = slack.view_submission(view, bad, user_id=ADMIN).json()["errors"]
    assert errors == {
        "reviews_bands": (
            "Write four whole percentages, each higher than the one before, like 70, 90, 100, 120."
        ),
        "reviews_weights": "The weights add up to 110 %; they must add up to 100 %.",
        "reviews_days_before": "Write a whole number of days from 1 to 45.",
    }
    good = {
        "reviews_bands": "60, 80, 100, 130",
        "reviews_weights": "50, 20, 10, 20",
        "reviews_days_before": "14",
    }
    assert slack.view_submission(view, good, user_id=ADMIN).body == b""
    said = wait_for(lambda: emulator.responses, what="the confirmation")[0][1]["text"]
    assert said.startswith(
        "Saved. Sales levels start at 60 %, 80 %, 100 %, 130 %; the weights are 50 / 20 / 10 / 20"
    )
    assert "opens 14 days before the quarter ends" in said
    again = open_settings(slack)
    assert again["blocks"][2]["element"]["initial_value"] == "50, 20, 10, 20"
    with app_server.session_factory() as session:
        assert session.get_one(ReviewSettings, TEAM).days_before == 14


def test_settings_in_chinese_and_only_for_admins(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server)
    refused = slack.command("setup reviews", user_id=MARIA).json()
    assert "admin" in refused["text"].lower() and "setup reviews" in refused["text"]
    slack.command("language zh", user_id=ADMIN)
    view = open_settings(slack)
    assert view["title"]["text"] == "绩效评估设置"
    bad = {
        "reviews_bands": "70, 90, 100, 120",
        "reviews_weights": "40, 20, 20, 10",
        "reviews_days_before": "10",
    }
    errors = slack.view_submission(view, bad, user_id=ADMIN).json()["errors"]
    assert list(errors) == ["reviews_weights"] and "100" in errors["reviews_weights"]
    forged = slack.view_submission(view, bad | {"reviews_weights": "40, 20, 20, 20"}, user_id=MARIA)
    assert forged.status == 200
    with app_server.session_factory() as session:
        assert session.get(ReviewSettings, TEAM) is None


def agreed_goal(
    slack: SlackPeer, emulator: SlackEmulator, manager: str, rep: str, goal: dict[str, str]
) -> None:
    view = slack.open_modal(f"goal <@{rep}|x>", user_id=manager)
    assert slack.view_submission(view, goal, user_id=manager).json() == {}
    message = wait_for(lambda: dms(emulator, rep), what=f"the agreement DM to {rep}")[-1]
    slack.click(message, "goal_agree", user_id=rep, channel_id="D" + rep)


def checkin_modal(slack: SlackPeer, rep: str) -> tuple[dict[str, Any], dict[str, str]]:
    """The rep's check-in modal for the week of 30 November, and answers to its goal."""
    view = slack.open_modal("checkin", user_id=rep)
    goal = next(
        b["block_id"].split(":")[1] for b in view["blocks"] if b.get("block_id", "").startswith("result:")
    )
    return view, {f"result:{goal}": "5", f"confidence:{goal}": "on_track"}


def expansion_evidence(app_server: AppServer, user_id: str) -> tuple[str, dict[str, str]]:
    with app_server.session_factory() as session:
        rep = session.scalars(select(Member.id).where(Member.user_id == user_id)).one()
        (card,) = [card for card in build_scorecards(session, TEAM, "2026Q4") if card.rep_id == rep]
    evidence = card.levels[Dimension.EXPANSION].evidence
    return evidence.key, evidence.values


def test_new_accounts_in_the_check_in_reach_the_scorecard(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    team(slack, app_server)
    app_server.clock.set(at(30, 0, month=11))
    agreed_goal(slack, emulator, MARIA, REP_EN, REVENUE_GOAL)
    agreed_goal(slack, emulator, BEN, REP_ZH, ACCOUNTS_GOAL)
    app_server.clock.set(at(7, 10))  # Monday: the check-in is for the week of 30 November
    view, _ = checkin_modal(slack, REP_EN)
    assert "new_accounts" not in [block.get("block_id") for block in view["blocks"]]  # a revenue goal
    # Li's goal counts new accounts: the field is there, in Chinese, and checked.
    view, answers = checkin_modal(slack, REP_ZH)
    field = next(block for block in view["blocks"] if block.get("block_id") == "new_accounts")
    assert field["label"]["text"] == "本周新客户数（可选）" and field["optional"] is True
    bad = slack.view_submission(view, answers | {"new_accounts": "三"}, user_id=REP_ZH).json()
    assert bad["errors"] == {"new_accounts": "请填写客户数的整数，0 到 10000。"}
    assert slack.view_submission(view, answers | {"new_accounts": "2"}, user_id=REP_ZH).status == 200
    key, values = expansion_evidence(app_server, REP_ZH)
    assert (key, values["source"], Decimal(values["value"])) == ("reviews.evidence.input", "checkin", 2)
    again, _ = checkin_modal(slack, REP_ZH)  # the count given is shown when the check-in is edited
    shown = next(block for block in again["blocks"] if block.get("block_id") == "new_accounts")
    assert shown["element"]["initial_value"] == "2"
    # An admin asks every rep: Rita's revenue check-in asks too; her figure adds to her quarter.
    settings = open_settings(slack)
    every = {"reviews_ask_new_accounts": "yes"}
    assert slack.view_submission(settings, every, user_id=ADMIN).body == b""
    said = lambda: [p["text"] for _, p in emulator.responses if "now asks for the new accounts" in p["text"]]  # noqa: E731
    wait_for(said, what="the settings saved")
    view, answers = checkin_modal(slack, REP_EN)
    assert slack.view_submission(view, answers | {"new_accounts": "4"}, user_id=REP_EN).status == 200
    key, values = expansion_evidence(app_server, REP_EN)
    assert (key, values["source"], Decimal(values["value"])) == ("reviews.evidence.input", "checkin", 4)
    # A manager's entry is taken over the check-ins' sum; emptied, the check-ins' figure is gone.
    slack.command(f"review input <@{REP_EN}|rita> expansion 6 CRM export", user_id=MARIA)
    assert expansion_evidence(app_server, REP_EN)[1]["source"] == "manager"
    assert slack.view_submission(view, answers | {"new_accounts": ""}, user_id=REP_EN).status == 200
    assert [f for f in figures(app_server) if f[1] is InputKind.EXPANSION and f[2] == 4] == []
