"""Review cycles: open one for a quarter, move it through its stages, lock, publish and reopen it, and
change its due dates. Every change is kept in `review_changes` (who, what, when, why). No Slack.

Stages go forward one at a time (open → self review → peer input → manager review → calibration →
published → closed); publishing also locks the cycle. A locked cycle refuses edits with the reason; only an
admin may reopen it, with a reason, which puts it back in calibration and is recorded."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.audit import service as audit
from bot.errors import Conflict, FieldErrors, Invalid, NotAllowed, NotFound, Term
from bot.reviews import policy
from bot.reviews.models import STAGES, ReviewChange, ReviewCycle, Stage
from bot.reviews.settings import load_config
from bot.roster.policy import Caller

DUE_FIELDS = ("opens_on", "self_due", "peer_due", "manager_due")  # also the block ids of a dates form


def check_quarter(quarter: str) -> str:
    """The quarter's name as stored ("2026Q4"), or Invalid for one that is not a quarter."""
    key = quarter.strip().upper()
    try:
        calendar.quarter_bounds(key)
    except ValueError:
        raise Invalid("reviews.errors.unknown_quarter", quarter=quarter) from None
    return key


def open_cycle(session: Session, team_id: str, quarter: str, *, by: int | None, now: datetime) -> ReviewCycle:
    """Open the review of `quarter` with the workspace's due dates (it opens the configured number of days
    before the quarter ends). Conflict when that quarter's review exists already."""
    key = check_quarter(quarter)
    if find_cycle(session, team_id, key) is not None:
        raise Conflict("reviews.errors.cycle_exists", quarter=key)
    opens, self_due, peer_due, manager_due = calendar.review_dates(
        key, load_config(session, team_id).days_before
    )
    cycle = ReviewCycle(
        team_id=team_id,
        quarter=key,
        stage=Stage.OPEN,
        opens_on=opens,
        self_due=self_due,
        peer_due=peer_due,
        manager_due=manager_due,
        locked=False,
        reopened_count=0,
        opened_by_id=by,
        created_at=now,
        updated_at=now,
    )
    session.add(cycle)
    session.flush()
    record_change(session, cycle, by=by, what="stage", before="", after=Stage.OPEN, now=now)
    return cycle


def quarter_of(day: date) -> str:
    """The review quarter a day falls in: "2026Q4"."""
    return f"{day.year}Q{calendar.quarter_of(day)}"


def due_quarter(today: date, days_before: int) -> str | None:
    """The quarter whose review should be open on `today` (a workspace's local date): from its opening
    day to the quarter's last day. None before the opening day."""
    quarter = quarter_of(today)
    return quarter if today >= calendar.review_dates(quarter, days_before)[0] else None


def open_due_cycle(session: Session, team_id: str, today: date, *, now: datetime) -> ReviewCycle | None:
    """Open this quarter's review in the workspace when its day has come and it is not open yet (what the
    `reviews-open` job does for each workspace); the new cycle, else None."""
    quarter = due_quarter(today, load_config(session, team_id).days_before)
    if quarter is None or find_cycle(session, team_id, quarter) is not None:
        return None
    return open_cycle(session, team_id, quarter, by=None, now=now)


def find_cycle(session: Session, team_id: str, quarter: str) -> ReviewCycle | None:
    return session.scalars(
        select(ReviewCycle).where(ReviewCycle.team_id == team_id, ReviewCycle.quarter == quarter.upper())
    ).one_or_none()


def get_cycle(session: Session, team_id: str, quarter: str) -> ReviewCycle:
    """The review of `quarter` in the workspace, or NotFound."""
    cycle = find_cycle(session, team_id, check_quarter(quarter))
    if cycle is None:
        raise NotFound("reviews.errors.no_cycle", quarter=quarter)
    return cycle


def check_editable(cycle: ReviewCycle) -> None:
    """Refuse any edit of a locked cycle, saying why (an admin may reopen it)."""
    if cycle.locked:
        raise Conflict("reviews.errors.locked", quarter=cycle.quarter)


def check_stage(cycle: ReviewCycle, *stages: Stage) -> None:
    """Refuse what only `stages` allow; locked cycles are refused first, with their own reason."""
    check_editable(cycle)
    if cycle.stage not in stages:
        raise Conflict(
            "reviews.errors.wrong_stage",
            quarter=cycle.quarter,
            stage=Term(f"reviews.stage_{cycle.stage.value}"),
        )


def next_stage(stage: Stage) -> Stage | None:
    index = STAGES.index(stage)
    return STAGES[index + 1] if index + 1 < len(STAGES) else None


def advance(session: Session, cycle: ReviewCycle, *, by: int | None, now: datetime) -> Stage:
    """Move the cycle to its next stage. Up to calibration it must be unlocked; from calibration it is
    published (and locked, see `publish`); a published cycle is closed."""
    following = next_stage(cycle.stage)
    if following is None:
        raise Conflict("reviews.errors.last_stage", quarter=cycle.quarter)
    if following is Stage.PUBLISHED:
        publish(session, cycle, by=by, now=now)
        return cycle.stage
    if following is not Stage.CLOSED:
        check_editable(cycle)
    _set_stage(session, cycle, following, by=by, now=now)
    return following


def lock(session: Session, cycle: ReviewCycle, *, by: int | None, now: datetime) -> None:
    """Lock the cycle for calibration: nothing in it may be edited until it is reopened."""
    check_editable(cycle)
    cycle.locked = True
    cycle.updated_at = now
    record_change(session, cycle, by=by, what="locked", before="false", after="true", now=now)


def publish(session: Session, cycle: ReviewCycle, *, by: int | None, now: datetime) -> None:
    """Lock and publish in one action, from calibration (a cycle locked for calibration may be published)."""
    if cycle.stage is not Stage.CALIBRATION:
        raise Conflict(
            "reviews.errors.wrong_stage",
            quarter=cycle.quarter,
            stage=Term(f"reviews.stage_{cycle.stage.value}"),
        )
    if not cycle.locked:
        lock(session, cycle, by=by, now=now)
    cycle.published_at = now
    _set_stage(session, cycle, Stage.PUBLISHED, by=by, now=now)


def reopen(session: Session, cycle: ReviewCycle, caller: Caller, *, reason: str, now: datetime) -> None:
    """An admin unlocks the cycle, with a reason; a published one goes back to calibration. Recorded."""
    if not policy.can_reopen(caller, cycle.team_id):
        raise NotAllowed("reviews.errors.only_admins")
    if not reason.strip():
        raise Invalid("reviews.errors.reason_needed")
    if not cycle.locked:
        raise Conflict("reviews.errors.not_locked", quarter=cycle.quarter)
    cycle.locked, cycle.reopened_count = False, cycle.reopened_count + 1
    by = caller.member.id
    record_change(
        session, cycle, by=by, what="reopened", before="locked", after="open", now=now, reason=reason
    )
    if cycle.stage in (Stage.PUBLISHED, Stage.CLOSED):
        _set_stage(session, cycle, Stage.CALIBRATION, by=by, now=now)
    audit.record(session, cycle.team_id, by, "reviews.reopen", cycle.quarter, reason=reason)


def check_due_dates(quarter: str, dates: Mapping[str, date | None]) -> FieldErrors:
    """A field error under each date that is missing, outside the quarter, or before the one it follows
    (opening ≤ self review ≤ peer input ≤ manager review)."""
    first, last = calendar.quarter_bounds(quarter)
    errors, previous = FieldErrors(), first
    for name in DUE_FIELDS:
        day = dates.get(name)
        if day is None or not first <= day <= last:
            errors[name] = Invalid("reviews.errors.date_outside", first=first, last=last)
        elif day < previous:
            errors[name] = "reviews.errors.date_order"
        previous = day if day is not None and day > previous else previous
    return errors


def set_due_dates(
    session: Session, cycle: ReviewCycle, dates: Mapping[str, date | None], *, by: int | None, now: datetime
) -> FieldErrors:
    """Change the cycle's dates when they are all good (else nothing changes); the errors, by field."""
    check_editable(cycle)
    errors = check_due_dates(cycle.quarter, dates)
    if errors:
        return errors
    for name in DUE_FIELDS:
        before, after = getattr(cycle, name), dates[name]
        if before != after:
            setattr(cycle, name, after)
            record_change(session, cycle, by=by, what=name, before=str(before), after=str(after), now=now)
    cycle.updated_at = now
    return errors


def _set_stage(session: Session, cycle: ReviewCycle, stage: Stage, *, by: int | None, now: datetime) -> None:
    before, cycle.stage, cycle.updated_at = cycle.stage, stage, now
    record_change(session, cycle, by=by, what="stage", before=before.value, after=stage.value, now=now)


def record_change(
    session: Session,
    cycle: ReviewCycle,
    *,
    by: int | None,
    what: str,
    before: str,
    after: str,
    now: datetime,
    reason: str = "",
    rep_id: int | None = None,
) -> None:
    """Keep a change in the history."""
    session.add(
        ReviewChange(
            team_id=cycle.team_id,
            cycle_id=cycle.id,
            rep_id=rep_id,
            changed_by_id=by,
            what=what,
            before=before,
            after=after,
            reason=reason,
            changed_at=now,
        )
    )
    session.flush()


def history(session: Session, cycle: ReviewCycle) -> list[ReviewChange]:
    """The cycle's changes, oldest first."""
    return list(
        session.scalars(
            select(ReviewChange)
            .where(ReviewChange.team_id == cycle.team_id, ReviewChange.cycle_id == cycle.id)
            .order_by(ReviewChange.changed_at, ReviewChange.id)
        )
    )
