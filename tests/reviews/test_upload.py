"""Satisfaction and expansion figures (bot/reviews/inputs.py, bot/reviews/upload.py): a manager's entry
with a note, and a CSV in UTF-8, UTF-8 with a BOM or GB18030 — bad lines listed by number with the reason,
nothing imported until the file is clean, a dry run first; on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import Conflict, Invalid
from bot.reviews import inputs, scorecards, service, upload
from bot.reviews.inputs import Figure
from bot.reviews.models import Dimension, InputKind, InputSource, ReviewInput
from bot.roster.models import Member
from tests.factories import TEAM, member
from tests.reviews.support import NOW, seeded

GOOD = "rep,quarter,score,scale,good,bad,new_accounts,note\n"


def reps(session: Session) -> tuple[Member, Member]:
    ana = member(session, "UANA", display_name="Ana Li")
    wang = member(session, "UWANG", display_name="王芳")
    return ana, wang


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_clean_file_in_any_of_the_three_encodings(session: Session, encoding: str) -> None:
    ana, wang = reps(session)
    text = "销售代表,季度,分数,满分,新客户,备注\n<@UANA>,2026q4,4.2,5,3,调查\n王芳,2026Q4,,,7,\n"
    read = upload.read_upload(session, TEAM, text.encode(encoding))
    assert read.errors == []
    assert [(line.line, line.rep_id, line.quarter, line.figure) for line in read.lines] == [
        (2, ana.id, "2026Q4", Figure(InputKind.SATISFACTION, Decimal("4.2"), Decimal(5), "调查")),
        (2, ana.id, "2026Q4", Figure(InputKind.EXPANSION, Decimal(3), None, "调查")),
        (3, wang.id, "2026Q4", Figure(InputKind.EXPANSION, Decimal(7), None, "")),
    ]


def test_bad_lines_are_listed_by_number_with_the_reason(session: Session) -> None:
    reps(session)
    text = GOOD + "\n".join(
        [
            "UANA,2026Q4,4.5,5,,,,",  # 2: good
            "UNOBODY,2026Q4,4,5,,,,",  # 3
            "UANA,2026Q9,4,5,,,,",  # 4
            "UANA,2026Q3,lots,5,,,,",  # 5
            "UANA,2026Q3,,,,,,",  # 6
            "UANA,2026Q3,4,5,8,2,,",  # 7
            "UANA,2026Q3,4,,,,,",  # 8
            "UANA,2026Q3,,,0,0,,",  # 9
            "UANA,2026Q3,6,5,,,,",  # 10
            "UANA,2026Q4,3,5,,,,",  # 11: line 2 again
            "",  # a blank line is no line
            '"Ana Li",2026Q3,,,9,1,,"a note, with a comma"',  # 13: good
        ]
    )
    read = upload.read_upload(session, TEAM, text.encode())
    assert [(e.line, e.key) for e in read.errors] == [
        (3, "reviews.upload.unknown_rep"),
        (4, "reviews.upload.bad_quarter"),
        (5, "reviews.upload.bad_number"),
        (6, "reviews.upload.no_figure"),
        (7, "reviews.upload.score_and_counts"),
        (8, "reviews.upload.score_needs_scale"),
        (9, "reviews.upload.counts_needed"),
        (10, "reviews.inputs.scale_invalid"),
        (11, "reviews.upload.repeated"),
    ]
    assert read.errors[2].values == {"column": "score", "value": "lots"}
    assert read.errors[-1].values == {"first": "2"}
    assert [line.line for line in read.lines] == [2, 11, 13]
    assert read.lines[-1].figure == Figure(
        InputKind.SATISFACTION, Decimal(9), Decimal(10), "a note, with a comma"
    )
    with pytest.raises(Invalid) as refused:
        upload.import_upload(session, TEAM, read, dry_run=False, by=None, now=NOW)
    assert (refused.value.key, refused.value.values) == ("reviews.upload.not_clean", {"lines": 9})
    assert session.scalars(select(ReviewInput)).all() == []  # nothing imported


@pytest.mark.parametrize(
    ("data", "error"),
    [
        (b"\xff\xfe\x00\x00\x81", (0, "reviews.upload.not_text")),
        (b"name,when\nUANA,2026Q4\n", (1, "reviews.upload.columns_missing")),
        (b"", (1, "reviews.upload.columns_missing")),
        (b'rep,quarter,score,scale\nUANA,2026Q4,"4,5\n', (2, "reviews.upload.bad_number")),
        (b"x" * 1_000_001, (0, "reviews.upload.too_big")),
    ],
)
def test_files_that_cannot_be_read(session: Session, data: bytes, error: tuple[int, str]) -> None:
    reps(session)
    read = upload.read_upload(session, TEAM, data)
    assert [(e.line, e.key) for e in read.errors][:1] == [error]
    assert read.lines == []


def test_a_dry_run_shows_what_would_change_then_the_import_does_it(session: Session) -> None:
    ana, wang = reps(session)
    first = upload.read_upload(
        session, TEAM, (GOOD + "UANA,2026Q4,4.2,5,,,,\nUWANG,2026Q4,,,,,2,\n").encode()
    )
    dry = upload.import_upload(session, TEAM, first, dry_run=True, by=None, now=NOW)
    assert [(c.rep_id, c.kind, c.before, c.after) for c in dry] == [
        (ana.id, InputKind.SATISFACTION, None, (Decimal("4.2"), Decimal(5))),
        (wang.id, InputKind.EXPANSION, None, (Decimal(2), None)),
    ]
    assert session.scalars(select(ReviewInput)).all() == []
    upload.import_upload(session, TEAM, first, dry_run=False, by=ana.id, now=NOW)
    second = upload.read_upload(
        session, TEAM, (GOOD + "UANA,2026Q4,4.20,5,,,,\nUWANG,2026Q4,,,,,3,\n").encode()
    )
    changes = upload.import_upload(session, TEAM, second, dry_run=True, by=None, now=NOW)
    assert [(c.changes_something, c.before) for c in changes] == [
        (False, (Decimal("4.2"), Decimal(5))),
        (True, (Decimal(2), None)),
    ]
    upload.import_upload(session, TEAM, second, dry_run=False, by=None, now=NOW)
    kept = session.scalars(select(ReviewInput).order_by(ReviewInput.id)).all()
    assert [(row.rep_id, row.source, row.value) for row in kept] == [
        (ana.id, InputSource.UPLOAD, Decimal("4.2")),
        (wang.id, InputSource.UPLOAD, Decimal(3)),
    ]


def test_a_managers_entry_needs_a_note_and_wins_over_the_upload(session: Session) -> None:
    boss, reps_ = seeded(session, 4)
    rep = reps_[0]
    with pytest.raises(Invalid) as refused:
        inputs.record_input(
            session,
            rep,
            "2026Q4",
            Figure(InputKind.SATISFACTION, Decimal(3), Decimal(5)),
            by=boss.id,
            now=NOW,
        )
    assert refused.value.key == "reviews.inputs.note_needed"
    read = upload.read_upload(session, TEAM, (GOOD + f"{rep.user_id},2026Q4,5,5,,,,\n").encode())
    upload.import_upload(session, TEAM, read, dry_run=False, by=None, now=NOW)
    assert scorecards.build_scorecards(session, TEAM, "2026Q4")[0].levels[Dimension.SATISFACTION].level == 5
    figure = Figure(InputKind.SATISFACTION, Decimal(3), Decimal(5), " two complaints ")
    kept = inputs.record_input(session, rep, "2026q4", figure, by=boss.id, now=NOW)
    assert (kept.quarter, kept.source, kept.note) == ("2026Q4", InputSource.MANAGER, "two complaints")
    level = scorecards.build_scorecards(session, TEAM, "2026Q4")[0].levels[Dimension.SATISFACTION]
    assert (level.level, level.evidence.values["source"]) == (3, "manager")


@pytest.mark.parametrize(
    ("figure", "problem"),
    [
        (Figure(InputKind.SATISFACTION, Decimal("4.2"), Decimal(5)), None),
        (Figure(InputKind.EXPANSION, Decimal(12)), None),
        (Figure(InputKind.SATISFACTION, Decimal(-1), Decimal(5)), "reviews.inputs.value_invalid"),
        (Figure(InputKind.SATISFACTION, Decimal("4.123"), Decimal(5)), "reviews.inputs.value_invalid"),
        (Figure(InputKind.SATISFACTION, Decimal("NaN"), Decimal(5)), "reviews.inputs.value_invalid"),
        (Figure(InputKind.EXPANSION, Decimal(10) ** 12), "reviews.inputs.value_invalid"),
        (Figure(InputKind.SATISFACTION, Decimal(0), Decimal(0)), "reviews.inputs.scale_invalid"),
        (Figure(InputKind.EXPANSION, Decimal(3), Decimal(5)), "reviews.inputs.count_has_no_scale"),
    ],
)
def test_figures_are_checked(figure: Figure, problem: str | None) -> None:
    assert inputs.check_figure(figure) == problem


def test_a_locked_quarter_takes_no_figures(session: Session) -> None:
    boss, reps_ = seeded(session, 4)
    service.lock(session, service.get_cycle(session, TEAM, "2026Q4"), by=boss.id, now=NOW)
    read = upload.read_upload(session, TEAM, (GOOD + f"{reps_[0].user_id},2026Q4,5,5,,,,\n").encode())
    with pytest.raises(Conflict) as refused:
        upload.import_upload(session, TEAM, read, dry_run=True, by=None, now=NOW)
    assert refused.value.key == "reviews.errors.locked"
    with pytest.raises(Conflict):
        inputs.record_input(
            session,
            reps_[0],
            "2026Q4",
            Figure(InputKind.EXPANSION, Decimal(2), None, "crm"),
            by=None,
            now=NOW,
        )


CELLS = st.one_of(
    st.sampled_from(
        ["UANA", "<@UWANG>", "Ana Li", "2026Q4", "2026Q5", "4.2", "5", "-1", "1e9", "万", '"', ""]
    ),
    st.text(max_size=12),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.one_of(
        st.binary(max_size=300),
        st.lists(st.lists(CELLS, max_size=9), max_size=8).map(
            lambda rows: (GOOD + "\n".join(",".join(row) for row in rows)).encode("utf-8")
        ),
    )
)
def test_any_file_gets_lines_or_reasons_never_a_crash(session: Session, data: bytes) -> None:
    reps(session)
    read = upload.read_upload(session, TEAM, data)
    lines = len(re.split(rb"\r\n|\r|\n", data))  # what the csv module counts as lines
    assert all(0 <= error.line <= lines for error in read.errors)
    assert all(2 <= line.line <= lines for line in read.lines)
    assert all(inputs.check_figure(line.figure) is None for line in read.lines)
    if read.clean:
        upload.import_upload(session, TEAM, read, dry_run=True, by=None, now=NOW)
    session.rollback()
