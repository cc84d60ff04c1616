"""The assignment modal's answers (`/pacer train` alone): whom (one rep, a manager's team, a vendor's reps,
everyone), which course, the due date, whether it is required, and recertify every N days. Each is checked
by the rules `/pacer train`'s words are (`service.read_due`, `service.read_recertify`, `service.reps_for`),
each refusal under its own field, and the answers become the command's `TrainRequest`, which
`service.assign` carries out for both. No Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from sqlalchemy.orm import Session

from bot.errors import FieldErrors, Invalid, PacerError
from bot.goals.numbers import read_whole
from bot.roster.policy import Caller
from bot.training import service
from bot.training.models import Course
from bot.training.service import TargetKind, TrainRequest

COURSE_IDS = range(1, 2**31)
TICKED = "required"  # the value of the "required" checkbox's one option


class Field(StrEnum):
    """The modal's input blocks; each is also the `TrainForm` field it fills."""

    KIND = "kind"
    REP = "rep"
    TEAM = "team"
    VENDOR = "vendor"
    COURSE = "course"
    DUE = "due"
    REQUIRED = "required"
    RECERTIFY = "recertify"


# Where a target that is not chosen, or is refused, is said: under its own picker ("everyone": under whom).
TARGET_FIELD = {
    TargetKind.REP: Field.REP,
    TargetKind.TEAM: Field.TEAM,
    TargetKind.VENDOR: Field.VENDOR,
    TargetKind.EVERYONE: Field.KIND,
}


@dataclass(frozen=True)
class TrainForm:
    """What the modal submitted, as strings (None: left empty)."""

    kind: str | None = None
    rep: str | None = None  # a Slack user id
    team: str | None = None  # the team's manager, a Slack user id
    vendor: str | None = None  # the vendor's name
    course: str | None = None  # a course id
    due: str | None = None  # YYYY-MM-DD
    required: str | None = None  # TICKED when ticked
    recertify: str | None = None  # days


@dataclass(frozen=True)
class TrainAnswers:
    kind: TargetKind
    name: str  # as `TrainRequest.name`: the rep's or manager's user id, the vendor's name; "" for everyone
    course_id: int
    due: date
    required: bool
    recertify_days: int | None


def check(form: TrainForm, *, today: date) -> TrainAnswers | FieldErrors:
    """The typed answers, or {field: what is wrong} for every wrong field at once (`today`: the caller's)."""
    errors = FieldErrors()
    kind = next((k for k in TargetKind if k.value == form.kind), None)
    picked = {TargetKind.REP: form.rep, TargetKind.TEAM: form.team, TargetKind.VENDOR: form.vendor}
    name = picked.get(kind or TargetKind.EVERYONE, "")
    if kind is None:
        errors[Field.KIND] = "training.form.pick_kind"
    elif kind is not TargetKind.EVERYONE and not name:
        errors[TARGET_FIELD[kind]] = f"training.form.pick_{kind.value}"
    course_id = read_whole(form.course, COURSE_IDS)
    if course_id is None:
        errors[Field.COURSE] = "training.form.pick_course"
    due, recertify = _due(errors, form.due, today), _recertify(errors, form.recertify)
    if errors or kind is None or course_id is None or due is None:
        return errors
    return TrainAnswers(kind, name or "", course_id, due, form.required == TICKED, recertify)


def _due(errors: FieldErrors, text: str | None, today: date) -> date | None:
    if not text:
        errors[Field.DUE] = "training.form.pick_due"
        return None
    try:
        return service.read_due(text, today=today)
    except Invalid as error:
        errors[Field.DUE] = error
        return None


def _recertify(errors: FieldErrors, text: str | None) -> int | None:
    """Days between recertifications; none when left empty."""
    try:
        return service.read_recertify(text) if text else None
    except Invalid as error:
        errors[Field.RECERTIFY] = error
        return None


def request_of(session: Session, caller: Caller, answers: TrainAnswers) -> TrainRequest | FieldErrors:
    """The answers as `/pacer train`'s `TrainRequest`, once its course is one of the workspace's and its
    target one the caller may train (`service.reps_for`, as `service.assign` checks it again): else each
    refusal under its own field."""
    errors = FieldErrors()
    course = session.get(Course, answers.course_id)
    if course is None or course.team_id != caller.team_id:
        errors[Field.COURSE] = "training.form.pick_course"
    try:
        service.reps_for(session, caller, answers.kind, answers.name)
    except PacerError as error:
        errors[TARGET_FIELD[answers.kind]] = error
    if errors or course is None:
        return errors
    return TrainRequest(
        answers.kind, answers.name, course.slug, answers.due, answers.required, answers.recertify_days
    )
