"""The review conversation, once the scorecard is published (the rep then has what is discussed): the rep
proposes a slot within the manager's working hours on their next working days (`bot.calendar`: their own
zone, country and time away), the manager confirms it, and either marks it held afterwards. Each step is
kept in the history (`ReviewChange`: who and when). No Slack.

Published is the natural moment: before it, calibration may still change the levels being talked about."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.calendar import Person, Schedule
from bot.errors import Conflict, NotAllowed, Stale, Term
from bot.reviews.models import ReviewConversation, ReviewCycle, Stage, TalkState
from bot.reviews.service import record_change
from bot.roster.models import Member
from bot.workspaces.models import Workspace

DAYS_SHOWN = 3  # the manager's next working days offered
SLOTS_SHOWN = 5  # slot buttons in the rep's DM
SLOT = timedelta(hours=1)  # a slot starts on the hour and ends within the working hours
LEAD = timedelta(hours=1)  # the earliest slot starts at least this long from now
TALK_STAGES = (Stage.PUBLISHED, Stage.CLOSED)


@dataclass(frozen=True)
class Hours:
    """A person's working hours on one of their working days, as aware instants in their own zone."""

    day: date
    start: datetime
    end: datetime


def working_hours(person: Person, workspace: Schedule, now: datetime, days: int = DAYS_SHOWN) -> list[Hours]:
    """`person`'s next `days` working days (today while its hours are not over), each with its hours."""
    in_zone = calendar.member_zone(person, workspace)
    day, found = calendar.local_date(now, in_zone), list[Hours]()
    for _ in range(366):
        if len(found) == days:
            break
        start = datetime.combine(day, calendar.WORKING_HOURS[0], tzinfo=in_zone)
        end = datetime.combine(day, calendar.WORKING_HOURS[1], tzinfo=in_zone)
        if _works_on(person, workspace, day) and end - SLOT >= now:
            found.append(Hours(day, start, end))
        day += calendar.DAY
    return found


def _works_on(person: Person, workspace: Schedule, day: date) -> bool:
    """A working day of theirs: a weekday, not a public holiday where they are, not away."""
    country = calendar.holiday_country(person, workspace)
    return calendar.is_working_day(day, country) and not calendar.is_away(person, day)


def _starts(hours: list[Hours], now: datetime) -> list[datetime]:
    starts = []
    for each in hours:
        at = each.start
        while at + SLOT <= each.end:
            if at >= now + LEAD:
                starts.append(at)
            at += SLOT
    return starts


def slots(manager: Person, rep: Person, workspace: Schedule, now: datetime) -> list[datetime]:
    """The first slots in the manager's working hours, those also in the rep's own hours first."""
    starts = _starts(working_hours(manager, workspace, now), now)
    theirs = {(h.start, h.end) for h in working_hours(rep, workspace, now, DAYS_SHOWN + 2)}
    both = [at for at in starts if any(s <= at and at + SLOT <= e for s, e in theirs)]
    return (both or starts)[:SLOTS_SHOWN]


def check_slot(manager: Person, workspace: Schedule, at: datetime, now: datetime) -> None:
    """A slot from an old DM, or forged, is refused: it must start in the manager's coming hours."""
    if at not in _starts(working_hours(manager, workspace, now), now):
        raise Stale()


def conversation_of(session: Session, cycle: ReviewCycle, rep_id: int) -> ReviewConversation | None:
    return session.scalars(
        select(ReviewConversation).where(
            ReviewConversation.team_id == cycle.team_id,
            ReviewConversation.cycle_id == cycle.id,
            ReviewConversation.rep_id == rep_id,
        )
    ).one_or_none()


def conversations(session: Session, cycle: ReviewCycle) -> dict[int, ReviewConversation]:
    """The cycle's conversations by rep id (one statement)."""
    return {
        c.rep_id: c
        for c in session.scalars(
            select(ReviewConversation).where(
                ReviewConversation.team_id == cycle.team_id, ReviewConversation.cycle_id == cycle.id
            )
        )
    }


def _check_published(cycle: ReviewCycle) -> None:
    if cycle.stage not in TALK_STAGES:
        raise Conflict(
            "reviews.errors.wrong_stage",
            quarter=cycle.quarter,
            stage=Term(f"reviews.stage_{cycle.stage.value}"),
        )


def propose(
    session: Session, cycle: ReviewCycle, rep: Member, at: datetime, *, now: datetime
) -> tuple[ReviewConversation, bool]:
    """The rep proposes `at` (checked against the manager's hours): the conversation, and whether this
    changed it (not when that slot was proposed already: a double tap). Refused once confirmed."""
    _check_published(cycle)
    if rep.manager_id is None or rep.team_id != cycle.team_id:
        raise NotAllowed("reviews.talk.no_manager")
    manager = session.get_one(Member, rep.manager_id)
    found = conversation_of(session, cycle, rep.id)
    if found is not None and found.state is not TalkState.PROPOSED:
        raise Conflict("reviews.talk.already_confirmed", at=found.starts_at)
    if found is not None and found.starts_at == at:
        return found, False
    check_slot(manager, session.get_one(Workspace, cycle.team_id), at, now)
    before = "" if found is None else found.starts_at.isoformat()
    found = found or ReviewConversation(team_id=cycle.team_id, cycle_id=cycle.id, rep_id=rep.id)
    found.manager_id, found.state, found.starts_at = manager.id, TalkState.PROPOSED, at
    session.add(found)
    record_change(
        session,
        cycle,
        by=rep.id,
        what="talk.proposed",
        before=before,
        after=at.isoformat(),
        now=now,
        rep_id=rep.id,
    )
    session.flush()
    return found, True


def confirm(
    session: Session, cycle: ReviewCycle, talk: ReviewConversation, by: Member, at: datetime, *, now: datetime
) -> bool:
    """The manager confirms the proposed slot `at`; False when it was confirmed already (a double tap).
    A slot the rep has changed since is `Stale`."""
    _check_published(cycle)
    if by.id != talk.manager_id:
        raise NotAllowed("reviews.talk.only_manager")
    if talk.starts_at != at:
        raise Stale()
    if talk.state is not TalkState.PROPOSED:
        return False
    talk.state = TalkState.CONFIRMED
    record_change(
        session,
        cycle,
        by=by.id,
        what="talk.confirmed",
        before="",
        after=at.isoformat(),
        now=now,
        rep_id=talk.rep_id,
    )
    session.flush()
    return True


def mark_held(
    session: Session, cycle: ReviewCycle, talk: ReviewConversation, by: Member, *, now: datetime
) -> bool:
    """The rep or their manager marks the confirmed conversation held, once it has started; False when it
    was marked already (by either)."""
    if by.id not in (talk.rep_id, talk.manager_id):
        raise NotAllowed("reviews.talk.only_the_two")
    if talk.state is TalkState.HELD:
        return False
    if talk.state is not TalkState.CONFIRMED:
        raise Conflict("reviews.talk.not_confirmed")
    if now < talk.starts_at:
        raise Conflict("reviews.talk.not_yet", at=talk.starts_at)
    talk.state, talk.held_at, talk.held_by_id = TalkState.HELD, now, by.id
    record_change(
        session,
        cycle,
        by=by.id,
        what="talk.held",
        before="",
        after=now.isoformat(),
        now=now,
        rep_id=talk.rep_id,
    )
    session.flush()
    return True
