"""The rep's self review, the manager's review and the rep's acknowledgement, with their rules: levels
are whole numbers from 1 to 5 (else a field error), a manager's level that differs from the auto level
needs a reason, and each change of a final level is kept in the history with that reason. No Slack.

Field names (`level_field`, `reason_field`) are the block ids a modal may use as they are."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import Conflict, FieldErrors, NotAllowed, Term
from bot.goals.numbers import read_whole
from bot.reviews.development import (
    NAMERS,
    NONE,
    REF_FIELD,
    DevelopmentAction,
    DevelopmentKind,
    name_of,
    stored,
)
from bot.reviews.models import DIMENSIONS, Dimension, ManagerReview, ReviewCycle, Scorecard, SelfReview, Stage
from bot.reviews.service import check_stage, record_change
from bot.roster.models import Member

SELF_STAGES = (Stage.OPEN, Stage.SELF_REVIEW)
MANAGER_STAGES = (Stage.MANAGER_REVIEW, Stage.CALIBRATION)
Levels = dict[Dimension, int | None]
T = TypeVar("T", SelfReview, ManagerReview)


def level_field(dimension: Dimension) -> str:
    return f"{dimension.value}_level"


def reason_field(dimension: Dimension) -> str:
    return f"{dimension.value}_reason"


def read_levels(values: Mapping[str, str | None], *, required: bool) -> Levels | FieldErrors:
    """{dimension: level} from what was typed or picked under each `level_field`; a field error for
    anything but a whole number from 1 to 5 (and, when `required`, for an empty one)."""
    levels: Levels = {}
    errors = FieldErrors()
    for dimension in DIMENSIONS:
        typed = (values.get(level_field(dimension)) or "").strip()
        if not typed:
            levels[dimension] = None
            if required:
                errors[level_field(dimension)] = "reviews.errors.level_range"
        elif (level := read_whole(typed, range(1, 6))) is not None:
            levels[dimension] = level
        else:
            errors[level_field(dimension)] = "reviews.errors.level_range"
    return errors or levels


def check_reasons(
    auto: Mapping[Dimension, int | None], final: Levels, reasons: Mapping[Dimension, str]
) -> FieldErrors:
    """A field error under each reason that is needed and missing: the final level differs from the auto
    level (or there was no auto level to keep)."""
    return FieldErrors(
        {
            reason_field(d): "reviews.errors.reason_needed"
            for d in DIMENSIONS
            if final.get(d) is not None and final.get(d) != auto.get(d) and not reasons.get(d, "").strip()
        }
    )


def save_self_review(
    session: Session,
    cycle: ReviewCycle,
    rep: Member,
    levels: Levels,
    *,
    text: Mapping[str, str],
    now: datetime,
) -> SelfReview:
    """The rep's self review (answering again changes it while the stage lasts); `text` holds `wins`,
    `lessons` and `support_wanted`."""
    check_stage(cycle, *SELF_STAGES)
    found = _one(session, SelfReview, cycle, rep.id) or SelfReview(
        team_id=cycle.team_id, cycle_id=cycle.id, rep_id=rep.id
    )
    for dimension in DIMENSIONS:
        setattr(found, level_field(dimension), levels.get(dimension))
    found.wins, found.lessons = text.get("wins", "").strip(), text.get("lessons", "").strip()
    found.support_wanted, found.submitted_at = text.get("support_wanted", "").strip(), now
    session.add(found)
    session.flush()
    return found


@dataclass(frozen=True)
class ManagerAnswers:
    """What the manager decided: final levels, a reason per changed level, and the three texts."""

    levels: Levels
    reasons: Mapping[Dimension, str]
    strengths: str = ""
    improvements: str = ""
    development_action: str = ""
    development: DevelopmentAction = NONE  # what the action links to: a training course, an incentive


def save_manager_review(
    session: Session,
    cycle: ReviewCycle,
    rep: Member,
    answers: ManagerAnswers,
    *,
    auto: Mapping[Dimension, int | None],
    by: int,
    now: datetime,
) -> ManagerReview | FieldErrors:
    """The manager's review of `rep`, or the reasons still needed (nothing is saved then). Each final
    level that changes is kept in the history, with its reason."""
    check_stage(cycle, *MANAGER_STAGES)
    errors = check_reasons(auto, answers.levels, answers.reasons) or check_link(
        session, cycle.team_id, answers.development
    )
    if errors:
        return errors
    found = _one(session, ManagerReview, cycle, rep.id) or ManagerReview(
        team_id=cycle.team_id, cycle_id=cycle.id, rep_id=rep.id
    )
    for dimension in DIMENSIONS:
        _set_level(session, cycle, found, dimension, answers, auto=auto.get(dimension), by=by, now=now)
    found.manager_id, found.submitted_at = by, now
    found.strengths, found.improvements = answers.strengths.strip(), answers.improvements.strip()
    found.development_action = answers.development_action.strip()
    link_development(session, cycle, found, answers.development, by=by, now=now)
    session.add(found)
    session.flush()
    return found


def check_link(session: Session, team_id: str, action: DevelopmentAction) -> FieldErrors:
    """A field error when a connected feature no longer knows what the action links to (a stale choice)."""
    if action.kind is DevelopmentKind.NONE or action.kind not in NAMERS:
        return FieldErrors()
    if name_of(session, team_id, action) is None:
        return FieldErrors({REF_FIELD: "reviews.development.unknown_ref"})
    return FieldErrors()


def link_development(
    session: Session,
    cycle: ReviewCycle,
    review: ManagerReview,
    action: DevelopmentAction,
    *,
    by: int,
    now: datetime,
) -> None:
    """Keep what the action links to; a change is in the history ("none", "training:12"). (The demo links
    its review this way too, `bot.links.demo`.)"""
    before = stored(review.development_kind, review.development_ref)
    review.development_kind, review.development_ref = action.kind.value, action.ref_id
    if action != before:
        record_change(
            session,
            cycle,
            by=by,
            what="development",
            before=_link(before),
            after=_link(action),
            now=now,
            rep_id=review.rep_id,
        )


def _link(action: DevelopmentAction) -> str:
    return action.kind.value if action.ref_id is None else f"{action.kind.value}:{action.ref_id}"


def _set_level(
    session: Session,
    cycle: ReviewCycle,
    review: ManagerReview,
    dimension: Dimension,
    answers: ManagerAnswers,
    *,
    auto: int | None,
    by: int,
    now: datetime,
) -> None:
    before = getattr(review, level_field(dimension)) if review.id is not None else auto
    after, reason = answers.levels.get(dimension), answers.reasons.get(dimension, "").strip()
    setattr(review, level_field(dimension), after)
    setattr(review, reason_field(dimension), reason if after is not None and after != auto else "")
    if after != before:
        what, old, new = (
            f"level.{dimension.value}",
            "" if before is None else str(before),
            "" if after is None else str(after),
        )
        record_change(
            session,
            cycle,
            by=by,
            what=what,
            before=old,
            after=new,
            now=now,
            reason=reason,
            rep_id=review.rep_id,
        )


def acknowledge(
    session: Session, cycle: ReviewCycle, scorecard: Scorecard, rep: Member, *, now: datetime
) -> bool:
    """The rep acknowledges their published scorecard; True the first time, False when already done."""
    if scorecard.rep_id != rep.id or scorecard.team_id != rep.team_id or scorecard.cycle_id != cycle.id:
        raise NotAllowed("reviews.errors.not_yours")
    if cycle.stage not in (Stage.PUBLISHED, Stage.CLOSED):
        raise Conflict(
            "reviews.errors.wrong_stage",
            quarter=cycle.quarter,
            stage=Term(f"reviews.stage_{cycle.stage.value}"),
        )
    if scorecard.acknowledged_at is not None:
        return False
    scorecard.acknowledged_at = now
    session.flush()
    return True


def _one(session: Session, model: type[T], cycle: ReviewCycle, rep_id: int) -> T | None:
    return session.scalars(
        select(model).where(
            model.team_id == cycle.team_id, model.cycle_id == cycle.id, model.rep_id == rep_id
        )
    ).one_or_none()
