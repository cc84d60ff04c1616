"""Feedback rules: when each person's monthly prompt is due, validating and saving both kinds of
feedback, who may see which, and the month's voice-of-the-field summary. No Slack imports."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Select, func, select, update
from sqlalchemy.orm import Session

from bot import calendar
from bot.checkins.models import CheckIn
from bot.db.scoped import get_in_workspace
from bot.errors import FieldErrors, NotAllowed
from bot.events import FeedbackGiven, FeedbackKind, raise_after_commit
from bot.feedback.anonymity import month_start, shown_anonymous
from bot.feedback.development import COURSE_FIELD, read_course
from bot.feedback.models import FieldFeedback, ManagerFeedback
from bot.feedback.themes import theme_counts
from bot.goals.models import Goal, WeeklyTarget
from bot.goals.numbers import read_whole, stored
from bot.roster.models import Member, Role
from bot.roster.policy import can_see_feedback, can_see_shared, check_manages, on_a_team
from bot.roster.service import Caller, team_size_at

RATINGS = range(1, 6)  # the rating column's check
TEXT_MAX = 3000  # Slack's limit for a text block, and what the modal's inputs accept
COMPETITOR_MAX = 80
ANONYMITY_MIN_TEAM = 3  # an anonymous item keeps its team only if the team had this many reps on the 1st


def author_key(secret: bytes, *, team_id: str, user_id: str, month: date) -> str:
    """A keyed hash that tells whether a rep already gave this month's feedback, and nothing else."""
    message = f"{team_id}:{user_id}:{month.isoformat()}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


# --- who is who --------------------------------------------------------------------------------------


def team_reps(session: Session, *, team_id: str, manager_id: int | None = None) -> list[Member]:
    query = select(Member).where(
        Member.team_id == team_id,
        Member.on_team.is_(True),
        Member.active.is_(True),
        Member.role == Role.REP,
    )
    if manager_id is not None:
        query = query.where(Member.manager_id == manager_id)
    return list(session.scalars(query.order_by(Member.display_name, Member.id)))


def check_can_give(caller: Caller, rep: Member) -> None:
    """A manager gives feedback to their own reps; an admin to any rep on a team."""
    check_manages(caller, rep, refusals="feedback")


# --- manager → rep -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ManagerForm:
    strengths: str | None
    improve: str | None
    next_step: str | None
    rating: str | None
    course: str | None = None  # a training course as the development action (`development.COURSE_FIELD`)


@dataclass(frozen=True)
class ManagerAnswers:
    texts: tuple[str, str, str, int | None]  # strengths, improve, next step, rating
    course_id: int | None = None


def clean_text(value: str | None, name: str, errors: dict[str, str], *, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        errors[name] = "feedback.error.required"
    elif len(text) > TEXT_MAX:
        errors[name] = "error.too_long"
    return text


def validate_manager(form: ManagerForm) -> tuple[str, str, str, int | None] | FieldErrors:
    errors: dict[str, str] = {}
    strengths = clean_text(form.strengths, "strengths", errors, required=True)
    improve = clean_text(form.improve, "improve", errors, required=True)
    next_step = clean_text(form.next_step, "next_step", errors, required=True)
    rating = None
    if form.rating:
        rating = read_whole(form.rating, RATINGS)
        if rating is None:
            errors["rating"] = "feedback.error.rating"
    return FieldErrors(errors) if errors else (strengths, improve, next_step, rating)


def check_give(form: ManagerForm) -> ManagerAnswers | FieldErrors:
    """The modal's answers: `validate_manager`'s, and the course picked, if any."""
    texts = validate_manager(form)
    course = read_course(form.course)
    errors = FieldErrors(texts if isinstance(texts, FieldErrors) else {})
    if isinstance(course, str):
        errors[COURSE_FIELD] = course
    if errors or isinstance(texts, FieldErrors) or isinstance(course, str):
        return errors
    return ManagerAnswers(texts, course)


def give(
    session: Session,
    *,
    caller: Caller,
    rep: Member,
    answers: tuple[str, str, str, int | None],
    month: date,
    course_id: int | None = None,
) -> ManagerFeedback:
    check_can_give(caller, rep)
    strengths, improve, next_step, rating = answers
    item = ManagerFeedback(
        team_id=rep.team_id,
        rep_id=rep.id,
        manager_id=caller.member.id,
        month=month,
        strengths=strengths,
        improve=improve,
        next_step=next_step,
        rating=rating,
        course_id=course_id,
    )
    session.add(item)
    session.flush()
    raise_after_commit(session, FeedbackGiven(rep.team_id, item.id, FeedbackKind.MANAGER, rep.id))
    return item


def own_feedback(session: Session, caller: Caller, feedback_id: int) -> ManagerFeedback:
    """Feedback addressed to the caller (to acknowledge or reply to)."""
    not_yours = NotAllowed("feedback.not_yours")
    item = get_in_workspace(session, ManagerFeedback, feedback_id, team_id=caller.team_id, missing=not_yours)
    if item.rep_id != caller.member.id:
        raise not_yours
    return item


def acknowledge(session: Session, item: ManagerFeedback, *, now: datetime) -> bool:
    """Record the acknowledgement once, even for two clicks at the same moment (a conditional UPDATE);
    False when it had already been acknowledged."""
    moved = session.execute(
        update(ManagerFeedback)
        .where(ManagerFeedback.id == item.id, ManagerFeedback.acknowledged_at.is_(None))
        .values(acknowledged_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount  # type: ignore[attr-defined]
    if moved:
        session.refresh(item)
    return bool(moved)


@dataclass(frozen=True)
class Figure:
    title: str
    unit: str
    result: Decimal
    target: Decimal


def month_figures(session: Session, *, rep_id: int, month: date) -> list[Figure]:
    """Per goal: the rep's check-in results and weekly targets of `month`'s weeks (`calendar.month_weeks`):
    both over the same weeks, every one of them over by the feedback day."""
    month, end = calendar.month_weeks(month)
    targets = dict(
        session.execute(
            select(WeeklyTarget.goal_id, func.sum(WeeklyTarget.target))
            .join(Goal, Goal.id == WeeklyTarget.goal_id)
            .where(Goal.rep_id == rep_id, WeeklyTarget.week_start >= month, WeeklyTarget.week_start < end)
            .group_by(WeeklyTarget.goal_id)
        ).all()
    )
    results = dict(
        session.execute(
            select(CheckIn.goal_id, func.sum(CheckIn.result))
            .where(CheckIn.rep_id == rep_id, CheckIn.week_start >= month, CheckIn.week_start < end)
            .group_by(CheckIn.goal_id)
        ).all()
    )
    goals = session.scalars(select(Goal).where(Goal.id.in_(set(targets) | set(results))).order_by(Goal.id))
    return [Figure(g.title, g.unit, stored(results.get(g.id)), stored(targets.get(g.id))) for g in goals]


# --- rep → company -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldForm:
    market: str | None
    competitor: str | None
    competitor_moves: str | None
    customers: str | None
    problems: str | None
    suggestions: str | None
    identity: str | None  # "named" or "anonymous"


CONTENT = ("market", "competitor_moves", "customers", "problems", "suggestions")


def validate_field(form: FieldForm) -> dict[str, str | bool] | FieldErrors:
    """The answers ({field: value}, "anonymous" a bool), or {field: i18n key} for each wrong field."""
    errors: dict[str, str] = {}
    values: dict[str, str | bool] = {
        name: clean_text(getattr(form, name), name, errors, required=False) for name in CONTENT
    }
    competitor = " ".join((form.competitor or "").split())
    if len(competitor) > COMPETITOR_MAX:
        errors["competitor"] = "feedback.error.competitor_long"
    elif values["competitor_moves"] and not competitor:
        errors["competitor"] = "feedback.error.competitor_name"
    values["competitor"] = competitor
    if not any(values[name] for name in CONTENT) and "market" not in errors:
        errors["market"] = "feedback.error.empty"
    if form.identity not in {"named", "anonymous"}:
        errors["identity"] = "feedback.error.identity"
    values["anonymous"] = form.identity == "anonymous"
    return FieldErrors(errors) if errors else values


def named_feedback_given(session: Session, *, rep: Member, month: date) -> bool:
    return (
        session.scalar(
            select(FieldFeedback.id).where(
                FieldFeedback.team_id == rep.team_id,
                FieldFeedback.author_id == rep.id,
                FieldFeedback.month == month,
            )
        )
        is not None
    )


def find_own(session: Session, *, team_id: str, key: str) -> FieldFeedback | None:
    return session.scalar(
        select(FieldFeedback).where(FieldFeedback.team_id == team_id, FieldFeedback.author_key == key)
    )


def share(
    session: Session, *, rep: Member, key: str, month: date, values: dict[str, str | bool]
) -> FieldFeedback:
    """Save the rep's feedback for the month; a second submit edits the first. Only reps on a team
    speak for the field (not vendor contacts or guests Pacer happens to know)."""
    if not on_a_team(rep):
        raise NotAllowed("feedback.only_reps")
    item = find_own(session, team_id=rep.team_id, key=key)
    if item is None:
        item = FieldFeedback(team_id=rep.team_id, month=month, author_key=key)
        session.add(item)
    anonymous = bool(values["anonymous"])
    # The team as it was when the month began: reps added since (padding) do not count.
    team_size = (
        team_size_at(session, team_id=rep.team_id, manager_id=rep.manager_id, at=month_start(month))
        if rep.manager_id
        else 0
    )
    item.anonymous = anonymous
    item.author_id = None if anonymous else rep.id
    item.manager_id = rep.manager_id if not anonymous or team_size >= ANONYMITY_MIN_TEAM else None
    for name in (*CONTENT, "competitor"):
        setattr(item, name, str(values[name]))
    session.flush()
    raise_after_commit(session, FeedbackGiven(rep.team_id, item.id, FeedbackKind.FIELD, item.author_id))
    return item


# --- who sees what -----------------------------------------------------------------------------------


@dataclass
class Visible:
    given: list[tuple[ManagerFeedback, Member]] = field(default_factory=list)  # with the rep
    shared: list[tuple[FieldFeedback, Member | None]] = field(default_factory=list)  # author, or None
    # Managers and admins never see an anonymous item on its own: only how many mention each theme, and
    # only from months where the group had at least three anonymous items (see `anonymity`).
    anonymous_themes: dict[str, int] = field(default_factory=dict)


def visible(
    session: Session,
    *,
    caller: Caller,
    keys: list[str],
    since: date | None = None,
    before: date | None = None,
    limit: int = 20,
) -> Visible:
    """A rep: feedback addressed to them and their own (found by their keys). A manager: their team's.
    An admin: everything. Anonymous items never come with an author, and count (by theme) only under
    the anonymity rules: the manager's team, or the workspace for an admin, from `since` on, for the
    months before `before` (closed months: figures that still change would show each new item's themes
    to whoever looks before and after it arrives)."""
    given, shared = _visible_queries(caller, keys, limit)
    out = Visible()
    if caller.role is not Role.REP:
        out.anonymous_themes = anonymous_themes(session, caller=caller, since=since, before=before)
    # The rules are asked again of what the queries selected, so the two never drift apart.
    out.given = [(item, rep) for item, rep in session.execute(given) if can_see_feedback(caller, item, rep)]
    authors = {
        m.id: m
        for m in session.scalars(
            select(Member).where(
                Member.id.in_(select(FieldFeedback.author_id).where(FieldFeedback.team_id == caller.team_id))
            )
        )
    }
    for item in session.scalars(shared):
        if can_see_shared(caller, item, own=item.author_key in keys):
            out.shared.append((item, None if item.anonymous else authors.get(item.author_id or 0)))
    return out


def _visible_queries(
    caller: Caller, keys: list[str], limit: int
) -> tuple[Select[ManagerFeedback, Member], Select[FieldFeedback]]:
    """The feedback given and the feedback shared that the caller's role lets them list."""
    given = (
        select(ManagerFeedback, Member)
        .join(Member, Member.id == ManagerFeedback.rep_id)
        .where(ManagerFeedback.team_id == caller.team_id)
        .order_by(ManagerFeedback.id.desc())
        .limit(limit)
    )
    shared = (
        select(FieldFeedback)
        .where(FieldFeedback.team_id == caller.team_id)
        .order_by(FieldFeedback.month.desc(), FieldFeedback.id.desc())
        .limit(limit)
    )
    if caller.role is Role.REP:
        return given.where(ManagerFeedback.rep_id == caller.member.id), shared.where(
            FieldFeedback.author_key.in_(keys)
        )
    shared = shared.where(FieldFeedback.anonymous.is_(False))
    if caller.role is Role.MANAGER:
        given = given.where(Member.manager_id == caller.member.id)
        shared = shared.where(FieldFeedback.manager_id == caller.member.id)
    return given, shared


def anonymous_themes(
    session: Session, *, caller: Caller, since: date | None, before: date | None = None
) -> dict[str, int]:
    """Counts by theme of the anonymous items a manager (their team's) or an admin (the workspace's) may
    see: month by month, only where the group had at least three anonymous items, and only for months
    before `before` (closed, so the figures no longer move)."""
    query = select(FieldFeedback).where(
        FieldFeedback.team_id == caller.team_id, FieldFeedback.anonymous.is_(True)
    )
    if since is not None:
        query = query.where(FieldFeedback.month >= since)
    if before is not None:
        query = query.where(FieldFeedback.month < before)
    shown = shown_anonymous(
        session.scalars(query), group_of=lambda item: item.manager_id, month_of=lambda item: item.month
    )
    items = shown.workspace if caller.is_admin() else shown.by_group.get(caller.member.id, [])
    return dict(theme_counts(items))


def missing_for_manager(session: Session, *, manager: Member, month: date) -> list[Member]:
    """The manager's reps who have not had feedback from them this month."""
    given = set(
        session.scalars(
            select(ManagerFeedback.rep_id).where(
                ManagerFeedback.team_id == manager.team_id,
                ManagerFeedback.manager_id == manager.id,
                ManagerFeedback.month == month,
            )
        )
    )
    return [
        r for r in team_reps(session, team_id=manager.team_id, manager_id=manager.id) if r.id not in given
    ]
