"""An uploaded file of satisfaction and expansion figures as the person who shared it may import it:
read (CSV, or XLSX turned into CSV first), each line about a rep outside a manager's team refused by its
number, then the dry run or the import itself. No Slack."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import spreadsheets
from bot.reviews import upload
from bot.reviews.upload import Change, Upload
from bot.roster.models import Member
from bot.roster.policy import Caller, can_manage
from bot.spreadsheets import LineError


@dataclass
class Checked:
    """A file checked for its importer: the upload, its dry run when clean, the reps' names by id."""

    upload: Upload
    changes: list[Change] = field(default_factory=list)
    names: dict[int, str] = field(default_factory=dict)


def recognizes(kind: str, data: bytes) -> bool:
    """A figures file: a CSV or workbook whose header names a rep and a quarter (English or Chinese)."""
    columns = upload.columns_of(spreadsheets.first_row(kind, data)) if kind in ("csv", "xlsx") else {}
    return "rep" in columns and "quarter" in columns


def read_file(session: Session, caller: Caller, data: bytes, kind: str) -> Upload:
    """The file's lines checked (XLSX read as its first sheet), then limited to the caller's reps."""
    if kind == "xlsx":
        text = spreadsheets.as_csv(data, max_rows=upload.MAX_LINES)
        if text is None:
            return Upload(errors=[LineError(0, "reviews.import.not_xlsx")])
        data = text.encode("utf-8")
    found = upload.read_upload(session, caller.team_id, data)
    _only_theirs(session, caller, found)
    return found


def _only_theirs(session: Session, caller: Caller, found: Upload) -> None:
    """A manager imports figures of their own team's reps only: any other line is an error."""
    if caller.is_admin() or not found.lines:
        return
    ids = {line.rep_id for line in found.lines}
    reps = {rep.id: rep for rep in session.scalars(select(Member).where(Member.id.in_(ids)))}
    theirs = [line for line in found.lines if can_manage(caller, reps[line.rep_id])]
    for line in found.lines:
        if line not in theirs:
            name = reps[line.rep_id].display_name or reps[line.rep_id].user_id
            found.errors.append(LineError(line.line, "reviews.import.not_your_rep", {"rep": name}))
    found.lines = theirs
    found.errors.sort(key=lambda error: error.line)


def check(session: Session, caller: Caller, data: bytes, kind: str, *, now: datetime) -> Checked:
    """The dry run of a file: its bad lines, or what importing it would change."""
    found = read_file(session, caller, data, kind)
    if not found.clean:
        return Checked(found)
    changes = upload.import_upload(session, caller.team_id, found, dry_run=True, by=None, now=now)
    return Checked(found, changes, names_of(session, {change.rep_id for change in changes}))


def run(session: Session, caller: Caller, data: bytes, kind: str, *, now: datetime) -> Checked:
    """Import a file that is still clean (it is read again: the file may have changed since)."""
    found = read_file(session, caller, data, kind)
    if not found.clean:
        return Checked(found)
    changes = upload.import_upload(
        session, caller.team_id, found, dry_run=False, by=caller.member.id, now=now
    )
    return Checked(found, changes, names_of(session, {change.rep_id for change in changes}))


def names_of(session: Session, ids: set[int]) -> dict[int, str]:
    rows = session.execute(select(Member.id, Member.display_name, Member.user_id).where(Member.id.in_(ids)))
    return {member_id: name or user_id for member_id, name, user_id in rows}
