"""`/pacer export` over HTTP, on both databases: the modal, then the files in the person's DM.

An admin exports everything (a file per data set, CSV with a BOM, a formula cell shown as text, a lone
anonymous feedback item held back as the app holds it back); a manager only their team (XLSX); a vendor's
contact only that vendor's reps, never anonymous feedback; a forged scope is refused, a rep is told who
may export, bad dates are refused under their fields (the rest kept); a small part size splits a data
set into parts; each export is in the audit log. Released anonymous feedback:
tests/exports/test_field_feedback_anonymity.py."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit.models import AuditEvent
from bot.exports.base import ExportScope, Row
from bot.exports.sets import CHECKINS
from bot.roster.models import Member
from tests.exports.last import seed_last
from tests.exports.later import seed_later
from tests.exports.support import CONTACT, FORMULA, PRIVATE_THANKS, SECRET_TEXT, csv_rows, seed, shared_files
from tests.support.app_server import AppServer
from tests.support.people import ADMIN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
# goals, weekly targets, goal history, check-ins, figures, 2 × feedback, escalations, scorecards, reviews,
# self reviews, review figures, new accounts, review history, review conversations, kudos, badges, payouts,
# the incentive ledger, contest awards, CRM actuals, CRM pipeline, check-ins beside the CRM, training,
# study logs, quiz answers
SETS = 26


@pytest.fixture
def ready(slack: SlackPeer, app_server: AppServer, emulator: SlackEmulator) -> dict[str, int]:
    emulator.add_user(CONTACT, name="victor", real_name="Victor Vendor")
    with app_server.session_factory.begin() as session:
        people = seed(session)
        ids = {name: person.id for name, person in people.items()}
    app_server.clock.set(NOW)
    return ids


def options(view: dict[str, Any], block_id: str) -> list[str]:
    block = next(b for b in view["blocks"] if b.get("block_id") == block_id)
    return [option["value"] for option in block["element"]["options"]]


def forged(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value}, "value": value}


def files_of(emulator: SlackEmulator, user_id: str, count: int) -> dict[str, bytes]:
    return wait_for(
        lambda: (f := shared_files(emulator, user_id)) and len(f) >= count and f, what="the files"
    )


def test_an_admin_exports_everything_to_their_dm(
    slack: SlackPeer, emulator: SlackEmulator, ready: dict[str, int], app_server: AppServer
) -> None:
    view = slack.open_modal("export", user_id=ADMIN)
    assert options(view, "scope")[0] == "all" and len(options(view, "scope")) == 5  # all, 2 teams, 2 vendors
    assert slack.view_submission(view, {}, user_id=ADMIN).status == 200
    files = files_of(emulator, ADMIN, SETS)
    checkins = csv_rows(files["pacer-2026-09-02-2026-12-01-checkins.csv"])
    assert checkins[0][:3] == ["week", "rep", "slack_id"] and len(checkins) == 1 + 3 * 4
    assert "'" + FORMULA in [row[6] for row in checkins]  # shown as text, never run
    feedback = csv_rows(files["pacer-2026-09-02-2026-12-01-field_feedback.csv"])
    assert SECRET_TEXT not in str(feedback)  # alone in its month: the app shows nothing of it either
    assert [row[2] for row in feedback[1:]] == [REP_LA]
    assert len(csv_rows(files["pacer-2026-09-02-2026-12-01-kudos.csv"])) == 3  # both, the private one too
    told = wait_for(
        lambda: [p for _, p in emulator.responses if "Your export" in p["text"]], what="the answer"
    )
    assert f"{SETS} file(s), " in told[0]["text"]  # where they ran the command
    with app_server.session_factory() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
        assert event.actor_id == ready["admin"] and event.subject == "all" and event.details["files"] == SETS


def test_a_manager_exports_their_team_only(
    slack: SlackPeer, emulator: SlackEmulator, ready: dict[str, int]
) -> None:
    view = slack.open_modal("export", user_id=MARIA)
    assert options(view, "scope") == [f"team:{ready['maria']}"]
    answers = {"sets": ["checkins", "field_feedback"], "format": "xlsx"}
    slack.view_submission(view, answers, user_id=MARIA)
    book = load_workbook(io.BytesIO(files_of(emulator, MARIA, 1)["pacer-2026-09-02-2026-12-01.xlsx"]))
    reps = {row[2] for row in book["checkins"].iter_rows(min_row=2, values_only=True)}
    assert reps == {REP_EN, REP_ZH}
    feedback = list(book["field_feedback"].iter_rows(min_row=2, values_only=True))
    assert feedback == []  # Ben's is not theirs; their team's lone anonymous item is held back
    refused = slack.view_submission(view, {"scope": forged("all")}, user_id=MARIA).json()
    assert "only your own scope" in str(refused["view"])


def test_a_vendor_contact_gets_their_vendors_reps_and_no_anonymous_feedback(
    slack: SlackPeer, emulator: SlackEmulator, ready: dict[str, int]
) -> None:
    view = slack.open_modal("export", user_id=CONTACT)
    scopes = options(view, "scope")
    assert len(scopes) == 1 and scopes[0].startswith("vendor:")
    slack.view_submission(view, {}, user_id=CONTACT)
    files = files_of(emulator, CONTACT, SETS)
    everything = b"".join(files.values())
    assert SECRET_TEXT.encode() not in everything and REP_LA.encode() not in everything
    assert PRIVATE_THANKS.encode() not in everything
    kudos = csv_rows(files["pacer-2026-09-02-2026-12-01-kudos.csv"])
    assert [row[1:3] for row in kudos[1:]] == [["", REP_EN]]  # Sam (Beta) gave it: not named
    checkins = csv_rows(files["pacer-2026-09-02-2026-12-01-checkins.csv"])
    assert {row[2] for row in checkins[1:]} == {REP_EN, REP_ZH}
    assert len(csv_rows(files["pacer-2026-09-02-2026-12-01-field_feedback.csv"])) == 1  # the header only
    other_vendor = f"vendor:{int(scopes[0].split(':')[1]) + 1}"
    for scope in (other_vendor, "all", f"team:{ready['maria']}"):
        refused = slack.view_submission(view, {"scope": forged(scope)}, user_id=CONTACT).json()
        assert "only your own scope" in str(refused["view"])


def test_a_rep_is_told_who_may_export_and_bad_dates_are_refused(
    slack: SlackPeer, ready: dict[str, int]
) -> None:
    told = slack.command("export", user_id=REP_LA).json()
    assert "Only admins, managers and vendor contacts" in told["text"]
    view = slack.open_modal("export", user_id=ADMIN)
    backwards = slack.view_submission(
        view, {"since": "2026-12-01", "until": "2026-11-01"}, user_id=ADMIN
    ).json()
    assert backwards["response_action"] == "errors" and set(backwards["errors"]) == {"until"}
    too_long = slack.view_submission(
        view, {"since": "2020-01-01", "until": "2026-11-01"}, user_id=ADMIN
    ).json()
    assert "at most 3 years" in too_long["errors"]["until"]
    no_sets = slack.view_submission(view, {"sets": []}, user_id=ADMIN).json()
    assert set(no_sets["errors"]) == {"sets"}


def test_a_large_data_set_comes_in_parts(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer, ready: dict[str, int]
) -> None:
    app_server.settings.export_part_bytes = 1024  # 3 reps × 13 weeks of targets: about 1.6 KB
    view = slack.open_modal("export", user_id=ADMIN)
    slack.view_submission(view, {"sets": ["weekly_targets"], "until": "2026-12-31"}, user_id=ADMIN)
    files = files_of(emulator, ADMIN, 2)
    names = sorted(files)
    assert names == [
        "pacer-2026-09-02-2026-12-31-weekly_targets-part2.csv",
        "pacer-2026-09-02-2026-12-31-weekly_targets.csv",
    ]
    parts = [csv_rows(files[name]) for name in names]
    assert all(
        part[0] == ["goal_id", "slack_id", "week", "target"] and len(files[n]) <= 1024
        for part, n in zip(parts, names, strict=True)
    )
    assert sum(len(part) - 1 for part in parts) == 3 * 13


def test_the_later_features_sets_come_too_and_no_export_holds_a_secret(
    slack: SlackPeer, emulator: SlackEmulator, ready: dict[str, int], app_server: AppServer
) -> None:
    with app_server.session_factory.begin() as session:
        people = {name: session.get_one(Member, member_id) for name, member_id in ready.items()}
        secrets = seed_later(session, people)  # a CRM connection's credentials, a Slack installation's tokens
        seed_last(session, people)  # badges, contest awards, quiz answers, the review's history…
    view = slack.open_modal("export", user_id=ADMIN)
    assert slack.view_submission(view, {"until": "2027-01-31"}, user_id=ADMIN).status == 200
    files = files_of(emulator, ADMIN, SETS)
    stem = "pacer-2026-09-02-2027-01-31"
    training = csv_rows(files[f"{stem}-training.csv"])
    assert sorted((row[4], row[11]) for row in training[1:]) == [(REP_EN, "90"), (REP_LA, "60")]
    actuals = csv_rows(files[f"{stem}-crm_actuals.csv"])
    assert actuals[0][-2:] == ["source", "source_id"] and len(actuals) == 3
    assert len(csv_rows(files[f"{stem}-incentive_ledger.csv"])) > 3
    assert len(csv_rows(files[f"{stem}-study_logs.csv"])) == 3
    assert [row[4] for row in csv_rows(files[f"{stem}-badges.csv"])[1:]] == [REP_EN, REP_LA]
    history = csv_rows(files[f"{stem}-review_history.csv"])
    assert [row[4] for row in history[1:]] == ["stage", "level.sales", "talk.proposed"]  # no peer asked
    assert len(csv_rows(files[f"{stem}-self_reviews.csv"])) == 4
    everything = b"".join(files.values())
    assert [secret for secret in secrets if secret.encode() in everything] == []


def test_another_writer_goes_on_while_an_export_reads(
    slack: SlackPeer, emulator: SlackEmulator, ready: dict[str, int], app_server: AppServer
) -> None:
    """A slow data set: while the export reads it, another session renames a member and commits at once.
    Before, the export's one write transaction (its duplicate-submission check) held SQLite's write lock
    to the end, and such a writer waited (busy_timeout, 30 s) then failed."""
    original = CHECKINS.rows
    waited: list[bool] = []

    def rename() -> None:
        with app_server.session_factory.begin() as session:
            session.get_one(Member, ready["maria"]).display_name = "Maria, renamed mid-export"

    def slow(session: Session, scope: ExportScope, since: date, until: date) -> Iterator[Row]:
        writer = threading.Thread(target=rename, daemon=True)
        writer.start()
        writer.join(10)
        waited.append(writer.is_alive())
        yield from original(session, scope, since, until)

    object.__setattr__(CHECKINS, "rows", slow)  # the app's own data set (frozen), made slow for this test
    try:
        view = slack.open_modal("export", user_id=ADMIN)
        assert slack.view_submission(view, {"sets": ["checkins"]}, user_id=ADMIN).status == 200
        files = files_of(emulator, ADMIN, 1)
    finally:
        object.__setattr__(CHECKINS, "rows", original)
    assert waited == [False]  # the writer committed while the export was reading
    assert len(csv_rows(files["pacer-2026-09-02-2026-12-01-checkins.csv"])) == 1 + 3 * 4
    with app_server.session_factory() as session:
        assert session.get_one(Member, ready["maria"]).display_name == "Maria, renamed mid-export"
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
        assert event.details["sets"] == ["checkins"] and event.details["rows"] == 3 * 4
