"""Digits that are not ASCII ("²", "٣": `str.isdigit` says yes, `int` then raises) and very long numbers
are refused with the feature's one-line answer, never a crash: over HTTP for the commands (both
databases), and on the external-completions check and the review's development link."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from bot.errors import FieldErrors
from bot.reviews.development import read_action
from bot.roster.models import Role
from bot.roster.policy import Caller
from bot.training import courses, external
from bot.training.cli import SHIPPED
from tests.factories import TEAM, member
from tests.support.app_server import AppServer
from tests.support.people import ADMIN, MARIA, REP_EN
from tests.support.slack_peer import SlackPeer

HOSTILE = ("²", "٣", "9" * 3000)


@pytest.mark.e2e
def test_commands_refuse_hostile_digits(slack: SlackPeer, app_server: AppServer) -> None:
    with app_server.session_factory.begin() as session:
        boss = member(session, MARIA, role=Role.MANAGER)
        rita = member(session, REP_EN)
        rita.on_team, rita.manager_id = True, boss.id
    for digits in HOSTILE:
        escalate = slack.command(f"setup training escalate {digits}", user_id=ADMIN).json()["text"]
        assert escalate == "Escalate after 1 to 90 days overdue.", escalate
        logged = slack.command(f'learn log {digits} "Book"', user_id=REP_EN).json()["text"]
        assert "learn log" in logged, logged
        train = slack.command(
            f"train everyone product-basics due 2026-12-31 recertify {digits} days", user_id=MARIA
        ).json()
        assert "Recertify every 1 to 3650 days" in str(train), train


@pytest.mark.parametrize("digits", HOSTILE)
def test_the_development_link_refuses_hostile_digits(digits: str) -> None:
    read = read_action({"development_kind": "training", "development_ref": digits})
    assert read == FieldErrors({"development_ref": "reviews.development.ref_number"})


def test_external_completions_refuse_a_hostile_score(session: Session) -> None:
    admin = member(session, ADMIN, role=Role.ADMIN)
    member(session, REP_EN)
    data = (SHIPPED / "product-basics.en.yaml").read_bytes()
    courses.import_files(
        session, TEAM, [("product-basics.en.yaml", data)], now=datetime(2026, 12, 1, tzinfo=UTC)
    )
    caller = Caller(member=admin, role=Role.ADMIN, locale="en")
    for digits in HOSTILE:
        text = f"rep,course,completed,score\n{REP_EN},product-basics,2026-11-02,{digits}\n"
        checked = external.check(session, caller, text.encode(), "csv", today=date(2026, 12, 1))
        assert [e.key for e in checked.errors] == ["training.external.bad_score"], checked
