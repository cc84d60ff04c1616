"""More evidence on the quarterly scorecard, from the training and recognition features: courses completed
in the quarter and their average quiz score, and the self-study reps logged (`/pacer learn log`: how many
times, for how long, the latest takeaways) for the development section; kudos received for teamwork. One
statement each for the whole scope, whatever its size (`bot.reviews.scorecards.EVIDENCE`). Like the rest
of the evidence, the notes are shown to the rep (their published scorecard, their self review) and to
their manager and admins (the manager review), never in the vendor's summary. No Slack."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from bot import calendar
from bot.recognition.service import kudos_received
from bot.reviews import scorecards
from bot.reviews.scorecards import Evidence, Note, Section
from bot.training import library
from bot.training.models import Progress

TAKEAWAYS_JOINED_BY = " "  # between the quoted takeaways: “…” “…”


def _instants(first: date, last: date) -> tuple[datetime, datetime]:
    """The quarter as instants: from its first day's start to the day after its last (UTC)."""
    return datetime.combine(first, time.min, UTC), datetime.combine(
        calendar.days_after(last, 1), time.min, UTC
    )


def training_notes(
    session: Session, team_id: str, rep_ids: Select[Any], first: date, last: date
) -> dict[int, list[Note]]:
    """Per rep with any course: how many were completed in the quarter, their average score, and how many
    are still in progress."""
    since, until = _instants(first, last)
    done = (
        Progress.completed_at.is_not(None)
        & (Progress.completed_at >= since)
        & (Progress.completed_at < until)
    )
    rows = session.execute(
        select(
            Progress.rep_id,
            func.count(case((done, 1))),
            func.avg(case((done, Progress.score))),
            func.count(case((Progress.completed_at.is_(None), 1))),
        )
        .where(Progress.team_id == team_id, Progress.rep_id.in_(rep_ids))
        .group_by(Progress.rep_id)
    )
    found: dict[int, list[Note]] = {}
    for rep_id, completed, score, open_ in rows:
        if not completed and not open_:
            continue
        values = {"completed": str(completed), "open": str(open_)}
        key = "links.evidence.training"
        if score is not None:
            values["score"] = str(Decimal(score).quantize(Decimal(1)))
            key = "links.evidence.training_scored"
        found[rep_id] = [Note(Section.DEVELOPMENT, Evidence(key, values))]
    return found


def study_notes(
    session: Session, team_id: str, rep_ids: Select[Any], first: date, last: date
) -> dict[int, list[Note]]:
    """Per rep who logged self-study in the quarter: how many times, the minutes in all, and their latest
    takeaways, quoted (the rep's text: `t` escapes it when the note is shown)."""
    found: dict[int, list[Note]] = {}
    for rep_id, got in library.studied(session, team_id, rep_ids, *_instants(first, last)).items():
        values = {"count": str(got.count), "minutes": str(got.minutes)}
        key = "links.evidence.study"
        if got.takeaways:
            values["takeaways"] = TAKEAWAYS_JOINED_BY.join(f"“{text}”" for text in got.takeaways)
            key = "links.evidence.study_takeaways"
        found[rep_id] = [Note(Section.DEVELOPMENT, Evidence(key, values))]
    return found


def kudos_notes(
    session: Session, team_id: str, rep_ids: Select[Any], first: date, last: date
) -> dict[int, list[Note]]:
    """Per rep who received kudos in the quarter: how many, their points, from how many people."""
    received = kudos_received(session, team_id, rep_ids, *_instants(first, last))
    return {
        rep_id: [
            Note(
                Section.TEAMWORK,
                Evidence(
                    "links.evidence.kudos",
                    {"count": str(got.count), "points": str(got.points), "givers": str(got.givers)},
                ),
            )
        ]
        for rep_id, got in received.items()
    }


SOURCES = (training_notes, study_notes, kudos_notes)  # the development notes first


def connect() -> None:
    """Add the sources to the scorecard's evidence, once."""
    for source in SOURCES:
        if source not in scorecards.EVIDENCE:
            scorecards.EVIDENCE.append(source)
