"""Take an event in once: the receipt is written (and committed) before any listener acts.

Why before, and not in the same transaction as the effect: Bolt acknowledges an event before its
listener runs, and Slack sends it again when that 200 is late, which is when the first delivery is
still being handled. A receipt written only with the effect would not exist yet, and the retry would
act a second time; many effects (a Home tab published, a DM) are Slack calls that no transaction
holds anyway. So the receipt is the claim: the first delivery to write it acts, every later one is
acknowledged and dropped. The price is that an event whose handling fails is not handled again; a
retry never handled it better, since Slack had its 200 already.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from bot.receipts.models import EVENT_ID_MAX, TEAM_ID_MAX, EventReceipt

__all__ = ["EVENT_ID_MAX", "KEEP_FOR", "TEAM_ID_MAX", "first_receipt", "prune"]

# Slack retries three times within about five minutes; a day covers that with a wide margin.
KEEP_FOR = timedelta(days=1)


def first_receipt(session: Session, *, team_id: str, event_id: str, event_type: str, now: datetime) -> bool:
    """Record that the event arrived; False if it had arrived before. Concurrent deliveries of one
    event are decided by the primary key (INSERT … ON CONFLICT DO NOTHING): exactly one gets True."""
    values = {"team_id": team_id, "event_id": event_id, "event_type": event_type[:64], "received_at": now}
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = (
        insert(EventReceipt)
        .values(values)
        .on_conflict_do_nothing(index_elements=["team_id", "event_id"])
        .returning(EventReceipt.event_id)
    )
    return session.execute(statement).scalar_one_or_none() is not None


def prune(session: Session, *, now: datetime) -> int:
    """Forget receipts older than KEEP_FOR; returns how many."""
    result = session.execute(delete(EventReceipt).where(EventReceipt.received_at < now - KEEP_FOR))
    return int(result.rowcount)  # type: ignore[attr-defined]
