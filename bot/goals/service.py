"""Goal rules: who may set a goal for whom (the form is checked in `form.py`), the weekly breakdown, edits
that keep history, agreement and approval, and progress (pace) for listings. No Slack imports."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, delete, func, select
from sqlalchemy.orm import Session, object_session

from bot import calendar
from bot.checkins.models import CheckIn
from bot.db.scoped import get_in_workspace
from bot.errors import Invalid, NotAllowed, NotFound, Stale
from bot.events import GoalAgreed, raise_after_commit
from bot.goals import breakdown
from bot.goals.breakdown import WeekTarget
from bot.goals.form import STRETCH, GoalInput
from bot.goals.models import Goal, GoalRevision, GoalStatus, WeeklyTarget
from bot.roster.models import Member, Role
from bot.roster.policy import can_change_goal, can_manage, can_see_goals, check_set_goal
from bot.roster.service import Caller

# --- who may do what -----------------------------------------------------------------------------


def check_can_set(caller: Caller, rep: Member) -> None:
    """A rep proposes goals for themself; a manager sets them for their own reps; an admin for anyone's."""
    check_set_goal(caller, rep)


def goal_for_caller(session: Session, caller: Caller, goal_id: int) -> Goal:
    """A goal the caller may act on as its manager (or an admin); a rep only their own proposal."""
    goal = get_in_workspace(
        session, Goal, goal_id, team_id=caller.team_id, missing=NotFound("goal.unknown", id=goal_id)
    )
    rep = session.get_one(Member, goal.rep_id)
    if can_change_goal(caller, rep, proposed=goal.status is GoalStatus.PROPOSED):
        return goal  # the rep's manager now, not the one stored when the goal was made
    raise NotAllowed("goal.not_your_rep", user=rep.user_id)


# --- creating and changing ------------------------------------------------------------------------


def best_comparable(
    session: Session, *, rep_id: int, data: GoalInput, exclude: int | None = None
) -> Decimal | None:
    """The rep's best result over an earlier goal of the same metric, unit and period length."""
    earlier = select(Goal.id).where(
        Goal.rep_id == rep_id,
        Goal.metric == data.metric,
        Goal.unit == data.unit,
        Goal.period_kind == data.period_kind,
        Goal.end_date < data.start_date,
        Goal.status.in_([GoalStatus.ACTIVE, GoalStatus.CLOSED]),
        Goal.id != (exclude or 0),
    )
    totals = (
        select(func.sum(CheckIn.result).label("total"))
        .where(CheckIn.goal_id.in_(earlier))
        .group_by(CheckIn.goal_id)
    )
    best = session.scalar(select(func.max(totals.subquery().c.total)))
    value = Decimal(best) if best is not None else None
    return value if value is not None and value.is_finite() else None  # SQLite keeps what it is given


def is_stretch(best: Decimal | None, target: Decimal) -> bool:
    return best is not None and best > 0 and target > best * STRETCH


def create(session: Session, *, caller: Caller, rep: Member, data: GoalInput) -> Goal:
    check_can_set(caller, rep)
    proposing = caller.member.id == rep.id
    manager_id = rep.manager_id if proposing else (rep.manager_id or caller.member.id)
    if proposing and manager_id is None:
        raise Invalid("goal.no_manager")
    goal = Goal(
        team_id=rep.team_id,
        rep_id=rep.id,
        manager_id=manager_id,
        created_by_id=caller.member.id,
        status=GoalStatus.PROPOSED if proposing else GoalStatus.AWAITING_AGREEMENT,
    )
    _apply(goal, data)
    session.add(goal)
    session.flush()
    _write_weeks(session, goal, _weeks(data))
    return goal


def edit(session: Session, *, caller: Caller, goal: Goal, data: GoalInput, today: date) -> Goal:
    """Change a goal, keeping its history: past weeks keep their targets, the rest is spread again.
    An edit by the manager asks the rep to agree again; an edit of a proposal stays a proposal."""
    if goal.status is GoalStatus.CLOSED:
        raise Invalid("goal.closed", id=goal.id)
    session.add(
        GoalRevision(
            team_id=goal.team_id,
            goal_id=goal.id,
            version=goal.version,
            changed_by_id=caller.member.id,
            target=goal.target,
            start_date=goal.start_date,
            end_date=goal.end_date,
            status=goal.status.value,
        )
    )
    this_week = calendar.iso_week_start(today)
    if goal.status is GoalStatus.ACTIVE and goal.start_date < this_week:
        try:
            weeks = breakdown.rebalance(
                weeks=weeks_of(session, goal),
                new_target=data.target,
                unit=data.unit,
                start=data.start_date,
                end=data.end_date,
                from_week=this_week,
                quarter_weights=data.quarter_weights,
            )
        except ValueError as error:
            raise Invalid(f"goal.error.{error}") from None
    else:
        weeks = _weeks(data)
    _apply(goal, data)
    goal.version += 1
    if caller.member.id != goal.rep_id and goal.status is not GoalStatus.PROPOSED:
        goal.status = GoalStatus.AWAITING_AGREEMENT
    session.execute(delete(WeeklyTarget).where(WeeklyTarget.goal_id == goal.id))
    _write_weeks(session, goal, weeks)
    return goal


def _apply(goal: Goal, data: GoalInput) -> None:
    goal.title, goal.description, goal.why = data.title, data.description, data.why
    goal.metric, goal.metric_label, goal.unit, goal.target = (
        data.metric,
        data.metric_label,
        data.unit,
        data.target,
    )
    goal.period_kind, goal.start_date, goal.end_date = data.period_kind, data.start_date, data.end_date
    goal.quarter_weights = ",".join(map(str, data.quarter_weights)) if data.quarter_weights else None


def _weeks(data: GoalInput) -> list[WeekTarget]:
    return breakdown.weekly_targets(
        target=data.target,
        unit=data.unit,
        start=data.start_date,
        end=data.end_date,
        quarter_weights=data.quarter_weights,
    )


def _write_weeks(session: Session, goal: Goal, weeks: Sequence[WeekTarget]) -> None:
    session.add_all(
        WeeklyTarget(
            team_id=goal.team_id,
            goal_id=goal.id,
            week_start=w.week_start,
            iso_year=w.iso_year,
            iso_week=w.iso_week,
            target=w.target,
        )
        for w in weeks
    )


def weeks_of(session: Session, goal: Goal) -> list[WeekTarget]:
    rows = session.scalars(
        select(WeeklyTarget).where(WeeklyTarget.goal_id == goal.id).order_by(WeeklyTarget.week_start)
    )
    return [WeekTarget(r.week_start, r.iso_year, r.iso_week, r.target) for r in rows]


def agree(goal: Goal, rep: Member, *, version: int, now: datetime) -> None:
    _check_turn(goal, version, rep.id == goal.rep_id, {GoalStatus.AWAITING_AGREEMENT, GoalStatus.DISCUSSING})
    goal.status, goal.agreed_at = GoalStatus.ACTIVE, now
    _raise_agreed(goal)


def discuss(goal: Goal, rep: Member, *, version: int) -> None:
    _check_turn(goal, version, rep.id == goal.rep_id, {GoalStatus.AWAITING_AGREEMENT})
    goal.status = GoalStatus.DISCUSSING


def approve(goal: Goal, caller: Caller, rep: Member, *, version: int, now: datetime) -> None:
    """The rep's current manager (or an admin) approves a proposal; a manager who has since lost the
    rep may not, whoever the goal named when it was proposed."""
    if caller.role is not Role.REP and rep.id == goal.rep_id and not can_manage(caller, rep):
        raise NotAllowed("goal.not_your_rep", user=rep.user_id)  # e.g. the rep has moved to another team
    _check_turn(goal, version, rep.id == goal.rep_id and can_manage(caller, rep), {GoalStatus.PROPOSED})
    goal.status, goal.agreed_at = GoalStatus.ACTIVE, now  # the rep proposed it: they agree by definition
    _raise_agreed(goal)


def _raise_agreed(goal: Goal) -> None:
    """`GoalAgreed` once the decision commits, in the session the goal was loaded in."""
    session = object_session(goal)
    if session is not None:
        raise_after_commit(session, GoalAgreed(team_id=goal.team_id, goal_id=goal.id, rep_id=goal.rep_id))


def close(goal: Goal, *, now: datetime) -> None:
    if goal.status is GoalStatus.CLOSED:
        raise Invalid("goal.closed", id=goal.id)
    goal.status, goal.closed_at = GoalStatus.CLOSED, now


def _check_turn(goal: Goal, version: int, allowed: bool, statuses: set[GoalStatus]) -> None:
    if not allowed:
        raise NotAllowed("goal.not_yours_to_answer")
    if goal.version != version or goal.status not in statuses:
        raise why_stale(goal, version)


def why_stale(goal: Goal, version: int) -> Stale:
    """What is true now about a goal whose message was answered already or has been overtaken."""
    title = goal.title
    if goal.status is GoalStatus.CLOSED:
        return Stale("goal.already_closed", title=title, at=goal.closed_at or goal.updated_at)
    if goal.status is GoalStatus.ACTIVE:  # whichever version the button was for: it is settled now
        key = "answers.stale.goal_approved" if goal.created_by_id == goal.rep_id else "goal.already_agreed"
        return Stale(key, title=title, at=goal.agreed_at or goal.updated_at)
    if goal.version != version:
        return Stale("answers.stale.goal_changed", title=title, at=goal.updated_at)
    if goal.status is GoalStatus.DISCUSSING:
        return Stale("goal.already_discussing", title=title)
    return Stale("goal.stale")


# --- listing ---------------------------------------------------------------------------------------


PENDING = frozenset({GoalStatus.PROPOSED, GoalStatus.AWAITING_AGREEMENT, GoalStatus.DISCUSSING})
NOTHING_DUE = breakdown.Pace(Decimal(0), Decimal(0), None, None)


@dataclass(frozen=True)
class Progress:
    """An open goal with its pace through a week. A pending goal (not agreed yet) counts nothing: no
    result, no pace, nothing needed per week; list it as pending, never as active."""

    goal: Goal
    rep: Member
    pace: breakdown.Pace
    weekly_needed: Decimal | None
    weeks: tuple[WeekTarget, ...] = ()

    @property
    def pending(self) -> bool:
        return self.goal.status in PENDING

    def target_of(self, week_start: date) -> Decimal | None:
        """The goal's target for the week starting `week_start`, if the goal has that week."""
        return next((w.target for w in self.weeks if w.week_start == week_start), None)


def active(rows: Sequence[Progress]) -> list[Progress]:
    """The agreed goals among `rows`: the ones counted in results, pace and totals."""
    return [row for row in rows if not row.pending]


def pending(rows: Sequence[Progress]) -> list[Progress]:
    return [row for row in rows if row.pending]


def _visible_query(caller: Caller, rep: Member | None) -> Select[Goal, Member]:
    """The caller's open goals with their reps, by rep name: a rep's own; `rep`'s if the caller may see
    them (NotAllowed if not); else their team's, or all for an admin."""
    query = (
        select(Goal, Member)
        .join(Member, Member.id == Goal.rep_id)
        .where(Goal.team_id == caller.team_id, Goal.status != GoalStatus.CLOSED)
        .order_by(Member.display_name, Goal.id)
    )
    if caller.role is Role.REP or (rep is not None and rep.id == caller.member.id):
        query = query.where(Goal.rep_id == caller.member.id)
    elif rep is not None:
        if not can_see_goals(caller, rep):
            raise NotAllowed("goal.not_your_rep", user=rep.user_id)
        query = query.where(Goal.rep_id == rep.id)
    elif not caller.is_admin():
        query = query.where(Member.manager_id == caller.member.id)
    return query


def _weeks_and_results(
    session: Session, ids: list[int]
) -> tuple[dict[int, list[WeekTarget]], dict[int, dict[date, Decimal]]]:
    """For the goals `ids`, in two queries: their weekly targets in order, and their results by week."""
    weeks: dict[int, list[WeekTarget]] = defaultdict(list)
    for w in session.scalars(
        select(WeeklyTarget).where(WeeklyTarget.goal_id.in_(ids)).order_by(WeeklyTarget.week_start)
    ):
        weeks[w.goal_id].append(WeekTarget(w.week_start, w.iso_year, w.iso_week, w.target))
    results: dict[int, dict[date, Decimal]] = defaultdict(dict)
    for c in session.scalars(select(CheckIn).where(CheckIn.goal_id.in_(ids))):
        results[c.goal_id][c.week_start] = c.result
    return weeks, results


def visible_goals(session: Session, *, caller: Caller, rep: Member | None, through: date) -> list[Progress]:
    """Open goals the caller may see (a rep: their own; a manager: their team's; an admin: all), with pace
    through the week starting `through`; pending goals with nothing counted (`Progress.pending`)."""
    rows = session.execute(_visible_query(caller, rep)).all()
    weeks, results = _weeks_and_results(session, [goal.id for goal, _ in rows])
    return [_progress(goal, member, weeks[goal.id], results[goal.id], through) for goal, member in rows]


def _progress(
    goal: Goal, member: Member, weeks: list[WeekTarget], results: dict[date, Decimal], through: date
) -> Progress:
    if goal.status in PENDING:
        return Progress(goal, member, NOTHING_DUE, None, tuple(weeks))
    p = breakdown.pace(goal_target=goal.target, unit=goal.unit, weeks=weeks, results=results, through=through)
    needed = breakdown.weekly_needed(
        goal_target=goal.target, unit=goal.unit, result_to_date=p.result_to_date, weeks=weeks, after=through
    )
    return Progress(goal, member, p, needed, tuple(weeks))


def open_goals_of(
    session: Session, *, team_id: str, rep_ids: Select[int] | Sequence[int]
) -> dict[int, list[Goal]]:
    """The open goals (active or pending) of the reps `rep_ids`, by rep id, oldest first: one statement."""
    by_rep: dict[int, list[Goal]] = defaultdict(list)
    for goal in session.scalars(
        select(Goal)
        .where(Goal.team_id == team_id, Goal.status != GoalStatus.CLOSED, Goal.rep_id.in_(rep_ids))
        .order_by(Goal.start_date, Goal.id)
    ):
        by_rep[goal.rep_id].append(goal)
    return by_rep
