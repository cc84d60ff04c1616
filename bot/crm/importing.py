"""A spreadsheet of actuals (any CRM's export, or none): read as a stream, checked line by line, shown as a
dry run, and stored only when every line is good. No Slack.

The file is CSV in UTF-8 (with or without a BOM) or GB18030 (what Chinese Excel saves), or an XLSX
workbook (its first sheet). Its first line names the columns, in English or Chinese, in any order:

| column | 中文 | what |
| --- | --- | --- |
| rep | 销售 | the rep's Slack id (`U…`, `<@U…>`) or Slack email |
| date | 日期 | a day (2026-11-23, 2026/11/23) or an ISO week (2026-W48: its Monday) |
| metric | 指标 | a goal metric: revenue, deals_closed, new_accounts, customer_visits, calls |
| amount | 金额 | the figure: money for revenue, a whole count for the others |
| currency | 币种 | ISO 4217 for revenue (USD, CNY); empty for counts |
| external_id | 外部编号 | optional: the row's id in its source; without one, rep + date + metric is the key |
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import spreadsheets
from bot.crm.actuals import Counts, Figure, natural_key, store
from bot.crm.models import COUNT_UNIT, IMPORT_SOURCE
from bot.goals.models import Metric
from bot.goals.numbers import read_amount
from bot.roster.models import Member, Role
from bot.spreadsheets import LineError

MAX_LINES = 1_000_000
MAX_ERRORS = 10_000  # a file that is wrong throughout: the first ones, then how many more
HEADER = ("rep", "date", "metric", "amount", "currency", "external_id")
COLUMNS = {
    "rep": ("rep", "销售", "销售代表"),
    "date": ("date", "week", "日期", "周"),
    "metric": ("metric", "指标"),
    "amount": ("amount", "金额"),
    "currency": ("currency", "币种", "货币"),
    "external_id": ("external_id", "external id", "外部编号"),
}
METRICS = {
    **{metric.value: metric for metric in Metric if metric is not Metric.CUSTOM},
    "销售额": Metric.REVENUE,
    "成交数": Metric.DEALS_CLOSED,
    "新客户": Metric.NEW_ACCOUNTS,
    "客户拜访": Metric.CUSTOMER_VISITS,
    "电话": Metric.CALLS,
}
YEARS = range(2000, 2101)
_PLAIN = re.compile(r"[0-9]{1,13}(?:\.[0-9]{1,2})?")
_DAY = re.compile(r"([0-9]{4})[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})")
_WEEK = re.compile(r"([0-9]{4})-?W([0-9]{1,2})", re.IGNORECASE)
_CURRENCY = re.compile(r"[A-Z]{3}")
_USER = re.compile(r"<?@?([UW][A-Z0-9]{2,31})(?:\|[^>]*)?>?")

# Emails → Slack user ids (Slack's `users.lookupByEmail`); an email it does not know is left out.
EmailLookup = Callable[[Collection[str]], Mapping[str, str]]


@dataclass(slots=True)
class _Line:
    line: int
    rep: str  # as typed: a user id or an email
    day: date
    metric: Metric
    amount: Decimal
    currency: str
    external_id: str


@dataclass
class Checked:
    """A file checked: its figures when clean, else every bad line; `lines` is how many rows it has."""

    figures: list[Figure] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    lines: int = 0
    more_errors: int = 0

    @property
    def clean(self) -> bool:
        return not self.errors

    def fail(self, error: LineError) -> None:
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)
        else:
            self.more_errors += 1


def template() -> bytes:
    """The file to fill in: the header and two example lines, UTF-8 with a BOM (Excel opens it right)."""
    rows = [HEADER, ("U0123ABCD", "2026-11-23", "revenue", "12500", "USD", "deal-1001")]
    rows.append(("ana@example.com", "2026-W48", "new_accounts", "3", "", ""))
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return codecs.BOM_UTF8 + out.getvalue().encode("utf-8")


def check(session: Session, team_id: str, stream: BinaryIO, *, emails: EmailLookup | None = None) -> Checked:
    """Every line of the file checked: UTF-8 first, GB18030 when it is not UTF-8 (read again)."""
    for encoding in ("utf-8-sig", "gb18030"):
        stream.seek(0)
        try:
            checked, lines = _parse(io.TextIOWrapper(stream, encoding=encoding, newline=""))
        except UnicodeDecodeError:
            continue
        except csv.Error as error:
            return Checked(errors=[LineError(0, "crm.import.not_csv", {"reason": str(error)[:80]})])
        if checked.clean or lines:
            _resolve(session, team_id, checked, lines, emails)
        return checked
    return Checked(errors=[LineError(0, "crm.import.not_text")])


def _parse(text: io.TextIOWrapper) -> tuple[Checked, list[_Line]]:
    checked, lines = Checked(), []
    try:
        reader = csv.reader(text)
        columns = _columns(next(reader, []))
        missing = [name for name in HEADER[:4] if name not in columns]
        if missing:
            checked.fail(LineError(1, "crm.import.columns_missing", {"columns": ", ".join(missing)}))
            return checked, []
        for values in reader:
            if checked.lines >= MAX_LINES:
                checked.fail(LineError(0, "crm.import.too_long", {"most": str(MAX_LINES)}))
                break
            if any(values):
                checked.lines += 1
                named = {name: values[at].strip() if at < len(values) else "" for name, at in columns.items()}
                found = _line(reader.line_num, named)
                if isinstance(found, LineError):
                    checked.fail(found)
                else:
                    lines.append(found)
    finally:
        text.detach()  # the caller's stream stays open (read again as GB18030)
    return checked, lines


def recognizes(kind: str, data: bytes) -> bool:
    """A file of actuals: a CSV or workbook whose header names a rep, a date, a metric and an amount."""
    columns = _columns(spreadsheets.first_row(kind, data)) if kind in ("csv", "xlsx") else {}
    return all(name in columns for name in HEADER[:4])


def _columns(header: list[str]) -> dict[str, int]:
    names = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
    found: dict[str, int] = {}
    for index, title in enumerate(header):
        name = names.get(title.strip().lstrip("\ufeff").casefold())
        if name is not None and name not in found:
            found[name] = index
    return found


def _line(number: int, named: Mapping[str, str]) -> _Line | LineError:
    """One line's values read, or its first error."""
    metric = METRICS.get(named["metric"].casefold())
    if metric is None:
        return LineError(number, "crm.import.bad_metric", {"metric": named["metric"][:40]})
    day = read_day(named["date"])
    if day is None:
        return LineError(number, "crm.import.bad_date", {"date": named["date"][:40]})
    currency = named.get("currency", "").upper()
    if wrong := _currency_error(metric, currency):
        return LineError(number, wrong, {"currency": currency[:40]})
    amount = _amount(named["amount"], whole=metric is not Metric.REVENUE)
    if amount is None:
        return LineError(number, "crm.import.bad_amount", {"amount": named["amount"][:40]})
    external_id = named.get("external_id", "")
    if len(external_id) > 100 or not named["rep"] or len(named["rep"]) > 254:
        key = "crm.import.long_id" if named["rep"] else "crm.import.no_rep"
        return LineError(number, key)
    unit = currency if metric is Metric.REVENUE else COUNT_UNIT
    return _Line(number, named["rep"], day, metric, amount, unit, external_id)


def _currency_error(metric: Metric, currency: str) -> str | None:
    if metric is Metric.REVENUE:
        return None if _CURRENCY.fullmatch(currency) else "crm.import.bad_currency"
    return None if currency in ("", COUNT_UNIT.upper()) else "crm.import.count_currency"


def read_day(text: str) -> date | None:
    """A day as a spreadsheet writes it (2026-11-23, 2026/11/23, 2026.11.23) or an ISO week's Monday
    (2026-W48, 2026W48); None when it is neither or outside 2000–2100."""
    try:
        if match := _DAY.fullmatch(text):
            day = date(int(match[1]), int(match[2]), int(match[3]))
        elif match := _WEEK.fullmatch(text):
            day = date.fromisocalendar(int(match[1]), int(match[2]), 1)
        else:
            return None
    except ValueError:
        return None
    return day if day.year in YEARS else None


def _amount(text: str, *, whole: bool) -> Decimal | None:
    if _PLAIN.fullmatch(text):  # the common case, without the typed-amount parser
        value = Decimal(text)
        return value if not whole or value == value.to_integral_value() else None
    return read_amount(text, step=Decimal(1) if whole else Decimal("0.01"))


def _resolve(
    session: Session, team_id: str, checked: Checked, lines: list[_Line], emails: EmailLookup | None
) -> None:
    """Each line's rep as a member of the workspace, and no key twice in the file."""
    reps = _reps(session, team_id, {line.rep for line in lines}, emails)
    seen: dict[tuple[str, str], int] = {}
    for line in lines:
        rep_id = reps.get(line.rep.casefold())
        if rep_id is None:
            checked.fail(LineError(line.line, "crm.import.unknown_rep", {"rep": line.rep[:80]}))
            continue
        key = line.external_id or natural_key(rep_id, line.day)
        figure = Figure(rep_id, line.day, line.metric, line.amount, line.currency, key)
        first = seen.setdefault(figure.key, line.line)
        if first != line.line:
            checked.fail(LineError(line.line, "crm.import.repeated", {"first": str(first)}))
        else:
            checked.figures.append(figure)
    checked.errors.sort(key=lambda error: error.line)
    if not checked.clean:
        checked.figures = []


def _reps(session: Session, team_id: str, typed: set[str], emails: EmailLookup | None) -> dict[str, int]:
    """{typed rep, casefolded: member id} for the workspace's reps named by user id or email."""
    ids = {typed_rep.casefold(): match[1] for typed_rep in typed if (match := _USER.fullmatch(typed_rep))}
    addresses = {typed_rep.casefold() for typed_rep in typed if "@" in typed_rep} - ids.keys()
    if addresses and emails is not None:
        found = {address.casefold(): user_id for address, user_id in emails(addresses).items()}
        ids.update({key: found[key] for key in addresses if key in found})
    rows = session.execute(
        select(Member.user_id, Member.id).where(
            Member.team_id == team_id, Member.role == Role.REP, Member.user_id.in_(set(ids.values()))
        )
    )
    members = {user_id: member_id for user_id, member_id in rows}
    return {key: members[user_id] for key, user_id in ids.items() if user_id in members}


def run(session: Session, team_id: str, checked: Checked, *, now: datetime, dry_run: bool = False) -> Counts:
    """Store a clean file's figures as imported actuals (`dry_run`: only count what would change)."""
    if not checked.clean:
        return Counts()
    return store(session, team_id, IMPORT_SOURCE, iter(checked.figures), now=now, dry_run=dry_run)


def check_bytes(
    session: Session, team_id: str, data: bytes, kind: str, *, emails: EmailLookup | None = None
) -> Checked:
    """A shared file checked: a workbook's first sheet read as CSV first."""
    if kind == "xlsx":
        text = spreadsheets.as_csv(data, max_rows=MAX_LINES)
        if text is None:
            return Checked(errors=[LineError(0, "crm.import.not_xlsx")])
        data = text.encode("utf-8")
    return check(session, team_id, io.BytesIO(data), emails=emails)
