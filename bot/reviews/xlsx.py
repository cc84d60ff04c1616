"""An XLSX workbook's first sheet as CSV text, so it is checked line by line as a CSV is (its line numbers
are the sheet's row numbers). Read-only, values not formulas, at most `upload.MAX_LINES` rows."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from itertools import islice

from bot.reviews.upload import MAX_LINES

COLUMNS_MAX = 20
UNPACKED_MAX = 30_000_000  # bytes of XML a 2 MB workbook may unpack to


def _fits(data: bytes) -> bool:
    """A zip archive whose parts unpack to at most `UNPACKED_MAX` (openpyxl reads shared strings whole)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return sum(info.file_size for info in archive.infolist()) <= UNPACKED_MAX
    except (zipfile.BadZipFile, ValueError, OSError):
        return False


def as_csv(data: bytes) -> str | None:
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
        for row in islice(sheet.iter_rows(max_col=COLUMNS_MAX, values_only=True), MAX_LINES + 2):
            cells = [_cell(value) for value in row]
            while cells and not cells[-1]:
                cells.pop()  # read-only rows are padded to `max_col`
            writer.writerow(cells)
        return out.getvalue()
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
