"""A CSV of customer-satisfaction and market-expansion figures: read, checked line by line, shown as a
dry run, and imported only when every line is good. No Slack.

The file is UTF-8 (with or without a BOM) or GB18030 (what Chinese Excel saves). Its first line names the
columns, in English or Chinese, in any order:

| column | 中文 | what |
| --- | --- | --- |
| rep | 销售代表 | a Slack user id (`U…`), a mention (`<@U…>`) or the rep's display name |
| quarter | 季度 | like 2026Q4 |
| score, scale | 分数, 满分 | customer satisfaction: a score out of a scale (4.2 of 5) |
| good, bad | 好评, 差评 | or as counts of good and bad answers (a score of good out of good + bad) |
| new_accounts | 新客户 | market expansion: new accounts opened in the quarter |
| note | 备注 | optional |

A line may carry both figures. Each bad line is reported by its number with the reason (`LineError`)."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from itertools import islice

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.db.engine import upsert_statement
from bot.errors import Invalid
from bot.goals.numbers import parse_amount
from bot.reviews.inputs import Figure, check_figure, check_open
from bot.reviews.models import InputKind, InputSource, ReviewInput
from bot.reviews.service import check_quarter
from bot.roster.models import Member, Role
from bot.spreadsheets import LineError, decode

MAX_BYTES = 1_000_000
MAX_LINES = 10_000
COLUMNS = {
    "rep": ("rep", "销售代表", "代表"),
    "quarter": ("quarter", "季度"),
    "score": ("score", "分数", "评分"),
    "scale": ("scale", "满分"),
    "good": ("good", "好评"),
    "bad": ("bad", "差评"),
    "new_accounts": ("new_accounts", "new accounts", "新客户"),
    "note": ("note", "备注"),
}


@dataclass(frozen=True)
class Line:
    """A good line's figure for a rep's quarter."""

    line: int
    rep_id: int
    quarter: str
    figure: Figure


@dataclass
class Upload:
    lines: list[Line] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        return not self.errors


def read_upload(session: Session, team_id: str, data: bytes) -> Upload:
    """Every line of the file checked: the good ones as `Line`s, the others as `LineError`s."""
    text = decode(data) if len(data) <= MAX_BYTES else None
    if text is None:
        key = "reviews.upload.too_big" if len(data) > MAX_BYTES else "reviews.upload.not_text"
        return Upload(errors=[LineError(0, key)])
    reader = csv.reader(io.StringIO(text, newline=""))
    upload = Upload()
    try:
        columns = columns_of(next(reader, []))
        if "rep" not in columns or "quarter" not in columns:
            return Upload(errors=[LineError(1, "reviews.upload.columns_missing")])
        reps = _reps(session, team_id)
        for values in islice(reader, MAX_LINES):
            if any(value.strip() for value in values):
                named = {name: values[at].strip() if at < len(values) else "" for name, at in columns.items()}
                _read_line(upload, reader.line_num, named, reps)
        if next(reader, None) is not None:
            upload.errors.append(LineError(0, "reviews.upload.too_long", {"most": str(MAX_LINES)}))
    except csv.Error:
        upload.errors.append(LineError(reader.line_num, "reviews.upload.not_csv"))
    _flag_repeats(upload)
    return upload


def columns_of(header: list[str]) -> dict[str, int]:
    """{column name: index} of the header's known columns (by English or Chinese name, any case)."""
    names = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        name = names.get(title.strip().casefold())
        if name is not None and name not in found:
            found[name] = index
    return found


def _reps(session: Session, team_id: str) -> dict[str, int | None]:
    """The workspace's reps by user id and by casefolded display name (None: a name two reps share)."""
    found: dict[str, int | None] = {}
    rows = session.execute(
        select(Member.id, Member.user_id, Member.display_name).where(
            Member.team_id == team_id, Member.role == Role.REP
        )
    )
    for member_id, user_id, name in rows:
        found[user_id] = member_id
        if name:
            key = name.casefold()
            found[key] = None if key in found and found[key] != member_id else member_id
    return found


def _rep(reps: Mapping[str, int | None], typed: str) -> int | None:
    user = typed.removeprefix("<@").removesuffix(">").split("|", 1)[0].strip()
    found = reps.get(user)
    return found if found is not None else reps.get(typed.lstrip("@").casefold())


def _read_line(upload: Upload, number: int, named: Mapping[str, str], reps: Mapping[str, int | None]) -> None:
    rep_id = _rep(reps, named["rep"])
    if rep_id is None:
        upload.errors.append(LineError(number, "reviews.upload.unknown_rep", {"rep": named["rep"]}))
        return
    try:
        quarter = check_quarter(named["quarter"])
    except Invalid:
        upload.errors.append(LineError(number, "reviews.upload.bad_quarter", {"quarter": named["quarter"]}))
        return
    figures = _figures(named)
    if isinstance(figures, LineError):
        upload.errors.append(LineError(number, figures.key, figures.values))
        return
    for figure in figures:
        problem = check_figure(figure)
        if problem is not None:
            upload.errors.append(LineError(number, problem))
            return
    upload.lines += [Line(number, rep_id, quarter, figure) for figure in figures]


def _figures(named: Mapping[str, str]) -> list[Figure] | LineError:
    """The line's satisfaction and expansion figures, or what is wrong with them."""
    numbers: dict[str, Decimal | None] = {}
    for column in ("score", "scale", "good", "bad", "new_accounts"):
        typed = named.get(column, "")
        value = parse_amount(typed) if typed else None
        if typed and value is None:
            return LineError(0, "reviews.upload.bad_number", {"column": column, "value": typed})
        numbers[column] = value
    note = named.get("note", "")
    figures = []
    satisfaction = _satisfaction(numbers, note)
    if isinstance(satisfaction, LineError):
        return satisfaction
    if satisfaction is not None:
        figures.append(satisfaction)
    if numbers["new_accounts"] is not None:
        figures.append(Figure(InputKind.EXPANSION, numbers["new_accounts"], None, note))
    return figures or LineError(0, "reviews.upload.no_figure")


def _satisfaction(numbers: Mapping[str, Decimal | None], note: str) -> Figure | LineError | None:
    score, scale, good, bad = (numbers[c] for c in ("score", "scale", "good", "bad"))
    as_score, as_counts = score is not None or scale is not None, good is not None or bad is not None
    if as_score and as_counts:
        return LineError(0, "reviews.upload.score_and_counts")
    if as_score:
        if score is None or scale is None:
            return LineError(0, "reviews.upload.score_needs_scale")
        return Figure(InputKind.SATISFACTION, score, scale, note)
    if as_counts:
        if good is None or bad is None or good + bad == 0:
            return LineError(0, "reviews.upload.counts_needed")
        return Figure(InputKind.SATISFACTION, good, good + bad, note)
    return None


def _flag_repeats(upload: Upload) -> None:
    """A rep's figure of one kind for one quarter given twice is an error on the later line."""
    seen: dict[tuple[int, str, InputKind], int] = {}
    for line in upload.lines:
        key = (line.rep_id, line.quarter, line.figure.kind)
        if key in seen:
            upload.errors.append(LineError(line.line, "reviews.upload.repeated", {"first": str(seen[key])}))
        seen.setdefault(key, line.line)
    upload.errors.sort(key=lambda error: error.line)


@dataclass(frozen=True)
class Change:
    """What importing a line does to a rep's quarter: `before` is None for a new figure."""

    line: int
    rep_id: int
    quarter: str
    kind: InputKind
    before: tuple[Decimal, Decimal | None] | None
    after: tuple[Decimal, Decimal | None]

    @property
    def changes_something(self) -> bool:
        return self.before != self.after


def plan_import(session: Session, team_id: str, upload: Upload) -> list[Change]:
    """The dry run: what importing the file would change, line by line (one statement)."""
    kept = {(row.rep_id, row.quarter, row.kind): row for row in _uploaded(session, team_id, upload)}
    changes = []
    for line in upload.lines:
        row = kept.get((line.rep_id, line.quarter, line.figure.kind))
        before = None if row is None else (row.value, row.scale)  # Decimals compare by value: 4.20 == 4.2
        after = (line.figure.value, line.figure.scale)
        changes.append(Change(line.line, line.rep_id, line.quarter, line.figure.kind, before, after))
    return changes


def import_upload(
    session: Session, team_id: str, upload: Upload, *, dry_run: bool, by: int | None, now: datetime
) -> list[Change]:
    """Import a clean file (a file with any bad line imports nothing), or, with `dry_run`, only say what
    it would change. A quarter whose review is locked is refused with the reason."""
    if not upload.clean:
        raise Invalid("reviews.upload.not_clean", lines=len(upload.errors))
    for quarter in sorted({line.quarter for line in upload.lines}):
        check_open(session, team_id, quarter)
    changes = plan_import(session, team_id, upload)
    if dry_run:
        return changes
    _upsert(session, team_id, upload.lines, by=by, now=now)
    return changes


KEY = ("team_id", "quarter", "rep_id", "kind", "source")  # review_inputs' unique key
CHANGED = ("value", "scale", "note", "recorded_by_id", "recorded_at")


def _upsert(session: Session, team_id: str, lines: list[Line], *, by: int | None, now: datetime) -> None:
    """Every line in one INSERT … ON CONFLICT DO UPDATE, sent as one executemany whatever the file's
    length (a 10,000-line file is one statement, not 10,000)."""
    if not lines:
        return
    rows = [
        {
            "team_id": team_id,
            "quarter": line.quarter,
            "rep_id": line.rep_id,
            "kind": line.figure.kind,
            "source": InputSource.UPLOAD,
            "value": line.figure.value,
            "scale": line.figure.scale,
            "note": line.figure.note,
            "recorded_by_id": by,
            "recorded_at": now,
        }
        for line in lines
    ]
    insert = upsert_statement(session, ReviewInput)
    statement = insert.on_conflict_do_update(
        index_elements=list(KEY), set_={column: insert.excluded[column] for column in CHANGED}
    )
    session.connection().execute(statement, rows)  # Core: one executemany (the ORM would go row by row)
    for kept in [o for o in session.identity_map.values() if isinstance(o, ReviewInput)]:
        session.expire(kept)  # read again from the database when next used


def _uploaded(session: Session, team_id: str, upload: Upload) -> list[ReviewInput]:
    quarters = sorted({line.quarter for line in upload.lines})
    return list(
        session.scalars(
            select(ReviewInput).where(
                ReviewInput.team_id == team_id,
                ReviewInput.quarter.in_(quarters),
                ReviewInput.source == InputSource.UPLOAD,
            )
        )
    )
