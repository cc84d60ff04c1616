"""Assignments: `/pacer train <target> <course> due <date> [optional] [recertify <N> days]` read into a
`TrainRequest`, its target expanded to reps (a rep, a manager's team, a vendor's reps, everyone; a manager
only ever reaches their own reps), and one assignment per rep of the course in the rep's language (the
same course again, in any language, moves its due date). The workspace's training settings. No Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.errors import Invalid, NotAllowed, NotFound
from bot.goals.dates import add_years, read_date
from bot.goals.numbers import read_whole
from bot.roster.models import Member, Role
from bot.roster.policy import Caller, can_manage, on_a_team
from bot.roster.service import find_member, locale_of, vendor_named
from bot.training.courses import course_named, in_language
from bot.training.models import (
    DEFAULT_DAYS,
    DEFAULT_ESCALATE_AFTER,
    DEFAULT_TIME,
    Assignment,
    Course,
    TrainingSettings,
)
from bot.workspaces.models import Workspace

RECERTIFY_MAX = 3650  # days
MENTION_PREFIXES = ("<@U", "<@W")


class TargetKind(StrEnum):
    REP = "rep"
    TEAM = "team"
    VENDOR = "vendor"
    EVERYONE = "everyone"


@dataclass(frozen=True)
class TrainRequest:
    kind: TargetKind
    name: str  # the rep's user id, the team's manager (a user id or a name), the vendor; "" for everyone
    course: str
    due: date
    required: bool = True
    recertify_days: int | None = None


@dataclass(frozen=True)
class Assigned:
    """What `/pacer train` did: the course, how many reps got it new, how many had their due date moved."""

    course_title: str
    new: int
    moved: int
    due: date


def parse_train(args: list[str], user_of: dict[str, str], *, today: date) -> TrainRequest:
    """The words after `/pacer train`; `user_of` maps each mention token to its user id. Every wrong
    part is one clear refusal: the usage, a date that does not read, a past date or one too far ahead."""
    words = list(args)
    lowered = [w.lower() for w in words]
    if "due" not in lowered or len(words) < 3:
        raise Invalid("training.train.usage")
    at = lowered.index("due")
    kind, name, course_words = _target(words[:at], user_of)
    rest = lowered[at + 1 :]
    if not course_words or not rest:
        raise Invalid("training.train.usage")
    due = read_due(rest[0], today=today)
    required, recertify = _options(rest[1:])
    return TrainRequest(kind, name, " ".join(course_words), due, required, recertify)


def read_due(text: str, *, today: date) -> date:
    """A due date, from the caller's today to two years on (`/pacer train`'s and the modal's one rule)."""
    due = read_date(text)
    if due is None:
        raise Invalid("training.errors.bad_date", value=text[:20])
    if due < today:
        raise Invalid("training.errors.past_due", due=due.isoformat())
    if due > add_years(today, 2):
        raise Invalid("training.errors.far_due", due=due.isoformat())
    return due


def read_recertify(text: str) -> int:
    """Days between recertifications, 1 to `RECERTIFY_MAX` (the command's and the modal's one rule)."""
    recertify = read_whole(text, range(1, RECERTIFY_MAX + 1))
    if recertify is None:
        raise Invalid("training.errors.bad_recertify", max=RECERTIFY_MAX)
    return recertify


def _target(words: list[str], user_of: dict[str, str]) -> tuple[TargetKind, str, list[str]]:
    if not words:
        raise Invalid("training.train.usage")
    first = words[0].lower()
    if words[0] in user_of or words[0].startswith(MENTION_PREFIXES):
        if words[0] not in user_of:
            raise Invalid("training.train.usage")
        return TargetKind.REP, user_of[words[0]], words[1:]
    if first == "everyone":
        return TargetKind.EVERYONE, "", words[1:]
    if first in {"team", "vendor"} and len(words) >= 3:
        name = user_of.get(words[1], words[1])
        return TargetKind(first), name, words[2:]
    raise Invalid("training.train.usage")


def _options(words: list[str]) -> tuple[bool, int | None]:
    required, recertify = True, None
    while words:
        if words[0] == "optional":
            required, words = False, words[1:]
        elif words[0] == "recertify" and len(words) >= 2:
            recertify = read_recertify(words[1])
            words = words[3:] if len(words) >= 3 and words[2] in {"days", "day"} else words[2:]
        else:
            raise Invalid("training.train.usage")
    return required, recertify


def reps_for(session: Session, caller: Caller, kind: TargetKind, name: str) -> list[Member]:
    """The reps a target names that the caller may train: an admin any rep on a team, a manager theirs."""
    team_id = caller.team_id
    if kind is TargetKind.REP:
        rep = find_member(session, team_id=team_id, user_id=name)
        if rep is None or not on_a_team(rep) or not rep.active:
            raise NotFound("training.errors.unknown_rep", user=name)
        if not can_manage(caller, rep):
            raise NotAllowed("training.errors.not_your_rep", user=name)
        return [rep]
    query = select(Member).where(Member.team_id == team_id, Member.active.is_(True), Member.on_team.is_(True))
    query = query.where(Member.role == Role.REP)
    if kind is TargetKind.TEAM:
        manager = _manager_named(session, team_id, name)
        if not caller.is_admin() and manager.id != caller.member.id:
            raise NotAllowed("training.errors.not_your_team")
        query = query.where(Member.manager_id == manager.id)
    elif kind is TargetKind.VENDOR:
        query = query.where(Member.vendor_id == vendor_named(session, team_id=team_id, name=name).id)
    reps = [rep for rep in session.scalars(query.order_by(Member.id)) if can_manage(caller, rep)]
    if not reps:
        raise Invalid("training.errors.nobody")
    return reps


def _manager_named(session: Session, team_id: str, name: str) -> Member:
    """A manager by user id (a mention) or by display name, case-insensitive."""
    managers = session.scalars(select(Member).where(Member.team_id == team_id, Member.role == Role.MANAGER))
    wanted = name.casefold().lstrip("@")
    for manager in managers:
        if wanted in {manager.user_id.casefold(), manager.display_name.casefold()}:
            return manager
    raise NotFound("training.errors.unknown_team", name=name)


def assign(session: Session, caller: Caller, request: TrainRequest, *, now: datetime) -> Assigned:
    """One assignment per rep, of the course in the language Pacer speaks to the rep (`locale_of`); a rep
    who has the course already (in any language) gets the new terms on that assignment."""
    named = course_named(session, caller.team_id, request.course)
    reps = reps_for(session, caller, request.kind, request.name)
    workspace = session.get_one(Workspace, caller.team_id)
    new = moved = 0
    for rep in reps:
        found = assignment_of(session, rep, named.slug)
        if found is None:
            course = in_language(session, caller.team_id, named.slug, locale_of(rep, workspace)) or named
            found = Assignment(team_id=caller.team_id, course_id=course.id, rep_id=rep.id, round=0)
            session.add(found)
            new += 1
        else:
            moved += 1
        found.due, found.required, found.recertify_days = (
            request.due,
            request.required,
            request.recertify_days,
        )
        found.assigned_by_id, found.assigned_at, found.escalation_id = caller.member.id, now, None
    session.flush()
    return Assigned(named.title, new, moved, request.due)


def assignment_of(session: Session, rep: Member, slug: str) -> Assignment | None:
    """The rep's assignment of the course `slug`, in whichever language it is."""
    return session.scalar(
        select(Assignment)
        .join(Course, Course.id == Assignment.course_id)
        .where(Assignment.team_id == rep.team_id, Assignment.rep_id == rep.id, Course.slug == slug)
        .order_by(Assignment.id)
        .limit(1)
    )


def course_for(session: Session, rep: Member, slug: str, workspace: Workspace) -> Course | None:
    """The course `slug` as `rep` takes it: in the language of their assignment of it, else in the language
    Pacer speaks to them (`locale_of`: their choice, their Slack's, the workspace's), else in English, else
    in any."""
    assigned = assignment_of(session, rep, slug)
    if assigned is not None:
        return session.get_one(Course, assigned.course_id)
    return in_language(session, rep.team_id, slug, locale_of(rep, workspace))


def today_of(session: Session, caller: Caller, now: datetime) -> date:
    """The caller's own calendar day (a due date is compared with it)."""
    workspace = session.get_one(Workspace, caller.team_id)
    return calendar.zone_today(caller.member.timezone, workspace, now)


@dataclass(frozen=True)
class Settings:
    weekdays: frozenset[int]
    lesson_time: time
    escalate_after_days: int


DEFAULTS = Settings(frozenset(int(d) for d in DEFAULT_DAYS.split(",")), DEFAULT_TIME, DEFAULT_ESCALATE_AFTER)


def settings_of(session: Session, team_id: str) -> Settings:
    row = session.get(TrainingSettings, team_id)
    if row is None:
        return DEFAULTS
    days = frozenset(d for d in (read_whole(d, range(7)) for d in row.days.split(",")) if d is not None)
    return Settings(days or DEFAULTS.weekdays, row.lesson_time, row.escalate_after_days)


SEAT_DAYS = 30  # a course granted as a development action or a reward is due this many days later


def grant(
    session: Session, team_id: str, rep: Member, course_id: int, *, by_id: int | None, now: datetime
) -> bool:
    """Assign the course `course_id` names (in the rep's language) to `rep` once, due `SEAT_DAYS` after the
    rep's today: for what another feature grants (a review's development action, a reward). True when it
    is new; a rep who already has the course keeps their assignment as it is. An unknown course: False."""
    named = session.get(Course, course_id)
    if named is None or named.team_id != team_id or rep.team_id != team_id:
        return False
    if assignment_of(session, rep, named.slug) is not None:
        return False
    workspace = session.get_one(Workspace, team_id)
    course = in_language(session, team_id, named.slug, locale_of(rep, workspace)) or named
    due = calendar.days_after(calendar.zone_today(rep.timezone, workspace, now), SEAT_DAYS)
    session.add(
        Assignment(
            team_id=team_id,
            course_id=course.id,
            rep_id=rep.id,
            round=0,
            due=due,
            assigned_by_id=by_id,
            assigned_at=now,
        )
    )
    session.flush()
    return True


def course_choices(session: Session, team_id: str, language: str) -> list[tuple[int, str]]:
    """The workspace's courses, one per slug (in `language` when there is one), by title: (id, title)."""
    rows = session.execute(
        select(Course.id, Course.slug, Course.language, Course.title).where(Course.team_id == team_id)
    ).all()
    best: dict[str, tuple[int, str]] = {}
    for row in sorted(rows, key=lambda r: (r.slug, r.language != language, r.id)):
        best.setdefault(row.slug, (row.id, row.title))
    return sorted(best.values(), key=lambda c: c[1].casefold())


def course_title(session: Session, team_id: str, course_id: int) -> str | None:
    course = session.get(Course, course_id)
    return course.title if course is not None and course.team_id == team_id else None
