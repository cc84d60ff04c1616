"""Exports (issue 16): whose data a caller may export, the checked request, and the export written to
files in constant memory. No Slack: the handlers deliver the parts, the CLI copies them to a folder.

Scope by role: an admin, the whole workspace (or one manager's team, or one vendor's reps); a manager,
their own team; a vendor's contact, that vendor's reps only, without anonymous feedback (see
`ExportScope.private`). Private kudos (between giver and receiver) only in an admin's export
(`ExportScope.admin`). Anything else is refused. The date range is bounded: from ≤ to, at most
`SPAN_MAX_DAYS` (three years)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.audit import service as audit
from bot.errors import FieldErrors, Invalid, NotAllowed
from bot.exports.base import ExportScope, ExportSet
from bot.exports.writer import FORMATS, Part, Table, write
from bot.roster.models import Member, Role, Vendor
from bot.roster.policy import Caller

SPAN_MAX_DAYS = 3 * 366
EVERYTHING = "all"
SCOPE_FIELD, FROM_FIELD, TO_FIELD, SETS_FIELD, FORMAT_FIELD = "scope", "since", "until", "sets", "format"


@dataclass(frozen=True)
class Choice:
    """A scope the caller may pick: its value in the modal ("all", "team:<id>", "vendor:<id>"), the i18n
    key and values of its label, and the scope itself."""

    value: str
    label: str
    name: str
    scope: ExportScope


@dataclass(frozen=True)
class Request:
    scope: ExportScope
    sets: tuple[ExportSet, ...]
    since: date
    until: date
    kind: str  # csv | xlsx
    scope_value: str


def choices(session: Session, caller: Caller) -> list[Choice]:
    """What the caller may export, the widest first; empty: they may not export at all."""
    team_id, found = caller.team_id, []
    if caller.is_admin():
        found.append(Choice(EVERYTHING, "exports.scope.all", "", ExportScope(team_id, admin=True)))
        managers = select(Member).where(Member.team_id == team_id, Member.role == Role.MANAGER)
        for manager in session.scalars(managers.order_by(Member.display_name, Member.id)):
            name = manager.display_name or manager.user_id
            found.append(
                Choice(
                    f"team:{manager.id}",
                    "exports.scope.team_of",
                    name,
                    _team(team_id, manager.id, admin=True),
                )
            )
    elif caller.role is Role.MANAGER:
        found.append(
            Choice(f"team:{caller.member.id}", "exports.scope.my_team", "", _team(team_id, caller.member.id))
        )
    vendors = select(Vendor).where(Vendor.team_id == team_id).order_by(Vendor.name, Vendor.id)
    if not caller.is_admin():
        vendors = vendors.where(Vendor.contact_user_id == caller.member.user_id)
    for vendor in session.scalars(vendors):
        admin = caller.is_admin()
        scope = ExportScope(team_id, vendor_id=vendor.id, private=admin, admin=admin)
        found.append(Choice(f"vendor:{vendor.id}", "exports.scope.vendor", vendor.name, scope))
    return found


def _team(team_id: str, manager_id: int, *, admin: bool = False) -> ExportScope:
    return ExportScope(team_id, manager_id=manager_id, admin=admin)


def check_allowed(found: Sequence[Choice]) -> None:
    if not found:
        raise NotAllowed("exports.errors.who")


def read_request(
    values: Mapping[str, str | None], found: Sequence[Choice], sets: Sequence[ExportSet], *, today: date
) -> Request | FieldErrors:
    """The modal's answers, checked: a scope the caller may pick (else refused, not a field error: only
    a forged request names another), bounded dates, known sets, a known format."""
    by_value = {choice.value: choice for choice in found}
    chosen = by_value.get(values.get(SCOPE_FIELD) or "")
    if chosen is None:
        raise NotAllowed("exports.errors.scope")
    errors = FieldErrors()
    since, until = _day(values.get(FROM_FIELD)), _day(values.get(TO_FIELD))
    errors.update(check_range(since, until, today))
    by_name = {export.name: export for export in sets}
    names = [name for name in (values.get(SETS_FIELD) or "").split(",") if name]
    if not names or any(name not in by_name for name in names):
        errors[SETS_FIELD] = "exports.errors.sets"
    kind = values.get(FORMAT_FIELD) or "csv"
    if kind not in FORMATS:
        errors[FORMAT_FIELD] = "exports.errors.format"
    if errors or since is None or until is None:
        return errors
    return Request(chosen.scope, tuple(by_name[name] for name in names), since, until, kind, chosen.value)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def check_range(since: date | None, until: date | None, today: date) -> FieldErrors:
    """Both days given, from ≤ to, at most three years apart, neither past next year."""
    errors = FieldErrors()
    latest = today + timedelta(days=366)
    if since is None or since > latest:
        errors[FROM_FIELD] = "exports.errors.day"
    if until is None or until > latest:
        errors[TO_FIELD] = "exports.errors.day"
    if since is not None and until is not None and not errors:
        if since > until:
            errors[TO_FIELD] = "exports.errors.order"
        elif (until - since).days > SPAN_MAX_DAYS:
            errors[TO_FIELD] = Invalid("exports.errors.span", years=3)
    return errors


def run(session: Session, request: Request, folder: Path, *, part_bytes: int) -> list[Part]:
    """Write the export's parts into `folder` (streamed: one data set's rows at a time). Only reads: the
    caller may pass a `read_only` session, so a long export holds no write lock."""
    scope = request.scope
    tables = (
        Table(export.name, export.header, export.rows(session, scope, request.since, request.until))
        for export in request.sets
    )
    stem = f"pacer-{request.since.isoformat()}-{request.until.isoformat()}"
    return write(request.kind, tables, folder, stem, part_bytes=part_bytes)


def record(session: Session, request: Request, parts: Sequence[Part], *, actor: int | None) -> None:
    """The export in the audit log: who, which scope, sets, days and format, how many files and rows."""
    audit.record(
        session,
        request.scope.team_id,
        actor,
        "export",
        request.scope_value,
        sets=[export.name for export in request.sets],
        since=request.since,
        until=request.until,
        format=request.kind,
        files=len(parts),
        rows=sum(part.rows for part in parts),
    )
