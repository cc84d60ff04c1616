"""The last data sets on both databases, by role (an admin everything, a manager their team, a vendor's
contact their vendor's reps only and never who chose or changed something): badges, contest awards, quiz
answers, CRM pipeline snapshots, the CRM beside each check-in, goal history, weekly new accounts; and the
review's self reviews, figures, history and conversations, for admins and the rep's manager only, never a
vendor's contact, never a peer rater. Text cells are neutralised in CSV and XLSX; and the export modal lists
every data set within Slack's limits, in English and Chinese."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.exports import service, views
from bot.exports.base import ExportScope
from bot.features import all_exports
from bot.reviews.models import ReviewCycle, Stage
from bot.roster.models import Member, Role
from bot.roster.policy import Caller
from tests.exports.last import LI_LESSONS, OPTIONS, SINCE, UNTIL, everyone, lines, scopes, slack_ids
from tests.exports.support import FORMULA, csv_rows
from tests.support.people import ADMIN, BEN, MARIA, REP_EN, REP_LA, REP_ZH

FIRST = {
    "badges",
    "contest_awards",
    "quiz_answers",
    "crm_pipeline",
    "checkin_crm",
    "goal_history",
    "new_accounts",
}
REVIEWS = {"self_reviews", "review_inputs", "review_history", "review_conversations"}


@pytest.fixture
def people(session: Session) -> dict[str, Member]:
    return everyone(session)


@pytest.fixture
def scope(session: Session, people: dict[str, Member]) -> dict[str, ExportScope]:
    return scopes(session, people)


def test_each_role_gets_its_own_reps_in_every_new_set(
    session: Session, people: dict[str, Member], scope: dict[str, ExportScope]
) -> None:
    assert {e.name for e in all_exports()} >= FIRST | REVIEWS
    everyone_with = {"contest_awards": {REP_EN, REP_ZH, REP_LA}, "new_accounts": {REP_EN, REP_ZH, REP_LA}}
    for name in FIRST:
        seeded = everyone_with.get(name, {REP_EN, REP_LA})  # Li has no badge, quiz answer, pipeline…
        assert slack_ids(session, name, scope["admin"]) == seeded, name
        assert slack_ids(session, name, scope["maria"]) == seeded - {REP_LA}, name  # Sam is Ben's
        assert slack_ids(session, name, scope["contact"]) == seeded - {REP_LA}, name  # Sam is Beta's
        assert slack_ids(session, name, scope["admin_of_maria"]) == seeded - {REP_LA}, name


def test_the_new_sets_hold_what_a_user_expects(
    session: Session, people: dict[str, Member], scope: dict[str, ExportScope]
) -> None:
    badges = lines(session, "badges", scope["admin"])
    assert [(b["slack_id"], b["scope"], b["vendor"], b["chosen_by_slack_id"]) for b in badges] == [
        (REP_EN, "team", "Acme", MARIA),
        (REP_LA, "team", "Beta", BEN),
    ]  # November's only: June's are out of the range
    assert {b["month"].isoformat() for b in badges} == {"2026-11-01"}
    awards = lines(session, "contest_awards", scope["admin"])
    assert [(a["slack_id"], a["rank"], a["prize"]) for a in awards] == [
        (REP_EN, 1, FORMULA),
        (REP_ZH, 2, "a dinner"),
        (REP_LA, 3, "a book"),
    ]
    assert {a["contest"] for a in awards} == {"November sprint"}
    answers = {a["slack_id"]: a for a in lines(session, "quiz_answers", scope["admin"])}
    rita, sam = answers[REP_EN], answers[REP_LA]
    assert (rita["course"], rita["lesson"], rita["question"]) == (
        "objections",
        1,
        "The first reply to an objection?",
    )
    assert (rita["chosen"], rita["chosen_answer"], rita["correct"]) == (2, OPTIONS[1], True)
    assert (sam["chosen"], sam["chosen_answer"], sam["correct"]) == (3, OPTIONS[2], False)
    pipeline = lines(session, "crm_pipeline", scope["maria"])
    assert [(p["amount"], p["currency"], p["deals"], p["source"]) for p in pipeline] == [
        (Decimal(5000), "USD", 4, "crm:zoho")
    ]
    crm = lines(session, "checkin_crm", scope["contact"])
    assert [(c["reported"], c["crm_amount"], c["reason"]) for c in crm] == [
        (Decimal(9), Decimal(7), "rita: two deals closed late")
    ]
    history = {g["slack_id"]: g for g in lines(session, "goal_history", scope["admin"])}
    assert (history[REP_EN]["target"], history[REP_EN]["changed_by_slack_id"]) == (Decimal(100), MARIA)
    assert {n["slack_id"]: n["new_accounts"] for n in lines(session, "new_accounts", scope["admin"])} == {
        REP_EN: 2,
        REP_ZH: 1,
        REP_LA: 0,
    }


def test_a_vendors_contact_is_never_told_who_chose_a_badge_or_changed_a_goal(
    session: Session, scope: dict[str, ExportScope]
) -> None:
    badges = lines(session, "badges", scope["contact"])
    history = lines(session, "goal_history", scope["contact"])
    assert badges and history
    assert {b["chosen_by_slack_id"] for b in badges} == {g["changed_by_slack_id"] for g in history} == {None}
    assert MARIA in {b["chosen_by_slack_id"] for b in lines(session, "badges", scope["maria"])}


def test_the_reviews_sets_reach_admins_and_the_reps_manager_never_a_vendors_contact(
    session: Session, people: dict[str, Member], scope: dict[str, ExportScope]
) -> None:
    selves = {s["slack_id"]: s for s in lines(session, "self_reviews", scope["admin"])}
    assert set(selves) == {REP_EN, REP_ZH, REP_LA}  # Li's, though she has no scorecard yet
    assert (selves[REP_ZH]["sales_level"], selves[REP_ZH]["lessons"]) == (3, LI_LESSONS)
    assert selves[REP_EN]["wins"] == "rita won Acme"
    assert slack_ids(session, "self_reviews", scope["maria"]) == {REP_EN, REP_ZH}
    inputs = lines(session, "review_inputs", scope["maria"])
    assert [(i["slack_id"], i["value"], i["scale"], i["recorded_by_slack_id"]) for i in inputs] == [
        (REP_EN, Decimal("4.5"), Decimal(5), MARIA)
    ]
    talks = {t["slack_id"]: t for t in lines(session, "review_conversations", scope["admin"])}
    assert (talks[REP_EN]["state"], talks[REP_EN]["held_by_slack_id"]) == ("held", MARIA)
    assert (talks[REP_LA]["state"], talks[REP_LA]["held_at"]) == ("proposed", None)
    assert slack_ids(session, "review_conversations", scope["maria"]) == {REP_EN}
    for published in (False, True):
        for name in REVIEWS:
            assert lines(session, name, scope["contact"]) == [], (name, published)
        session.scalars(select(ReviewCycle)).one().stage = Stage.PUBLISHED
        session.flush()
    assert slack_ids(session, "scorecards", scope["contact"]) == {REP_EN}  # levels only, once published


def test_the_review_history_never_names_a_peer_rater(
    session: Session, people: dict[str, Member], scope: dict[str, ExportScope]
) -> None:
    history = lines(session, "review_history", scope["admin"])
    assert [(h["what"], h["slack_id"], h["by_slack_id"]) for h in history] == [
        ("stage", None, ADMIN),  # the cycle's own change: in the whole workspace's export only
        ("level.sales", REP_EN, MARIA),
        ("talk.proposed", REP_LA, REP_LA),
    ]
    assert history[1]["reason"] == "strong Q4"
    for role in ("maria", "admin_of_maria"):
        assert [h["what"] for h in lines(session, "review_history", scope[role])] == ["level.sales"]
    rater = str(people["li"].id)
    for role, found in scope.items():
        for line in lines(session, "review_history", found):
            assert not line["what"].startswith("peer."), role
            assert REP_ZH not in line.values() and rater not in (line["before"], line["after"]), role


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_text_cells_are_shown_as_text_in_both_formats(
    session: Session, people: dict[str, Member], scope: dict[str, ExportScope], tmp_path: Path, kind: str
) -> None:
    sets = tuple(e for e in all_exports() if e.name in {"contest_awards", "self_reviews"})
    request = service.Request(scope["admin"], sets, SINCE, UNTIL, kind, service.EVERYTHING)
    parts = service.run(session, request, tmp_path, part_bytes=50_000_000)
    cells: dict[str, list[Any]] = {}
    if kind == "csv":
        for part in parts:
            cells[part.filename.rsplit("-", 1)[1][:-4]] = [
                c for r in csv_rows(part.path.read_bytes()) for c in r
            ]
        assert "'\x0b" + FORMULA in cells["self_reviews"]  # behind a control character: still text
    else:
        book = load_workbook(parts[0].path, read_only=True)
        cells = {
            name: [c for r in book[name].iter_rows(values_only=True) for c in r] for name in book.sheetnames
        }
        assert "'" + FORMULA in cells["self_reviews"]  # the control character dropped, the formula shown
    assert "'" + FORMULA in cells["contest_awards"] and FORMULA not in cells["contest_awards"]


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_modal_lists_every_data_set_within_slacks_limits(
    session: Session, people: dict[str, Member], locale: str
) -> None:
    found = service.choices(session, Caller(member=people["admin"], role=Role.ADMIN, locale="en"))
    view = views.modal(found, all_exports(), since=SINCE, until=UNTIL, locale=locale, metadata={})
    block = next(b for b in view["blocks"] if b.get("block_id") == service.SETS_FIELD)
    element = block["element"]
    assert element["type"] == "multi_static_select"  # checkboxes would hold 10 at most
    names = [e.name for e in all_exports()]
    assert len(names) > 10 and len(names) <= views.OPTIONS_MAX  # past 100, a set could not be picked
    assert (
        [o["value"] for o in element["options"]] == names == [o["value"] for o in element["initial_options"]]
    )
    texts = [o["text"]["text"] for o in element["options"]]
    assert all(0 < len(text) <= 75 and not text.startswith("exports.") for text in texts)
    assert len(set(texts)) == len(texts)
    values = {
        service.SCOPE_FIELD: "all",
        service.FROM_FIELD: SINCE.isoformat(),
        service.TO_FIELD: UNTIL.isoformat(),
    }
    chosen = service.read_request(
        values | {service.SETS_FIELD: ",".join(names)}, found, all_exports(), today=UNTIL
    )
    assert isinstance(chosen, service.Request) and [e.name for e in chosen.sets] == names
