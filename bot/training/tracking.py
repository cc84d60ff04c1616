"""Who is trained: each assignment with its rep, course, vendor and progress in one statement whatever the
numbers (a scope: everyone, a manager's reps, a vendor's, one rep's, one course's), and the sums the report,
the Home tab and the digest show: completion, scores, overdue. No Slack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, and_, select
from sqlalchemy.orm import Session

from bot.roster.models import Member, Vendor
from bot.training.models import Assignment, Course, Progress


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

    def add(self, row: Row, today: date) -> Tally:
        return Tally(self.done + row.done, self.total + 1, self.overdue + row.overdue(today))


def _query(scope: Scope) -> Select[Assignment, Member, Course, Progress, str]:
    query = (
        select(Assignment, Member, Course, Progress, Vendor.name)
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
    return query.order_by(Member.display_name, Member.id, Assignment.due, Course.slug)


def rows(session: Session, scope: Scope) -> list[Row]:
    """Every assignment in the scope, in one statement."""
    return [
        Row(member, course, assignment, progress, vendor)
        for assignment, member, course, progress, vendor in session.execute(_query(scope))
    ]


def tally(found: Sequence[Row], today: date) -> Tally:
    total = Tally()
    for row in found:
        total = total.add(row, today)
    return total


def by_vendor(found: Sequence[Row], today: date) -> dict[str | None, Tally]:
    """Completion per vendor (None: reps without one), in the order of the vendors' names."""
    tallies: dict[str | None, Tally] = {}
    for row in found:
        tallies[row.vendor] = tallies.get(row.vendor, Tally()).add(row, today)
    return dict(sorted(tallies.items(), key=lambda item: (item[0] is None, (item[0] or "").casefold())))
