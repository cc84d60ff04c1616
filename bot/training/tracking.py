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
    rep_ids: tuple[int, ...] | None = None  # only these reps (a digest's own)


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


def _scoped(query: S, scope: Scope, *, course: bool) -> S:
    """`query` over the scope's assignments of active reps (joined to their course when asked or needed)."""
    query = query.select_from(Assignment).join(Member, Member.id == Assignment.rep_id)
    query = query.where(Assignment.team_id == scope.team_id, Member.active.is_(True))
    if course or scope.slug is not None:
        query = query.join(Course, Course.id == Assignment.course_id)
    if scope.manager_id is not None:
        query = query.where(Member.manager_id == scope.manager_id, Member.on_team.is_(True))
    if scope.rep_id is not None:
        query = query.where(Member.id == scope.rep_id)
    if scope.vendor_id is not None:
        query = query.where(Member.vendor_id == scope.vendor_id)
    if scope.slug is not None:
        query = query.where(Course.slug == scope.slug)
    if scope.rep_ids is not None:
        query = query.where(Member.id.in_(scope.rep_ids))
    return query


def _with_progress(query: S) -> S:
    """… and each assignment's progress in its current round (None: not started)."""
    return query.outerjoin(
        Progress,
        and_(
            Progress.rep_id == Assignment.rep_id,
            Progress.course_id == Assignment.course_id,
            Progress.round == Assignment.round,
        ),
    )


def rows(session: Session, scope: Scope, *, limit: int | None = None) -> list[Row]:
    """The scope's assignments, earliest due first (the first `limit`: picked through the index on the
    workspace, due date and id, before anything else is joined), in one statement."""
    query = _with_progress(
        _scoped(select(Assignment, Member, Course, Progress, Vendor.name), scope, course=True)
    )
    query = query.outerjoin(Vendor, Vendor.id == Member.vendor_id)
    if limit is not None:
        first = _scoped(select(Assignment.id), scope, course=False).order_by(Assignment.due, Assignment.id)
        query = query.where(Assignment.id.in_(first.limit(limit).scalar_subquery()))
    return [
        Row(member, course, assignment, progress, vendor)
        for assignment, member, course, progress, vendor in session.execute(
            query.order_by(Assignment.due, Assignment.id)
        )
    ]


def tallies(session: Session, scope: Scope, today: date) -> dict[str | None, Tally]:
    """Completion per vendor counted by the database (None: reps without one), in the order of the
    vendors' names: two statements whatever the numbers (the counts by vendor id, then the names)."""
    done = case((Progress.completed_at.is_not(None), 1), else_=0)
    late = case((and_(Progress.completed_at.is_(None), Assignment.due < today), 1), else_=0)
    counts = select(Member.vendor_id, func.sum(done), func.count(), func.sum(late))
    query = _with_progress(_scoped(counts, scope, course=False)).group_by(Member.vendor_id)
    by_id = {vendor: Tally(int(d or 0), int(n), int(o or 0)) for vendor, d, n, o in session.execute(query)}
    if not by_id:
        return {}
    vendors = session.execute(select(Vendor.id, Vendor.name).where(Vendor.team_id == scope.team_id))
    names: dict[int, str] = {vendor_id: name for vendor_id, name in vendors}
    found: dict[str | None, Tally] = {}
    for vendor_id, tally in by_id.items():
        name = names.get(vendor_id) if vendor_id is not None else None
        before = found.get(name, Tally())
        found[name] = Tally(
            before.done + tally.done, before.total + tally.total, before.overdue + tally.overdue
        )
    return dict(sorted(found.items(), key=lambda item: (item[0] is None, (item[0] or "").casefold())))


def total(found: dict[str | None, Tally]) -> Tally:
    """Every vendor's tally added up."""
    return Tally(
        sum(t.done for t in found.values()),
        sum(t.total for t in found.values()),
        sum(t.overdue for t in found.values()),
    )
