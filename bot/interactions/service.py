"""Claiming an interaction once, remembering how it was answered, and forgetting old ones. No Slack
imports: the keys are made from Slack's payloads in `bot.slack.idempotency`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from bot.db.engine import upsert_statement
from bot.interactions.models import Interaction

# Slack retries within minutes; a stale button after a week meets the domain's own checks.
KEPT_FOR = timedelta(days=7)


def claim(session: Session, *, team_id: str, key: str, now: datetime) -> bool:
    """Record that the interaction `key` acts now; False when it already did (committed by another
    request). Must be the first write of the unit of work: on PostgreSQL a second arrival waits here
    until the first commits or rolls back, on SQLite for the write lock, so exactly one of them acts."""
    statement = (
        upsert_statement(session, Interaction)
        .values(team_id=team_id, key=key, answer=None, created_at=now)
        .on_conflict_do_nothing(index_elements=["team_id", "key"])
        .returning(Interaction.key)
    )
    return session.execute(statement).first() is not None


def answer_of(session: Session, *, team_id: str, key: str) -> tuple[bool, dict[str, Any] | None]:
    """(whether the interaction acted, how it was answered if that is known yet)."""
    row = session.execute(
        select(Interaction.answer).where(Interaction.team_id == team_id, Interaction.key == key)
    ).first()
    return (row is not None, row[0] if row is not None else None)


def remember_answer(session: Session, *, team_id: str, key: str, answer: dict[str, Any]) -> None:
    session.execute(
        update(Interaction)
        .where(Interaction.team_id == team_id, Interaction.key == key)
        .values(answer=answer)
        .execution_options(synchronize_session=False)
    )


def forget(session: Session, *, team_id: str, key: str) -> None:
    """The interaction did not act after all (it answered with field errors): it may be tried again."""
    session.execute(
        delete(Interaction)
        .where(Interaction.team_id == team_id, Interaction.key == key)
        .execution_options(synchronize_session=False)
    )


def prune(session: Session, *, now: datetime) -> int:
    """Forget interactions older than `KEPT_FOR`; returns how many."""
    result = session.execute(
        delete(Interaction)
        .where(Interaction.created_at < now - KEPT_FOR)
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
