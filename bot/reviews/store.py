"""Keeping the quarter's scorecards: `store_scorecards` writes what `build_scorecards` computed into
`scorecards` and `scorecard_levels`, in a constant number of statements (bulk, never a row at a time), and
`stored_levels` reads them back. Evidence is kept as JSON (an i18n key and its values), so each reader
sees it in their own language. A locked cycle is refused. No Slack."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, Table, bindparam, delete, insert, select, update
from sqlalchemy.orm import Session

from bot.reviews.models import Dimension, ReviewCycle, Scorecard, ScorecardLevel, Source
from bot.reviews.scorecards import Card, Evidence, Level
from bot.reviews.service import check_editable

# Core tables: a list of rows is one executemany, whichever of their values are None (the ORM's bulk
# insert would split the rows by the keys that are set).
SCORECARDS: Table = Scorecard.__table__  # type: ignore[assignment]
LEVELS: Table = ScorecardLevel.__table__  # type: ignore[assignment]


def store_scorecards(
    session: Session, cycle: ReviewCycle, cards: Sequence[Card], *, now: datetime
) -> dict[int, int]:
    """Keep `cards` as the cycle's scorecards (new ones added, existing ones updated; an
    acknowledgement stays); returns {rep id: scorecard id}. Five statements for any number of reps. The
    session's scorecard objects are expired afterwards, to be read again."""
    check_editable(cycle)
    ids = _scorecard_ids(session, cycle)
    new = [card for card in cards if card.rep_id not in ids]
    old = [card for card in cards if card.rep_id in ids]
    if new:
        session.execute(insert(SCORECARDS), [_row(cycle, card, now) | {"created_at": now} for card in new])
        ids = _scorecard_ids(session, cycle)
    if old:
        session.execute(
            update(SCORECARDS).where(SCORECARDS.c.id == bindparam("card")),
            [{"card": ids[c.rep_id], "overall": _overall(c), "updated_at": now} for c in old],
        )
    session.execute(
        delete(ScorecardLevel).where(
            ScorecardLevel.team_id == cycle.team_id, ScorecardLevel.scorecard_id.in_(_of_cycle(cycle))
        )
    )
    levels = [_level_row(cycle, ids[card.rep_id], level) for card in cards for level in card.levels.values()]
    if levels:
        session.execute(insert(LEVELS), levels)
    for kept in list(session.identity_map.values()):  # the bulk statements went around them
        if isinstance(kept, (Scorecard, ScorecardLevel)):
            session.expire(kept)
    return ids


def _of_cycle(cycle: ReviewCycle) -> Select[int]:
    return select(Scorecard.id).where(Scorecard.team_id == cycle.team_id, Scorecard.cycle_id == cycle.id)


def _scorecard_ids(session: Session, cycle: ReviewCycle) -> dict[int, int]:
    rows = session.execute(
        select(Scorecard.rep_id, Scorecard.id).where(
            Scorecard.team_id == cycle.team_id, Scorecard.cycle_id == cycle.id
        )
    )
    return {rep_id: scorecard_id for rep_id, scorecard_id in rows}


def _overall(card: Card) -> object:
    return None if card.overall is None else card.overall.score


def _row(cycle: ReviewCycle, card: Card, now: datetime) -> dict[str, object]:
    return {
        "team_id": cycle.team_id,
        "cycle_id": cycle.id,
        "rep_id": card.rep_id,
        "overall": _overall(card),
        "updated_at": now,
    }


def _level_row(cycle: ReviewCycle, scorecard_id: int, level: Level) -> dict[str, object]:
    evidence = json.dumps({"key": level.evidence.key, "values": level.evidence.values}, ensure_ascii=False)
    return {
        "team_id": cycle.team_id,
        "scorecard_id": scorecard_id,
        "dimension": level.dimension,
        "level": level.level,
        "source": level.source,
        "evidence": evidence,
    }


def read_evidence(text: str) -> Evidence:
    """A stored level's evidence; anything unreadable is no evidence rather than an error."""
    try:
        found = json.loads(text)
        return Evidence(str(found["key"]), {str(k): str(v) for k, v in dict(found.get("values", {})).items()})
    except (ValueError, KeyError, TypeError, AttributeError):
        return Evidence("reviews.evidence.no_input")


def stored_levels(session: Session, cycle: ReviewCycle) -> dict[int, dict[Dimension, Level]]:
    """The cycle's kept levels, {rep id: {dimension: level}}, in one statement."""
    rows = session.execute(
        select(
            Scorecard.rep_id,
            ScorecardLevel.dimension,
            ScorecardLevel.level,
            ScorecardLevel.source,
            ScorecardLevel.evidence,
        )
        .join(Scorecard, Scorecard.id == ScorecardLevel.scorecard_id)
        .where(Scorecard.team_id == cycle.team_id, Scorecard.cycle_id == cycle.id)
    )
    found: dict[int, dict[Dimension, Level]] = defaultdict(dict)
    for rep_id, dimension, level, source, evidence in rows:
        found[rep_id][dimension] = Level(Dimension(dimension), level, Source(source), read_evidence(evidence))
    return dict(found)
