"""A spreadsheet of actuals (bot/crm/importing.py): English or Chinese headers in UTF-8, UTF-8 with a BOM
or GB18030; reps by Slack id or email; dates or ISO weeks; every bad line by its number with the reason and
nothing stored until clean; a dry run; re-importing writes nothing. On SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.crm import importing
from bot.crm.actuals import Figure, natural_key
from bot.crm.models import Actual
from bot.goals.models import Metric
from bot.i18n import t
from tests.crm.support import NOW, check, reps
from tests.factories import TEAM

HEADER = "rep,date,metric,amount,currency,external_id\n"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_clean_file_in_any_of_the_three_encodings(session: Session, encoding: str) -> None:
    ana, wang = reps(session)
    text = (
        '销售,日期,指标,金额,币种,外部编号\n<@UANA>,2026-11-23,revenue,"12,500",usd,D-1\n'
        "UWANG,2026-W48,新客户,3,,\n"
    )
    checked = check(session, text, encoding)
    assert checked.errors == []
    assert checked.figures == [
        Figure(ana.id, date(2026, 11, 23), Metric.REVENUE, Decimal(12500), "USD", "D-1"),
        Figure(
            wang.id,
            date(2026, 11, 23),
            Metric.NEW_ACCOUNTS,
            Decimal(3),
            "count",
            natural_key(wang.id, date(2026, 11, 23)),
        ),
    ]


def test_a_rep_named_by_email_is_looked_up(session: Session) -> None:
    ana, _ = reps(session)
    checked = check(
        session,
        HEADER + "ANA@example.com,2026/11/24,deals_closed,2,,\nnobody@example.com,2026-11-24,calls,1,,\n",
    )
    assert [(e.line, e.key) for e in checked.errors] == [(3, "crm.import.unknown_rep")]
    checked = check(session, HEADER + "ana@example.com,2026/11/24,deals_closed,2,,\n")
    assert [figure.rep_id for figure in checked.figures] == [ana.id]


def test_bad_lines_are_listed_by_number_with_the_reason(session: Session) -> None:
    reps(session)
    lines = [
        "UANA,2026-11-23,revenue,100,USD,A",  # 2: good
        "UNOBODY,2026-11-23,revenue,100,USD,B",  # 3
        "UOTHER,2026-11-23,revenue,100,USD,C",  # 4: a rep of another workspace
        "UANA,2026-13-01,revenue,100,USD,D",  # 5
        "UANA,2026-W54,revenue,100,USD,E",  # 6
        "UANA,2026-11-23,pipeline,100,USD,F",  # 7
        "UANA,2026-11-23,revenue,-5,USD,G",  # 8
        "UANA,2026-11-23,revenue,100,dollars,H",  # 9
        "UANA,2026-11-23,deals_closed,1.5,,I",  # 10
        "UANA,2026-11-23,deals_closed,1,USD,J",  # 11
        "UANA,2026-11-24,revenue,200,USD,A",  # 12: line 2's key again
        "",  # a blank line is no line
        ",2026-11-23,calls,1,,",  # 14
        "UANA,1999-01-01,calls,1,,",  # 15
    ]
    checked = check(session, HEADER + "\n".join(lines) + "\n")
    assert [(e.line, e.key) for e in checked.errors] == [
        (3, "crm.import.unknown_rep"),
        (4, "crm.import.unknown_rep"),
        (5, "crm.import.bad_date"),
        (6, "crm.import.bad_date"),
        (7, "crm.import.bad_metric"),
        (8, "crm.import.bad_amount"),
        (9, "crm.import.bad_currency"),
        (10, "crm.import.bad_amount"),
        (11, "crm.import.count_currency"),
        (12, "crm.import.repeated"),
        (14, "crm.import.no_rep"),
        (15, "crm.import.bad_date"),
    ]
    assert checked.figures == []  # nothing to store from a file with errors
    assert importing.run(session, TEAM, checked, now=NOW).written == 0
    assert session.scalar(select(func.count()).select_from(Actual)) == 0
    for error in checked.errors:  # every reason reads in both languages
        assert "{" not in t(error.key, "en", **error.values) and t(error.key, "zh", **error.values)


@pytest.mark.parametrize(
    ("data", "key"),
    [
        (b"\xff\xfe\x00r\x00e", "crm.import.not_text"),
        (b"rep,day,metric\nUANA,2026-11-23,calls\n", "crm.import.columns_missing"),
    ],
)
def test_a_file_that_is_not_actuals_is_one_error(session: Session, data: bytes, key: str) -> None:
    reps(session)
    checked = importing.check(session, TEAM, io.BytesIO(data))
    assert [error.key for error in checked.errors] == [key]


def test_dry_run_then_import_then_reimport_writes_nothing(session: Session) -> None:
    ana, _ = reps(session)
    text = HEADER + "UANA,2026-11-23,revenue,100,USD,A\nUANA,2026-11-24,calls,4,,\n"
    dry = importing.run(session, TEAM, check(session, text), now=NOW, dry_run=True)
    assert (dry.created, dry.updated, dry.unchanged) == (2, 0, 0)
    assert session.scalar(select(func.count()).select_from(Actual)) == 0
    done = importing.run(session, TEAM, check(session, text), now=NOW)
    assert (done.created, done.updated, done.unchanged) == (2, 0, 0)
    again = importing.run(session, TEAM, check(session, text), now=NOW)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    changed = text.replace("revenue,100", "revenue,150")
    after = importing.run(session, TEAM, check(session, changed), now=NOW)
    assert (after.created, after.updated, after.unchanged) == (0, 1, 1)
    stored = session.scalars(select(Actual).where(Actual.rep_id == ana.id).order_by(Actual.day)).all()
    assert [(a.metric, a.amount, a.currency, a.source, a.week_start) for a in stored] == [
        (Metric.REVENUE, Decimal(150), "USD", "import", date(2026, 11, 23)),
        (Metric.CALLS, Decimal(4), "count", "import", date(2026, 11, 23)),
    ]


def test_the_template_reads_back_as_its_header(session: Session) -> None:
    rows = list(csv.reader(io.StringIO(importing.template().decode("utf-8-sig"))))
    assert tuple(rows[0]) == importing.HEADER
    assert len(rows) == 3


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-11-23", date(2026, 11, 23)),
        ("2026/1/5", date(2026, 1, 5)),
        ("2026-W48", date(2026, 11, 23)),
        ("2026w01", date(2025, 12, 29)),
        ("2026-02-30", None),
        ("23/11/2026", None),
        ("2101-01-01", None),
        ("9" * 60, None),
    ],
)
def test_read_day(typed: str, expected: date | None) -> None:
    assert importing.read_day(typed) == expected
