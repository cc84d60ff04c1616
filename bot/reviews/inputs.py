"""Customer-satisfaction and market-expansion figures for a rep's quarter: a manager's entry (with a
note), or a CSV upload (bot/reviews/upload.py), later the CRM import. One figure per rep, quarter, kind
and source; the scorecard takes the manager's over an upload's over the CRM's. No Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import Invalid
from bot.reviews.models import InputKind, InputSource, ReviewInput
from bot.reviews.service import check_editable, check_quarter, find_cycle
from bot.roster.models import Member

VALUE_MAX = Decimal(1_000_000_000)  # the column holds 12 digits, 2 after the point
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Figure:
    """A figure as given: `value` out of `scale` (None for a count), with a note."""

    kind: InputKind
    value: Decimal
    scale: Decimal | None = None
    note: str = ""


def check_figure(figure: Figure) -> str | None:
    """The i18n key of what is wrong with a figure, or None: a value from 0 with at most two decimals,
    a positive scale it does not exceed, and no scale on a count of new accounts."""
    numbers = [figure.value] + ([figure.scale] if figure.scale is not None else [])
    if any(not n.is_finite() or n < 0 or n > VALUE_MAX or n != n.quantize(CENT) for n in numbers):
        return "reviews.inputs.value_invalid"
    if figure.scale is not None and (figure.scale <= 0 or figure.value > figure.scale):
        return "reviews.inputs.scale_invalid"
    if figure.kind is InputKind.EXPANSION and figure.scale is not None:
        return "reviews.inputs.count_has_no_scale"
    return None


def check_open(session: Session, team_id: str, quarter: str) -> str:
    """The quarter's name, once sure its review (if there is one yet) is not locked."""
    key = check_quarter(quarter)
    cycle = find_cycle(session, team_id, key)
    if cycle is not None:
        check_editable(cycle)
    return key


def record_input(
    session: Session,
    rep: Member,
    quarter: str,
    figure: Figure,
    *,
    source: InputSource = InputSource.MANAGER,
    by: int | None,
    now: datetime,
) -> ReviewInput:
    """Keep `figure` for the rep's quarter (replacing the same source's); a manager's entry needs a note."""
    key = check_open(session, rep.team_id, quarter)
    problem = check_figure(figure)
    if problem is None and source is InputSource.MANAGER and not figure.note.strip():
        problem = "reviews.inputs.note_needed"
    if problem is not None:
        raise Invalid(problem)
    found = existing(session, rep.team_id, key, rep.id, kind=figure.kind, source=source) or ReviewInput(
        team_id=rep.team_id, quarter=key, rep_id=rep.id, kind=figure.kind, source=source
    )
    found.value, found.scale, found.note = figure.value, figure.scale, figure.note.strip()
    found.recorded_by_id, found.recorded_at = by, now
    session.add(found)
    session.flush()
    return found


def existing(
    session: Session, team_id: str, quarter: str, rep_id: int, *, kind: InputKind, source: InputSource
) -> ReviewInput | None:
    return session.scalars(
        select(ReviewInput).where(
            ReviewInput.team_id == team_id,
            ReviewInput.quarter == quarter,
            ReviewInput.rep_id == rep_id,
            ReviewInput.kind == kind,
            ReviewInput.source == source,
        )
    ).one_or_none()
