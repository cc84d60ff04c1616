"""Outbox rules: enqueue once per key, claim safely (several processes on PostgreSQL), record outcomes.

Two clocks meet here. The caller's (`now`, which `pacer jobs run --now` or a test may move) decides only
what is due and is recorded as `created_at`. When a message may go, whose lease has run out and when it
went are judged on the database's clock (`database_now`), the one every sender process shares: a sender
whose own clock runs ahead can never take a row another sender still holds."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import ColumnElement, Select, and_, case, func, literal, or_, select, update
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import ReturningUpdate

from bot.db import database_now
from bot.db.engine import upsert_statement
from bot.delivery.models import Delivery, DeliveryStatus

MAX_ATTEMPTS = 6
BACKOFF_CAP = timedelta(minutes=30)
# A kept-up-to-date message that changes again after it went out waits this long before its update, so a
# burst of changes (thirty reps agreeing within a minute) becomes a few `chat.update` calls, not thirty.
SETTLE = timedelta(seconds=2)


class Recipient(Protocol):
    """A member as a DM needs them (`bot.roster.models.Member` is one)."""

    @property
    def id(self) -> int: ...
    @property
    def team_id(self) -> str: ...
    @property
    def user_id(self) -> str: ...


@dataclass(frozen=True, kw_only=True)
class Outgoing:
    """A message to store in the outbox. `key` makes it unique per workspace."""

    team_id: str
    key: str
    kind: str
    channel: str
    payload: dict[str, Any]
    member_id: int | None = None
    period: str = ""

    @classmethod
    def dm(cls, to: Recipient, *, key: str, kind: str, payload: dict[str, Any], period: str = "") -> Outgoing:
        """A DM to a member: posted to their user id (Slack opens the conversation), recorded against them."""
        return cls(
            team_id=to.team_id,
            key=key,
            kind=kind,
            channel=to.user_id,
            payload=payload,
            member_id=to.id,
            period=period,
        )


def enqueue(session: Session, messages: Iterable[Outgoing], *, now: datetime) -> int:
    """Store messages whose key is new; an existing key is left alone. Returns how many were new.

    `now` is the caller's time, kept as `created_at` for the jobs' own rules (e.g. a reminder some time
    after its nudge); the messages may go at once by the database's clock, even when `now` is ahead."""
    new = list(messages)
    if not new:
        return 0
    sendable = database_now(session)
    rows = [
        {
            "team_id": m.team_id,
            "key": m.key,
            "kind": m.kind,
            "period": m.period,
            "channel": m.channel,
            "payload": m.payload,
            "member_id": m.member_id,
            "status": DeliveryStatus.PENDING,
            "attempts": 0,
            "next_attempt_at": sendable,
            "created_at": now,
        }
        for m in new
    ]
    statement = upsert_statement(session, Delivery).on_conflict_do_nothing(index_elements=["team_id", "key"])
    inserted = 0
    for start in range(0, len(rows), 500):
        result = session.execute(statement.returning(Delivery.id), rows[start : start + 500])
        inserted += len(result.all())
    return inserted


def revise(
    session: Session,
    message: Outgoing,
    render: Callable[[], dict[str, Any]],
    *,
    now: datetime,
    settle: timedelta | None = None,
) -> None:
    """Keep one message per key up to date (e.g. a manager's "12 of 30 agreed"): posted once, then edited
    in place with `chat.update` whenever it changes. `message.payload` is ignored: `render()` builds the
    payload from the current state, *after* the row is held, so that of two transactions changing that
    state at once the later one renders both changes (on PostgreSQL the upsert locks the row until this
    transaction ends, and under READ COMMITTED `render`'s queries then see what the other committed; on
    SQLite writers take turns). A row not sent yet just gets the new payload; one being sent keeps its
    sender, who sees the revision moved on and leaves it pending (`mark_sent`); one already sent is
    pending again, due `settle` later, so changes close together go out as one update."""
    held = _hold(session, message, now=now)
    values: dict[str, Any] = {"payload": render()}
    if held.status not in {DeliveryStatus.PENDING, DeliveryStatus.SENDING}:
        values |= {
            "status": DeliveryStatus.PENDING,
            "next_attempt_at": database_now(session) + (SETTLE if settle is None else settle),
            "attempts": 0,
            "last_error": None,
        }
    session.execute(update(Delivery).where(Delivery.id == held.id).values(**values))


def _hold(session: Session, message: Outgoing, *, now: datetime) -> Any:
    """Insert the message's row (empty until rendered) or count its revision one up; either way the row
    is this transaction's until it ends. Returns its id and status."""
    statement = upsert_statement(session, Delivery).values(
        team_id=message.team_id,
        key=message.key,
        kind=message.kind,
        period=message.period,
        channel=message.channel,
        payload={},
        member_id=message.member_id,
        status=DeliveryStatus.PENDING,
        attempts=0,
        revision=0,
        next_attempt_at=database_now(session),
        created_at=now,
    )
    statement = statement.on_conflict_do_update(
        index_elements=["team_id", "key"], set_={"revision": Delivery.revision + 1}
    )
    return session.execute(statement.returning(Delivery.id, Delivery.status)).one()


def find(session: Session, *, team_id: str, key: str) -> Delivery | None:
    return session.scalar(select(Delivery).where(Delivery.team_id == team_id, Delivery.key == key))


def cancel(session: Session, *, team_id: str, key: str) -> bool:
    """Cancel a message that has not gone out yet; False when it was already sent (or is being sent)."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.team_id == team_id, Delivery.key == key, Delivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.CANCELLED)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def cancel_workspace(session: Session, *, team_id: str, reason: str) -> int:
    """Cancel every message of the workspace not yet out (Pacer left it); a message being sent right now
    ends as sent or, when Slack refuses it, cancelled by the sender. Returns how many were cancelled."""
    result = session.execute(
        update(Delivery)
        .where(Delivery.team_id == team_id, Delivery.status == DeliveryStatus.PENDING)
        .values(status=DeliveryStatus.CANCELLED, last_error=reason[:500])
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Claimed:
    id: int
    team_id: str
    key: str
    kind: str
    channel: str
    payload: dict[str, Any]
    member_id: int | None
    attempts: int  # counting this one
    uncertain: bool  # an earlier try may have reached Slack (see Delivery.maybe_sent): look before posting
    revision: int = 0  # the payload's revision (see `revise`)
    sent_channel: str | None = None  # where a revised message went out before: update it there
    sent_ts: str | None = None


def _due(now: datetime) -> ColumnElement[bool]:
    """A message that may go at `now`: pending and due, or still `sending` after its lease ran out."""
    return or_(
        and_(Delivery.status == DeliveryStatus.PENDING, Delivery.next_attempt_at <= now),
        and_(Delivery.status == DeliveryStatus.SENDING, Delivery.lease_until < now),
    )


def _take(ids: list[int], due: ColumnElement[bool], *, worker: str, until: datetime) -> ReturningUpdate[Any]:
    """The UPDATE that makes the rows among `ids` that are still `due` this worker's until `until`,
    returning what a sender needs. Checking `due` again here is what keeps SQLite's claims exclusive."""
    return (
        update(Delivery)
        .where(Delivery.id.in_(ids), due)
        .values(
            # a row still `sending` after its lease: its sender vanished, maybe after Slack took it
            maybe_sent=or_(Delivery.maybe_sent, Delivery.status == DeliveryStatus.SENDING),
            status=DeliveryStatus.SENDING,
            lease_until=until,
            claimed_by=worker,
            attempts=Delivery.attempts + 1,  # this try's number
        )
        .returning(
            Delivery.id,
            Delivery.team_id,
            Delivery.key,
            Delivery.kind,
            Delivery.channel,
            Delivery.payload,
            Delivery.member_id,
            Delivery.attempts,
            Delivery.maybe_sent,
            Delivery.revision,
            Delivery.sent_channel,
            Delivery.sent_ts,
        )
        .execution_options(synchronize_session=False)
    )


def claim(
    session: Session,
    *,
    worker: str,
    limit: int,
    lease: timedelta,
    per_team: int | None = None,
    skip_teams: Collection[str] = (),
) -> list[Claimed]:
    """Take up to `limit` due messages for this worker, each claimed by exactly one sender. On PostgreSQL,
    rows another process is claiming are skipped (FOR UPDATE SKIP LOCKED); on SQLite, whose reads take
    no lock, the UPDATE itself checks again that each row is still due, under the database's write lock,
    and only the rows it changed are this sender's. Due and leased are judged on the database's clock,
    so a sender whose own clock is ahead takes nothing early.

    Slack limits each workspace on its own: `per_team` takes at most that many of one workspace's messages,
    round robin, and `skip_teams` (paused, or no free slot) none: one workspace's backlog never fills it."""
    now = database_now(session)
    due = _due(now)
    if skip_teams:
        due = and_(due, Delivery.team_id.not_in(list(skip_teams)))
    query = _due_ids(due, limit, per_team)
    if session.get_bind().dialect.name == "postgresql":
        if per_team is not None:  # FOR UPDATE takes no window function: lock the chosen rows by id
            query = select(Delivery.id).where(Delivery.id.in_(query)).order_by(Delivery.id)
        query = query.with_for_update(skip_locked=True)
    ids = list(session.scalars(query))
    if not ids:
        return []
    taken = session.execute(_take(ids, due, worker=worker, until=now + lease)).all()
    order = {delivery_id: n for n, delivery_id in enumerate(ids)}
    return [
        Claimed(
            *(r.id, r.team_id, r.key, r.kind, r.channel, r.payload, r.member_id, r.attempts, r.maybe_sent),
            revision=r.revision,
            sent_channel=r.sent_channel,
            sent_ts=r.sent_ts,
        )
        for r in sorted(taken, key=lambda r: order[r.id])
    ]


def _due_ids(due: ColumnElement[bool], limit: int, per_team: int | None) -> Select[Any]:
    oldest_first = (Delivery.next_attempt_at, Delivery.id)
    if per_team is None:
        return select(Delivery.id).where(due).order_by(*oldest_first).limit(limit)
    rank = func.row_number().over(partition_by=Delivery.team_id, order_by=oldest_first).label("rank")
    ranked = select(Delivery.id, Delivery.next_attempt_at, rank).where(due).subquery()
    return (
        select(ranked.c.id)
        .where(ranked.c.rank <= per_team)
        .order_by(ranked.c.rank, ranked.c.next_attempt_at, ranked.c.id)
        .limit(limit)
    )


def mark_sent(session: Session, delivery_id: int, *, channel: str, ts: str, revision: int = 0) -> None:
    """Sent as of `revision`; when the payload was revised meanwhile (`revise`), the row stays pending,
    due after SETTLE, and its next send updates the message just sent. The revision is compared inside
    the UPDATE, so a revision committed while this waits for the row's lock is still seen."""
    now = database_now(session)
    current = Delivery.revision == revision
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(
            status=case((current, _status(DeliveryStatus.SENT)), else_=_status(DeliveryStatus.PENDING)),
            next_attempt_at=case((current, Delivery.next_attempt_at), else_=now + SETTLE),
            maybe_sent=False,
            sent_channel=channel,
            sent_ts=ts,
            sent_at=now,
            lease_until=None,
            last_error=None,
        )
    )


def _status(status: DeliveryStatus) -> ColumnElement[DeliveryStatus]:
    return literal(status, Delivery.status.type)


def mark_retry(
    session: Session,
    delivery_id: int,
    *,
    error: str,
    delay: timedelta,
    count_attempt: bool = True,
    maybe_sent: bool = False,
) -> None:
    """Back to pending, due again `delay` from now by the database's clock. A rate-limit wait does not
    use up one of the tries; `maybe_sent` (the try's outcome is unknown) makes the next try look in
    Slack first."""
    values: dict[str, Any] = {
        "status": DeliveryStatus.PENDING,
        "next_attempt_at": database_now(session) + delay,
        "lease_until": None,
        "last_error": error[:500],
    }
    if not count_attempt:
        values["attempts"] = Delivery.attempts - 1
    if maybe_sent:
        values["maybe_sent"] = True
    session.execute(update(Delivery).where(Delivery.id == delivery_id).values(**values))


def mark_failed(session: Session, delivery_id: int, *, error: str) -> None:
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(status=DeliveryStatus.FAILED, lease_until=None, last_error=error[:500])
    )


def mark_cancelled(session: Session, delivery_id: int, *, reason: str) -> None:
    session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id)
        .values(status=DeliveryStatus.CANCELLED, lease_until=None, last_error=reason[:500])
    )


def backoff(attempts: int) -> timedelta:
    """2 s, 4 s, 8 s … after each failed try, at most BACKOFF_CAP."""
    return min(timedelta(seconds=2 ** max(1, attempts)), BACKOFF_CAP)


def next_due_in(session: Session) -> timedelta | None:
    """How long until the next pending message falls due, by the database's clock (None when nothing is
    pending; zero or less when one is due already)."""
    upcoming = session.scalar(
        select(func.min(Delivery.next_attempt_at)).where(Delivery.status == DeliveryStatus.PENDING)
    )
    return None if upcoming is None else upcoming - database_now(session)


def counts(session: Session) -> dict[str, int]:
    rows = session.execute(select(Delivery.status, func.count()).group_by(Delivery.status))
    return {str(status): int(count) for status, count in rows}


def recent_failures(session: Session, *, limit: int = 20) -> Sequence[Delivery]:
    return session.scalars(
        select(Delivery)
        .where(Delivery.status == DeliveryStatus.FAILED)
        .order_by(Delivery.id.desc())
        .limit(limit)
    ).all()
