"""The external-completions check on files that are broken or odd, never a crash: a CSV whose unclosed
quote swallows the rest past the csv module's field limit is unreadable, and a completion date from
before 2000 (a typo such as 0226-11-01) is a bad date, not a completion 1,800 years ago."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from bot.roster.models import Role
from bot.roster.policy import Caller
from bot.training import courses, external
from bot.training.cli import SHIPPED
from tests.factories import TEAM, member
from tests.support.people import ADMIN, REP_EN

TODAY = date(2026, 12, 1)


@pytest.fixture
def caller(session: Session) -> Caller:
    admin = member(session, ADMIN, role=Role.ADMIN)
    member(session, REP_EN)
    data = (SHIPPED / "product-basics.en.yaml").read_bytes()
    courses.import_files(
        session, TEAM, [("product-basics.en.yaml", data)], now=datetime(2026, 12, 1, tzinfo=UTC)
    )
    return Caller(member=admin, role=Role.ADMIN, locale="en")


def test_an_unclosed_quote_past_the_field_limit_is_unreadable(session: Session, caller: Caller) -> None:
    text = f'rep,course,completed,score\n{REP_EN},"product-basics,2026-11-02,90\n' + "x" * 140_000
    checked = external.check(session, caller, text.encode(), "csv", today=TODAY)
    assert [e.key for e in checked.errors] == ["training.external.unreadable"]


@pytest.mark.parametrize("day", ["0226-11-01", "0001-01-01", "1999-12-31"])
def test_a_completion_before_2000_is_a_bad_date(session: Session, caller: Caller, day: str) -> None:
    text = f"rep,course,completed,score\n{REP_EN},product-basics,{day},90\n"
    checked = external.check(session, caller, text.encode(), "csv", today=TODAY)
    assert [e.key for e in checked.errors] == ["training.external.bad_date"]


def test_a_completion_of_2000_or_later_reads(session: Session, caller: Caller) -> None:
    text = f"rep,course,completed,score\n{REP_EN},product-basics,2000-01-01,90\n"
    assert external.check(session, caller, text.encode(), "csv", today=TODAY).clean
