"""Write an export to temporary files in constant memory, split into parts of at most `part_bytes`.

CSV: one file per data set, UTF-8 with a BOM (so Excel reads Chinese), each part with the header again.
XLSX: one workbook (openpyxl's write-only mode) with a sheet per data set; a new workbook when the text
written passes `part_bytes` (a workbook is zipped, so it stays under it) or a sheet reaches Excel's
row limit. Rows come from generators; nothing holds a whole data set. Text cells go through
`bot.spreadsheets.safe_cell`, so a cell starting like a formula is shown, never run."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any, BinaryIO

from openpyxl import Workbook  # type: ignore[import-untyped]

from bot.spreadsheets import safe_cell, xlsx_cell

BOM = "\ufeff".encode()
SHEET_ROWS_MAX = 1_048_576  # Excel's limit, header included
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Part:
    """One file to deliver: where it is, its name, and how many data rows it holds."""

    path: Path
    filename: str
    rows: int


@dataclass(frozen=True)
class Table:
    """A data set to write: its name, header and rows (a generator)."""

    name: str
    header: Sequence[str]
    rows: Iterable[Sequence[Any]]


def csv_value(value: Any) -> str:
    """A cell as CSV text: dates ISO, enums by value, booleans yes/no, numbers as numbers (a negative
    amount stays -5, which a spreadsheet reads as a number, not a formula), text neutralised."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Enum):
        value = value.value
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, int | float | Decimal):
        return str(value)
    return safe_cell(value)


def xlsx_value(value: Any) -> Any:
    """A cell for a workbook: numbers and dates stay typed (a zone dropped: Excel knows none), text is
    neutralised and rid of the control characters a workbook cannot hold."""
    if isinstance(value, bool | int | float | Decimal) or value is None:
        return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=None)
    if isinstance(value, date):
        return value
    return xlsx_cell(value.value if isinstance(value, Enum) else value)


@dataclass
class _Parts:
    folder: Path
    stem: str
    suffix: str
    made: list[Part] = field(default_factory=list)

    def name(self, number: int) -> str:
        return f"{self.stem}.{self.suffix}" if number == 1 else f"{self.stem}-part{number}.{self.suffix}"


def write_csv(tables: Iterable[Table], folder: Path, stem: str, *, part_bytes: int) -> list[Part]:
    """Each table as CSV files of at most `part_bytes` (a part holds at least one row)."""
    parts: list[Part] = []
    for table in tables:
        parts += _csv_table(table, _Parts(folder, f"{stem}-{table.name}", "csv"), part_bytes)
    return parts


def _csv_table(table: Table, parts: _Parts, part_bytes: int) -> list[Part]:
    header = _csv_line(table.header)
    number, out, size, rows = 1, _open_csv(parts, 1, header), len(BOM) + len(header), 0
    for row in table.rows:
        line = _csv_line([csv_value(value) for value in row])
        if rows and size + len(line) > part_bytes:
            parts.made.append(Part(Path(out.name), parts.name(number), rows))
            out.close()
            number += 1
            out, size, rows = _open_csv(parts, number, header), len(BOM) + len(header), 0
        out.write(line)
        size, rows = size + len(line), rows + 1
    parts.made.append(Part(Path(out.name), parts.name(number), rows))
    out.close()
    return parts.made


def _open_csv(parts: _Parts, number: int, header: bytes) -> BinaryIO:
    out = (parts.folder / parts.name(number)).open("wb")
    out.write(BOM + header)
    return out


def _csv_line(cells: Sequence[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    return buffer.getvalue().encode("utf-8")


def write_xlsx(tables: Iterable[Table], folder: Path, stem: str, *, part_bytes: int) -> list[Part]:
    """The tables as sheets of write-only workbooks, a new workbook past `part_bytes` of text."""
    parts = _Parts(folder, stem, "xlsx")
    book = _Book(parts, 1)
    for table in tables:
        book.sheet(table)
        for row in table.rows:
            cells = [xlsx_value(value) for value in row]
            weight = sum(len(str(value)) for value in cells if value is not None) + 8 * len(cells)
            if book.full(weight, part_bytes):
                book = book.next_book()
                book.sheet(table)
            book.append(cells, weight)
    book.close()
    return parts.made


class _Book:
    """One write-only workbook being written (openpyxl keeps its rows on disk, not in memory)."""

    def __init__(self, parts: _Parts, number: int) -> None:
        self.parts, self.number = parts, number
        self.book = Workbook(write_only=True)
        self.size, self.rows, self.sheet_rows = 0, 0, 0
        self.table: Table | None = None
        self.current: Any = None

    def sheet(self, table: Table) -> None:
        self.table, self.sheet_rows = table, 1
        self.current = self.book.create_sheet(title=table.name[:31])
        self.current.append(list(table.header))

    def full(self, weight: int, part_bytes: int) -> bool:
        over = self.size + weight > part_bytes or self.sheet_rows >= SHEET_ROWS_MAX
        return over and self.rows > 0

    def append(self, cells: list[Any], weight: int) -> None:
        self.current.append(cells)
        self.size, self.rows, self.sheet_rows = self.size + weight, self.rows + 1, self.sheet_rows + 1

    def next_book(self) -> _Book:
        self.close()
        return _Book(self.parts, self.number + 1)

    def close(self) -> None:
        if not self.book.worksheets:
            self.book.create_sheet(title="empty")
        path = self.parts.folder / self.parts.name(self.number)
        self.book.save(path)
        self.parts.made.append(Part(path, self.parts.name(self.number), self.rows))


def write(kind: str, tables: Iterable[Table], folder: Path, stem: str, *, part_bytes: int) -> list[Part]:
    """The export's parts in `folder`, as CSV files or workbooks."""
    writer = write_csv if kind == "csv" else write_xlsx
    return writer(tables, folder, stem, part_bytes=part_bytes)
