"""What a feature declares to be exported, and whose data an export covers. A leaf: features import it to
declare their `ExportSet`s (`Feature(exports=…)` in bot/features.py), so a later feature adds its own data
without touching this package."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.orm import Session

from bot.roster.models import Member, Role

Row = tuple[Any, ...]


@dataclass(frozen=True)
class ExportScope:
    """Whose data: a workspace (an admin), one manager's team, or one vendor's reps (its contact).
    `private` is whether peer comments' authors and anonymous feedback may be included: never for a vendor
    contact (an anonymous item stays anonymous only among many; a vendor's few reps are not many).
    `admin`: an admin (or the operator's command line) asked, whatever the scope: private kudos too."""

    team_id: str
    manager_id: int | None = None
    vendor_id: int | None = None
    private: bool = True
    admin: bool = False

    @property
    def everything(self) -> bool:
        return self.manager_id is None and self.vendor_id is None

    def rep_ids(self) -> Select[int]:
        """The members whose data is in scope (for `IN (…)`): every member of the workspace for an admin,
        else the manager's reps or the vendor's reps, whether active or not."""
        found = select(Member.id).where(Member.team_id == self.team_id)
        if self.manager_id is not None:
            found = found.where(Member.manager_id == self.manager_id, Member.role == Role.REP)
        if self.vendor_id is not None:
            found = found.where(Member.vendor_id == self.vendor_id)
        return found

    def covers(self, column: Any) -> ColumnElement[bool]:
        """A filter: `column` (a rep id) is in scope (always true of a workspace's own rows for an admin)."""
        inside: ColumnElement[bool] = column.in_(self.rep_ids())
        return inside


Rows = Callable[[Session, ExportScope, date, date], Iterator[Row]]


@dataclass(frozen=True)
class ExportSet:
    """One data set of an export: its `name` (the file's name and the modal's option), the i18n key of
    its title, the header row, its rows in scope between two days (inclusive), streamed, and the `tables`
    whose people's data those rows carry (the roster's `members` and `vendors`, which every set reads to
    name people, aside). Every table holding a person's data is in some set's `tables` or says in
    `bot.exports.coverage.NOT_EXPORTED` why it is in none; tests/exports/test_coverage.py checks both, and
    that each set's queries really read the tables it declares."""

    name: str
    title: str
    header: Sequence[str]
    rows: Rows
    tables: tuple[str, ...] = ()


def streamed(session: Session, query: Select[*tuple[Any, ...]], batch: int = 1000) -> Iterator[Row]:
    """The query's rows, `batch` at a time (a server-side cursor on PostgreSQL): memory stays flat."""
    for row in session.execute(query.execution_options(yield_per=batch)):
        yield tuple(row)
