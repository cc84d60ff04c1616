"""An XLSX workbook read as CSV (bot/reviews/xlsx.py): values as they read, rows bounded, and anything
that is not a workbook — or unpacks to far more than it weighs — refused."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from openpyxl import Workbook  # type: ignore[import-untyped]

from bot.reviews import xlsx
from bot.reviews.upload import MAX_LINES


def workbook(*rows: list[object]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def test_cells_read_as_typed() -> None:
    data = workbook(
        ["rep", "quarter", "score", "scale", "note"],
        ["U1", "2026Q4", 4.5, 5, None],
        ["U2", "2026Q4", 4.0, 5.0, date(2026, 12, 1)],
    )
    assert xlsx.as_csv(data) == "rep,quarter,score,scale,note\nU1,2026Q4,4.5,5\nU2,2026Q4,4,5,2026-12-01\n"


def test_rows_are_bounded() -> None:
    text = xlsx.as_csv(workbook(["rep", "quarter"], *([["U1", "2026Q4"]] * (MAX_LINES + 10))))
    assert text is not None and len(text.splitlines()) == MAX_LINES + 2  # enough to say "too long"


def test_what_is_not_a_workbook_is_refused() -> None:
    assert xlsx.as_csv(b"rep,quarter\n") is None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"<a/>" * 10_000_000)  # 40 MB of nothing, zipped small
    assert len(buffer.getvalue()) < 1_000_000 and xlsx.as_csv(buffer.getvalue()) is None
