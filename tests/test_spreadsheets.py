"""An XLSX workbook read as CSV (bot/spreadsheets.py): values as they read, rows bounded, and anything
that is not a workbook — or unpacks to far more than it weighs — refused."""

from __future__ import annotations

import io
import zipfile
from datetime import date

from openpyxl import Workbook  # type: ignore[import-untyped]

from bot import spreadsheets
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
    assert (
        spreadsheets.as_csv(data, max_rows=MAX_LINES)
        == "rep,quarter,score,scale,note\nU1,2026Q4,4.5,5\nU2,2026Q4,4,5,2026-12-01\n"
    )


def test_rows_are_bounded() -> None:
    text = spreadsheets.as_csv(
        workbook(["rep", "quarter"], *([["U1", "2026Q4"]] * (MAX_LINES + 10))), max_rows=MAX_LINES
    )
    assert text is not None and len(text.splitlines()) == MAX_LINES + 2  # enough to say "too long"


def test_what_is_not_a_workbook_is_refused() -> None:
    assert spreadsheets.as_csv(b"rep,quarter\n", max_rows=9) is None
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"<a/>" * 10_000_000)  # 40 MB of nothing, zipped small
    assert len(buffer.getvalue()) < 1_000_000 and spreadsheets.as_csv(buffer.getvalue(), max_rows=9) is None


def test_first_row_of_either_kind() -> None:
    assert spreadsheets.first_row("csv", "\ufeffRep, Quarter ,Score\nU1,2026Q4,4\n".encode()) == [
        "rep",
        "quarter",
        "score",
    ]
    assert spreadsheets.first_row("csv", "销售,日期\n".encode("gb18030")) == ["销售", "日期"]
    assert spreadsheets.first_row("xlsx", workbook(["Rep", "Date"], ["U1", "2026-12-01"])) == ["rep", "date"]
    assert spreadsheets.first_row("xlsx", b"not a workbook") == []
    assert spreadsheets.first_row("csv", b"") == []


def test_a_workbook_is_told_from_other_bytes() -> None:
    assert spreadsheets.is_workbook(workbook(["rep"]))
    assert not spreadsheets.is_workbook(b"not a workbook")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<w/>")  # a zip, but a Word file
    assert not spreadsheets.is_workbook(buffer.getvalue())


def test_a_workbook_with_a_corrupt_sheet_reads_as_not_a_workbook() -> None:
    """The sheet's XML is parsed only while its rows are read: a truncated sheet must not raise there
    (every upload recognizer calls first_row), it is a file Pacer can't read."""
    good = workbook(["rep", "quarter"], ["U1", "2026Q4"])
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(buffer, "w") as broken:
        for info in source.infolist():
            part = source.read(info.filename)
            broken.writestr(info, part[: len(part) // 2] if info.filename.endswith("sheet1.xml") else part)
    data = buffer.getvalue()
    assert spreadsheets.is_workbook(data)
    assert spreadsheets.as_csv(data, max_rows=9) is None
    assert spreadsheets.first_row("xlsx", data) == []
