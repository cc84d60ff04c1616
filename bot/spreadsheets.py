"""Spreadsheets people share with Pacer, read the same way by every feature's importer. No Slack.

- `decode`: a CSV's text, UTF-8 (with or without a BOM) or GB18030 (what Chinese Excel saves).
- `as_csv`: an XLSX workbook's first sheet as CSV text, so it is checked line by line as a CSV is (its line
  numbers are the sheet's row numbers). Read-only, values not formulas, at most `max_rows` rows + 2 (enough
  for the importer to say "too long").
- `first_row`: the header row of either, for telling one kind of file from another (`bot.slack.uploads`).
- `safe_cell`: a cell Pacer writes that a spreadsheet will show as text, never run as a formula (every
  CSV and XLSX export uses it: calibration, the incentives ledger, `bot.exports`); `xlsx_cell`, the same
  for a workbook, without the control characters XLSX cannot hold (openpyxl refuses them).
"""

from __future__ import annotations

import csv
import io
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal
from itertools import islice
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE  # type: ignore[import-untyped]

COLUMNS_MAX = 20
UNPACKED_MAX = 30_000_000  # bytes of XML a 2 MB workbook may unpack to
# A sheet that is not what it claims: broken XML (ElementTree's and lxml's parse errors are SyntaxErrors),
# a damaged compressed part, or cells openpyxl cannot make sense of.
CORRUPT = (SyntaxError, zlib.error, zipfile.BadZipFile, EOFError, KeyError, ValueError, TypeError, OSError)
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet would run these as a formula
# What a spreadsheet may skip before it reads a cell as a formula: spaces and control characters.
_SKIPPED = "".join(map(chr, range(0x21))) + "\x7f"


def safe_cell(value: object) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula, even behind spaces or control
    characters (`"\\x0b=HYPERLINK(…)"` in a CSV file), gets a leading '."""
    text = "" if value is None else str(value)
    formula = text.startswith(FORMULA_STARTS) or text.lstrip(_SKIPPED).startswith(FORMULA_STARTS)
    return "'" + text if formula else text


def xlsx_cell(value: object) -> str:
    """`safe_cell` for a workbook: control characters XLSX cannot hold (\\x00-\\x08, \\x0b, \\x0c,
    \\x0e-\\x1f: a soft line break pasted from Word, say) dropped, so one of them never fails the file."""
    return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", "" if value is None else str(value)))


@dataclass(frozen=True)
class LineError:
    """What is wrong on line `line` of a file (from 1; 0: the file as a whole), as an i18n key and values."""

    line: int
    key: str
    values: dict[str, Any] = field(default_factory=dict)


def decode(data: bytes) -> str | None:
    """The file's text: UTF-8 (a BOM is dropped), else GB18030; None when it is neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def first_row(kind: str, data: bytes) -> list[str]:
    """The first row of a CSV (`kind` "csv") or workbook ("xlsx"), its cells stripped and lower-cased;
    empty when the file can't be read as that kind."""
    text = as_csv(data, max_rows=0) if kind == "xlsx" else decode(data[:4096])
    if not text:
        return []
    line = text.splitlines()[0] if text.splitlines() else ""
    return [cell.strip().lower() for cell in next(csv.reader([line]), [])]


def is_workbook(data: bytes) -> bool:
    """Whether the bytes are an XLSX workbook that can be read (a zip with a workbook part, not a bomb)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist() and _fits(data)
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def _fits(data: bytes) -> bool:
    """A zip archive whose parts unpack to at most `UNPACKED_MAX` (openpyxl reads shared strings whole)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist()) <= UNPACKED_MAX
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def as_csv(data: bytes, *, max_rows: int) -> str | None:
    """The first sheet's rows as CSV, or None when the bytes are not a workbook (or would unpack to more
    than `UNPACKED_MAX`: a small file that is mostly compressed nothing)."""
    from openpyxl import load_workbook  # type: ignore[import-untyped]

    if not _fits(data):
        return None
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        return None
    try:
        sheet = book.worksheets[0] if book.worksheets else None
        if sheet is None:
            return None
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        for row in islice(sheet.iter_rows(max_col=COLUMNS_MAX, values_only=True), max_rows + 2):
            cells = [_cell(value) for value in row]
            while cells and not cells[-1]:
                cells.pop()  # read-only rows are padded to `max_col`
            writer.writerow(cells)
        return out.getvalue()
    except CORRUPT:  # read-only mode parses the sheet's XML only now, as its rows are read
        return None
    finally:
        book.close()


def _cell(value: object) -> str:
    """A cell as it reads: whole floats without ".0", dates as ISO, empty cells empty."""
    if value is None:
        return ""
    if isinstance(value, float):
        return format(Decimal(repr(value)).normalize(), "f")
    if isinstance(value, datetime) and value.time() == time(0):
        return value.date().isoformat()  # Excel keeps a date as a midnight
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)
