"""A control character in stored text (a soft line break pasted from Word, \\x0b) no longer fails an XLSX
file: the export (both databases) and the incentives ledger drop what a workbook cannot hold, and a
formula hidden behind one is still shown as text."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

from openpyxl import load_workbook  # type: ignore[import-untyped]
from sqlalchemy.orm import Session

from bot.checkins.models import CheckIn
from bot.exports import writer
from bot.exports.base import ExportScope
from bot.exports.sets import CHECKINS
from bot.incentives import ledger
from bot.spreadsheets import safe_cell, xlsx_cell
from tests.exports.support import seed
from tests.factories import TEAM
from tests.reviews.support import Q4_WEEKS

WORD = "ok\x0bbad\x01 \x1fend"  # control characters openpyxl refuses (PostgreSQL refuses \x00 itself)


def test_the_helper_drops_what_a_workbook_cannot_hold_and_keeps_formulas_text() -> None:
    assert xlsx_cell(WORD) == xlsx_cell(WORD + "\x00") == "okbad end"
    assert xlsx_cell("\x0b=HYPERLINK(1)") == "'=HYPERLINK(1)"  # the formula check sees the cleaned text
    assert xlsx_cell("line\nnext\ttab") == "line\nnext\ttab"  # what a workbook holds stays
    assert xlsx_cell(None) == ""


def test_a_formula_behind_spaces_or_control_characters_is_text_in_a_csv_file_too() -> None:
    for hidden in ("\x0b=HYPERLINK(1)", " =1+1", "\x00\x1f @SUM(A1)", "\x7f+1", "\n-2"):
        assert safe_cell(hidden) == "'" + hidden, repr(hidden)
    assert safe_cell("a =1") == "a =1" and safe_cell(" ok") == " ok" and safe_cell(7) == "7"


def test_a_negative_amount_stays_a_number_in_csv_and_text_that_looks_like_one_stays_text() -> None:
    assert [writer.csv_value(v) for v in (Decimal("-5.50"), -3, -0.5)] == ["-5.50", "-3", "-0.5"]
    assert writer.csv_value("-5") == "'-5"  # typed by a person: text, whatever it looks like


def test_an_export_with_a_control_character_is_written(session: Session, tmp_path: Path) -> None:
    people = seed(session)
    checkin = session.query(CheckIn).filter_by(rep_id=people["rita"].id, week_start=Q4_WEEKS[1]).one()
    checkin.highlights, checkin.blockers = WORD, "\x0c=1+1"
    session.flush()
    rows = CHECKINS.rows(session, ExportScope(TEAM), date(2026, 9, 1), date(2026, 12, 31))
    parts = writer.write(
        "xlsx", [writer.Table("checkins", CHECKINS.header, rows)], tmp_path, "x", part_bytes=1 << 20
    )
    sheet = load_workbook(parts[0].path, read_only=True)["checkins"]
    cells = {cell for row in sheet.iter_rows(min_row=2, values_only=True) for cell in row[6:8]}
    assert {"okbad end", "'=1+1"} <= cells


def test_the_incentives_ledger_workbook_with_a_control_character_is_written() -> None:
    row = ("Acme\x0b", "Rita\x01", "UREPEN", "Q4 plan\x08", "USD", "100.00", "40.00", "60.00", "approved")
    book = load_workbook(io.BytesIO(ledger.export_xlsx([row])))
    assert [cell.value for cell in book["ledger"][2]][:4] == ["Acme", "Rita", "UREPEN", "Q4 plan"]
