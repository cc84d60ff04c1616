"""The later features' data sets on both databases, by role: training (assignments with progress and quiz
scores, study logs), CRM actuals with their source, the incentive ledger, the reviews' text (never peer
comments; nothing for a vendor's contact, who gets scorecards once published); private kudos only in an
admin's export. An admin gets everything, a manager their team, a vendor's contact their vendor's reps
only (never who changed a payout); and no export, in CSV or XLSX, holds a CRM credential or a Slack
token."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.exports import service
from bot.exports.base import ExportScope
from bot.features import all_exports
from bot.reviews.models import ReviewCycle, Stage
from bot.roster.models import Member, Role
from bot.roster.policy import Caller
from tests.exports.later import BOT_REFRESH, BOT_TOKEN, CRM_REFRESH, PEER_COMMENT, seed_later
from tests.exports.support import CONTACT, PRIVATE_THANKS, seed
from tests.factories import member
from tests.support.people import REP_EN, REP_LA, REP_ZH

SINCE, UNTIL = date(2026, 9, 1), date(2027, 1, 31)


@pytest.fixture
def people(session: Session) -> dict[str, Member]:
    found = seed(session)
    found["contact"] = member(session, CONTACT)
    seed_later(session, found)
    return found


def scope_of(session: Session, person: Member, role: Role) -> ExportScope:
    """The widest scope the person may pick in the modal."""
    return service.choices(session, Caller(member=person, role=role, locale="en"))[0].scope


def rows(session: Session, name: str, scope: ExportScope) -> list[tuple[Any, ...]]:
    export = next(e for e in all_exports() if e.name == name)
    return list(export.rows(session, scope, SINCE, UNTIL))


def slack_ids(session: Session, name: str, scope: ExportScope) -> set[str]:
    export = next(e for e in all_exports() if e.name == name)
    column = list(export.header).index("slack_id")
    return {row[column] for row in rows(session, name, scope) if row[column] is not None}


def test_the_later_features_declare_their_sets() -> None:
    """Table by table, every person's data is exported or excluded with its reason:
    tests/exports/test_coverage.py."""
    names = {export.name for export in all_exports()}
    assert {"training", "study_logs", "crm_actuals", "incentive_ledger", "reviews"} <= names


def test_each_role_gets_its_own_scope_of_the_later_sets(session: Session, people: dict[str, Member]) -> None:
    admin = scope_of(session, people["admin"], Role.ADMIN)
    manager = scope_of(session, people["maria"], Role.MANAGER)
    contact = scope_of(session, people["contact"], Role.REP)
    assert admin.everything and manager.manager_id == people["maria"].id and contact.vendor_id is not None
    for name in ("training", "study_logs", "crm_actuals"):
        assert slack_ids(session, name, admin) == {REP_EN, REP_LA}, name
        assert slack_ids(session, name, manager) == {REP_EN}, name  # Sam is Ben's
        assert slack_ids(session, name, contact) == {REP_EN}, name  # Sam is Beta's
    training = rows(session, "training", admin)
    assert sorted((row[4], row[11], row[12], row[13]) for row in training) == [
        (REP_EN, 90, 2, 4),
        (REP_LA, 60, 2, 4),
    ]
    actuals = rows(session, "crm_actuals", contact)
    assert [(row[7], row[8]) for row in actuals] == [("zoho", "deal-rita")]

    ledger = rows(session, "incentive_ledger", admin)
    assert {row[4] for row in ledger} == {None, REP_EN, REP_ZH, REP_LA}  # plan entries have no rep
    assert any(row[7] == people["admin"].user_id for row in ledger)  # who made the change
    assert slack_ids(session, "incentive_ledger", manager) == {REP_EN, REP_ZH}
    theirs = rows(session, "incentive_ledger", contact)
    assert theirs and {row[4] for row in theirs} == {REP_EN, REP_ZH}  # Acme's reps' payouts only
    assert {row[7] for row in theirs} == {None}


def test_reviews_carry_the_managers_and_self_review_never_peer_comments(
    session: Session, people: dict[str, Member]
) -> None:
    admin = scope_of(session, people["admin"], Role.ADMIN)
    manager = scope_of(session, people["maria"], Role.MANAGER)
    contact = scope_of(session, people["contact"], Role.REP)
    found = rows(session, "reviews", admin)
    header = list(next(e for e in all_exports() if e.name == "reviews").header)
    line = {row[2]: dict(zip(header, row, strict=True)) for row in found}
    assert set(line) == {REP_EN, REP_LA}
    assert (line[REP_EN]["strengths"], line[REP_EN]["self_wins"]) == ("rita closes well", "rita won Acme")
    assert line[REP_EN]["sales_level"] == 4 and line[REP_EN]["manager"] == people["maria"].display_name
    assert PEER_COMMENT not in str(found)
    assert slack_ids(session, "reviews", manager) == {REP_EN}
    assert rows(session, "reviews", contact) == []  # neither review is shown to a vendor's contact
    assert rows(session, "scorecards", contact) == []  # not yet published
    assert {row[2] for row in rows(session, "scorecards", admin)} == {REP_EN, REP_LA}
    session.scalars(select(ReviewCycle)).one().stage = Stage.PUBLISHED
    session.flush()
    assert {row[2] for row in rows(session, "scorecards", contact)} == {REP_EN}  # Acme's, once published


def test_private_kudos_are_in_an_admins_export_only(session: Session, people: dict[str, Member]) -> None:
    reasons = {
        who: {row[4] for row in rows(session, "kudos", scope_of(session, people[who], role))}
        for who, role in (("admin", Role.ADMIN), ("maria", Role.MANAGER), ("contact", Role.REP))
    }
    assert reasons["admin"] == {"great demo", PRIVATE_THANKS}
    assert reasons["maria"] == reasons["contact"] == {"great demo"}
    found = service.choices(session, Caller(member=people["admin"], role=Role.ADMIN, locale="en"))
    admins_view_of_maria = next(c.scope for c in found if c.value == f"team:{people['maria'].id}")
    assert PRIVATE_THANKS in {row[4] for row in rows(session, "kudos", admins_view_of_maria)}


def _contents(path: Path) -> bytes:
    if path.suffix != ".xlsx":
        return path.read_bytes()
    with zipfile.ZipFile(path) as book:
        return b"".join(book.read(name) for name in book.namelist())


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_no_export_holds_a_crm_credential_or_a_slack_token(
    session: Session, people: dict[str, Member], tmp_path: Path, kind: str
) -> None:
    stored = [CRM_REFRESH, BOT_TOKEN, BOT_REFRESH, PEER_COMMENT]
    for person, role in ((people["admin"], Role.ADMIN), (people["maria"], Role.MANAGER)):
        for choice in service.choices(session, Caller(member=person, role=role, locale="en")):
            request = service.Request(choice.scope, all_exports(), SINCE, UNTIL, kind, choice.value)
            folder = tmp_path / f"{person.user_id}-{choice.value.replace(':', '-')}"
            folder.mkdir()
            parts = service.run(session, request, folder, part_bytes=50_000_000)
            everything = b"".join(_contents(part.path) for part in parts)
            if choice.value == service.EVERYTHING:
                assert b"deal-rita" in everything and b"Handling objections" in everything
            for secret in stored:
                assert secret.encode() not in everything, (choice.value, secret)
            assert b"enc:" not in everything  # no sealed value either
