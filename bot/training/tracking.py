"""Who is trained: each assignment with its rep, course, vendor and progress in one statement whatever the
numbers (a scope: everyone, a manager's reps, a vendor's, one rep's, one course's), and the sums the report,
the Home tab and the digest show: completion, scores, overdue. No Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, and_, case, func, select
from sqlalchemy.orm import Session

from bot.roster.models import Member, Vendor
from bot.training.models import Assignment, Course, Progress

S = TypeVar("S", bound="Select[*tuple[Any, ...]]")


@dataclass(frozen=True)
class Scope:
    team_id: str
    manager_id: int | None = None  # a manager's own reps
    rep_id: int | None = None
    vendor_id: int | None = None
    slug: str | None = None


@dataclass(frozen=True)
class Row:
    rep: Member
    course: Course
    assignment: Assignment
    progress: Progress | None
    vendor: str | None

    @property
    def done(self) -> bool:
        return self.progress is not None and self.progress.completed_at is not None

    def overdue(self, today: date) -> bool:
        return not self.done and today > self.assignment.due

    @property
    def sent(self) -> int:
        return self.progress.next_position if self.progress else 0


@dataclass(frozen=True)
class Tally:
    done: int = 0
    total: int = 0
    overdue: int = 0


def _joined(query: S, scope: Scope) -> S:
    """`query` over the scope's assignments, with their rep, course, progress (this round) and vendor."""
    query = (
        query.select_from(Assignment)
        .join(Member, Member.id == Assignment.rep_id)
        .join(Course, Course.id == Assignment.course_id)
        .outerjoin(
            Progress,
            and_(
                Progress.rep_id == Assignment.rep_id,
                Progress.course_id == Assignment.course_id,
                Progress.round == Assignment.round,
            ),
        )
        .outerjoin(Vendor, Vendor.id == Member.vendor_id)
        .where(Assignment.team_id == scope.team_id, Member.active.is_(True))
    )
    if scope.manager_id is not None:
        query = query.where(Member.manager_id == scope.manager_id, Member.on_team.is_(True))
    if scope.rep_id is not None:
        query = query.where(Member.id == scope.rep_id)
    if scope.vendor_id is not None:
        query = query.where(Member.vendor_id == scope.vendor_id)
    if scope.slug is not None:
        query = query.where(Course.slug == scope.slug)
    return query


def _query(scope: Scope) -> Select[Assignment, Member, Course, Progress, str]:
    query = _joined(select(Assignment, Member, Course, Progress, Vendor.name), scope)
    return query.order_by(Member.display_name, Member.id, Assignment.due, Course.slug)


def rows(session: Session, scope: Scope, *, limit: int | None = None) -> list[Row]:
    """The scope's assignments (the first `limit`), in one statement."""
    query = _query(scope) if limit is None else _query(scope).limit(limit)
    return [
        Row(member, course, assignment, progress, vendor)
        for assignment, member, course, progress, vendor in session.execute(query)
    ]


def tallies(session: Session, scope: Scope, today: date) -> dict[str | None, Tally]:
    """Completion per vendor counted by the database (None: reps without one), in the order of the
    vendors' names, in one statement whatever the numbers."""
    done = case((Progress.completed_at.is_not(None), 1), else_=0)
    late = case((and_(Progress.completed_at.is_(None), Assignment.due < today), 1), else_=0)
    query = _joined(select(Vendor.name, func.sum(done), func.count(), func.sum(late)), scope).group_by(
        Vendor.name
    )
    found = {
        name: Tally(int(d or 0), int(count), int(o or 0)) for name, d, count, o in session.execute(query)
    }
    return dict(sorted(found.items(), key=lambda item: (item[0] is None, (item[0] or "").casefold())))


def total(found: dict[str | None, Tally]) -> Tally:
    """Every vendor's tally added up."""
    return Tally(
        sum(t.done for t in found.values()),
        sum(t.total for t in found.values()),
        sum(t.overdue for t in found.values()),
    )
