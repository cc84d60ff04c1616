"""Check-in rules: who is due a nudge or a reminder now, and saving a rep's weekly answers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.checkins.models import CheckIn, Confidence
from bot.db.engine import upsert_statement
from bot.delivery.models import Delivery
from bot.errors import NotAllowed
from bot.events import CheckInRecorded, raise_after_commit
from bot.goals.models import Goal, GoalStatus, WeeklyTarget
from bot.roster.models import Member, Role
from bot.workspaces.models import Workspace

LAST_DAY_SHOWN = timedelta(days=13)  # a nudge shows the week reported on and the week after
Nudged = Callable[[str, date], bool]  # was this rep (user id) nudged for this week: the outbox knows


@dataclass(frozen=True)
class GoalWeek:
    """One goal's figures for a nudge or the check-in modal."""

    goal: Goal
    week_target: Decimal  # the target of the week being reported on
    next_target: Decimal  # the target of the week after it
    result: Decimal | None  # already checked in for the week, if so
    confidence: Confidence | None


@dataclass(frozen=True)
class Due:
    member: Member
    workspace: Workspace
    week_start: date  # the week being reported on
    goals: list[GoalWeek]


def _reps_with_goals(session: Session, weeks: tuple[date, date]) -> dict[int, list[Goal]]:
    """Active goals that overlap the window, by rep id."""
    first, last = weeks
    goals = session.scalars(
        select(Goal).where(
            Goal.status == GoalStatus.ACTIVE,
            Goal.start_date <= calendar.week_end(last),
            Goal.end_date >= first,
        )
    ).all()
    by_rep: dict[int, list[Goal]] = defaultdict(list)
    for goal in goals:
        by_rep[goal.rep_id].append(goal)
    return by_rep


def goal_weeks(session: Session, goals: Sequence[Goal], week_start: date) -> list[GoalWeek]:
    """Targets for `week_start` and the week after, and any check-in already given, for each goal."""
    return goal_weeks_of(session, [(goals, week_start)])[0]


def goal_weeks_of(session: Session, wanted: Sequence[tuple[Sequence[Goal], date]]) -> list[list[GoalWeek]]:
    """`goal_weeks` for many (goals, week) pairs at once: two queries, whatever the number of reps."""
    ids = {goal.id for goals, _ in wanted for goal in goals}
    weeks = {week for _, week in wanted} | {week + calendar.WEEK for _, week in wanted}
    targets = {
        (t.goal_id, t.week_start): t.target
        for t in session.scalars(
            select(WeeklyTarget).where(WeeklyTarget.goal_id.in_(ids), WeeklyTarget.week_start.in_(weeks))
        )
    }
    answers = {
        (c.goal_id, c.week_start): c
        for c in session.scalars(
            select(CheckIn).where(CheckIn.goal_id.in_(ids), CheckIn.week_start.in_({w for _, w in wanted}))
        )
    }
    zero = Decimal(0)

    def one(goal: Goal, week: date) -> GoalWeek:
        answer = answers.get((goal.id, week))
        return GoalWeek(
            goal=goal,
            week_target=targets.get((goal.id, week), zero),
            next_target=targets.get((goal.id, week + calendar.WEEK), zero),
            result=answer.result if answer else None,
            confidence=answer.confidence if answer else None,
        )

    return [[one(goal, week) for goal in sorted(goals, key=lambda g: g.id)] for goals, week in wanted]


def due_nudges(session: Session, *, now: datetime, nudged: Nudged) -> list[Due]:
    """Reps whose nudge time has come in their own zone (within a day's catch-up), with an active goal,
    not away, not on a public holiday, and not `nudged` for that week yet (`checkins.messages.nudged`)."""
    workspaces = {w.team_id: w for w in session.scalars(select(Workspace))}
    this_monday = (now - timedelta(days=8)).date()
    reps_goals = _reps_with_goals(session, (this_monday - calendar.WEEK, now.date() + calendar.WEEK))
    if not reps_goals:
        return []
    reps = session.scalars(
        select(Member).where(
            Member.id.in_(reps_goals),
            Member.active.is_(True),
            Member.on_team.is_(True),
            Member.role == Role.REP,
        )
    ).all()
    found: list[tuple[Member, Workspace, date, list[Goal]]] = []
    for rep in reps:
        workspace = workspaces[rep.team_id]
        slot = calendar.nudge_slot(workspace, calendar.member_zone(rep, workspace), now)
        if not slot <= now < slot + calendar.CATCH_UP or calendar.is_day_off(rep, workspace, slot.date()):
            continue
        week = calendar.nudged_week(workspace, slot)
        if nudged(rep.user_id, week):
            continue
        goals = [
            g for g in reps_goals[rep.id] if g.start_date <= week + LAST_DAY_SHOWN and g.end_date >= week
        ]
        if goals:
            found.append((rep, workspace, week, goals))
    weeks = goal_weeks_of(session, [(goals, week) for _, _, week, goals in found])
    return [Due(rep, workspace, week, w) for (rep, workspace, week, _), w in zip(found, weeks, strict=True)]


def due_reminders(
    session: Session, *, now: datetime, nudges: Iterable[tuple[Delivery, Member, Workspace]]
) -> list[Due]:
    """Of the `nudges` sent (`checkins.messages.sent_nudges`), the reps nudged a while ago (see
    `calendar.reminder_time`) who have not checked in for that week."""
    due: list[Due] = []
    for nudge, rep, workspace in nudges:
        week = date.fromisoformat(nudge.period)
        if now < calendar.reminder_time(workspace, nudge.created_at, week):
            continue
        zone = calendar.member_zone(rep, workspace)
        if not calendar.week_is_open(workspace, zone, week, now) or calendar.is_day_off(
            rep, workspace, calendar.local_date(now, zone)
        ):
            continue
        goals = active_goals(session, rep=rep, week_start=week)
        weeks = goal_weeks(session, goals, week)
        if weeks and all(w.result is None for w in weeks):
            due.append(Due(rep, workspace, week, weeks))
    return due


def active_goals(session: Session, *, rep: Member, week_start: date) -> list[Goal]:
    return list(
        session.scalars(
            select(Goal)
            .where(
                Goal.team_id == rep.team_id,
                Goal.rep_id == rep.id,
                Goal.status == GoalStatus.ACTIVE,
                Goal.start_date <= calendar.week_end(week_start),
                Goal.end_date >= week_start,
            )
            .order_by(Goal.id)
        )
    )


def checkins_of(session: Session, *, rep_id: int, week_start: date) -> Sequence[CheckIn]:
    return session.scalars(
        select(CheckIn).where(CheckIn.rep_id == rep_id, CheckIn.week_start == week_start)
    ).all()


NOTE_MAX = 2000  # highlights and blockers, as the modal's inputs accept them


@dataclass(frozen=True)
class Answer:
    goal_id: int
    result: Decimal
    confidence: Confidence
    highlights: str
    blockers: str
    needs_help: bool


def save_checkin(
    session: Session, *, rep: Member, week_start: date, answers: Sequence[Answer], now: datetime
) -> bool:
    """Store the rep's answers for the week (again: they replace the earlier ones, never duplicate).
    Only the rep's own active goals for that week are accepted. Returns whether this was the first."""
    allowed = {goal.id for goal in active_goals(session, rep=rep, week_start=week_start)}
    if not answers or any(answer.goal_id not in allowed for answer in answers):
        raise NotAllowed("checkin.not_your_goal")
    existing = session.scalar(
        select(CheckIn.id).where(CheckIn.rep_id == rep.id, CheckIn.week_start == week_start).limit(1)
    )
    rows = [
        {
            "team_id": rep.team_id,
            "goal_id": a.goal_id,
            "rep_id": rep.id,
            "week_start": week_start,
            "result": a.result,
            "confidence": a.confidence,
            "highlights": a.highlights,
            "blockers": a.blockers,
            "needs_help": a.needs_help,
            "created_at": now,
            "updated_at": now,
        }
        for a in answers
    ]
    statement = upsert_statement(session, CheckIn)
    changes = {
        name: statement.excluded[name]
        for name in ("result", "confidence", "highlights", "blockers", "needs_help", "updated_at")
    }
    session.execute(
        statement.on_conflict_do_update(index_elements=["goal_id", "week_start"], set_=changes), rows
    )
    goal_ids = tuple(a.goal_id for a in answers)
    event = CheckInRecorded(rep.team_id, rep.id, week_start, goal_ids, first=existing is None)
    raise_after_commit(session, event)
    return existing is None
