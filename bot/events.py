"""Domain events: what happened (a check-in recorded, a goal agreed, feedback given), told to whoever
subscribed, after the transaction that made it happen has committed.

A service raises an event with `raise_after_commit(session, event)`; nothing runs then. When that session's
transaction commits, the app's `Events` hands each event to its subscribers on a background thread, so a
subscriber never runs inside `ack()`'s 3 seconds nor sees data that might still roll back; on a rollback
the events raised in it are dropped. A feature that reacts (the Home tab, later recognition or
scorecards) subscribes through `Events.subscribe` and is never imported by the feature that raised it.
The signals are `blinker`'s, one per event type, held by each `Events` (not process-wide), so two apps
in one process (tests) never see each other's events."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Any, TypeVar

from blinker import Signal
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

logger = logging.getLogger(__name__)

_HUB = "pacer.events"  # session.info: the `Events` the session's events go to
_PENDING = "pacer.events.pending"  # session.info: [(event, the transaction it was raised in)]


class Event:
    """What every domain event is: a frozen dataclass of ids and values (never ORM objects, which belong
    to a session that is gone by the time a subscriber runs)."""


@dataclass(frozen=True)
class CheckInRecorded(Event):
    """A rep saved their check-in for a week (again, when `first` is False: it replaced the earlier one)."""

    team_id: str
    rep_id: int
    week_start: date
    goal_ids: tuple[int, ...]
    first: bool


@dataclass(frozen=True)
class GoalAgreed(Event):
    """A goal became active: its rep agreed to it, or their manager approved the rep's own proposal."""

    team_id: str
    goal_id: int
    rep_id: int


class FeedbackKind(StrEnum):
    MANAGER = "manager"  # a manager's monthly feedback to one rep
    FIELD = "field"  # a rep's monthly feedback to the company (new or edited)


@dataclass(frozen=True)
class FeedbackGiven(Event):
    """Feedback was saved. `rep_id` is the rep it is for (manager feedback) or its author (named field
    feedback); None for anonymous field feedback, so no subscriber can learn who wrote it."""

    team_id: str
    feedback_id: int
    kind: FeedbackKind
    rep_id: int | None


@dataclass(frozen=True)
class ReviewPublished(Event):
    """A review cycle was locked and published: its manager reviews (and their development actions) are
    final and the reps have their scorecards."""

    team_id: str
    cycle_id: int
    by_id: int  # the admin who published it


@dataclass(frozen=True)
class PayoutApproved(Event):
    """An incentive payout got its last approval (the admin's): the reward is the rep's."""

    team_id: str
    plan_id: int
    payout_id: int
    rep_id: int
    by_id: int


@dataclass(frozen=True)
class ContestEnded(Event):
    """A contest's window closed and its winners are known (`winners`: rep ids, best first)."""

    team_id: str
    contest_id: int
    winners: tuple[int, ...]


E = TypeVar("E", bound=Event)


def raise_after_commit(session: Session, event: Event) -> None:
    """Tell `event` to subscribers once this session's transaction commits (dropped if it rolls back).
    A session that no `Events` is attached to (a job, a migration, a unit test) drops it: no-op."""
    if _HUB not in session.info:
        return
    if not session.in_transaction():
        session.begin()  # the event belongs to a transaction, whose rollback drops it
    transaction = session.get_nested_transaction() or session.get_transaction()
    session.info.setdefault(_PENDING, []).append((event, transaction))


class Events:
    """The subscribers of one app and the worker thread(s) that run them. `synchronous=True` runs them
    right after the commit on the committing thread (the CLI's jobs, unit tests); otherwise `drain()`
    waits for what was dispatched, and `shutdown()` runs what is queued and stops the workers."""

    def __init__(self, *, synchronous: bool = False, workers: int = 1) -> None:
        self._signals: dict[type[Event], Signal] = {}
        self._synchronous = synchronous
        self._executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="pacer-events")
        self._running: set[Future[None]] = set()
        self._lock = threading.Lock()

    def subscribe(self, kind: type[E], handler: Callable[[E], None]) -> Callable[[], None]:
        """Call `handler(event)` for every committed event of type `kind`; returns the unsubscribe."""
        signal = self._signals.setdefault(kind, Signal(kind.__name__))

        def receiver(sender: Any) -> None:
            handler(sender)

        signal.connect(receiver, weak=False)
        return lambda: signal.disconnect(receiver)

    def attach(self, target: Session | sessionmaker[Session]) -> None:
        """Send the events raised in `target`'s sessions (one session, or every one a factory makes) here."""
        if isinstance(target, Session):
            target.info[_HUB] = self
        else:
            target.configure(info={**target.kw.get("info", {}), _HUB: self})
        if not sa_event.contains(target, "after_commit", _committed):
            sa_event.listen(target, "after_commit", _committed)
            sa_event.listen(target, "after_soft_rollback", _rolled_back)
            sa_event.listen(target, "after_transaction_end", _ended)

    def dispatch(self, event: Event) -> None:
        """Hand `event` to its subscribers: now (synchronous) or on a worker thread."""
        if self._synchronous:
            self._deliver(event)
            return
        try:
            future = self._executor.submit(self._deliver, event)
        except RuntimeError:  # shut down: the process is stopping
            logger.warning("events stopped; %s dropped", type(event).__name__)
            return
        with self._lock:
            self._running.add(future)
        future.add_done_callback(self._done)

    def _done(self, future: Future[None]) -> None:
        with self._lock:
            self._running.discard(future)

    def _deliver(self, event: Event) -> None:
        """Each subscriber in turn; one that fails is logged and the others still run."""
        signal = self._signals.get(type(event))
        if signal is None:
            return
        for receiver in list(signal.receivers_for(event)):
            try:
                receiver(event)
            except Exception:
                logger.exception("a subscriber to %s failed", type(event).__name__)

    def drain(self, timeout: float = 10.0) -> None:
        """Wait until every event dispatched so far (and any its subscribers raised) has been handled."""
        while True:
            with self._lock:
                running = list(self._running)
            if not running:
                return
            wait(running, timeout=timeout)

    def shutdown(self) -> None:
        """Run what is queued, then stop the worker threads (the app is stopping)."""
        self._executor.shutdown(wait=True)


def carry(source: sessionmaker[Session], target: sessionmaker[Session]) -> None:
    """`target` (a factory made from `source`'s settings, e.g. one workspace's scoped sessions) sends its
    sessions' events where `source`'s go: the listeners that dispatch them are per factory, not copied."""
    hub = source.kw.get("info", {}).get(_HUB)
    if isinstance(hub, Events):
        hub.attach(target)


def _committed(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released: its events wait for the outermost commit
    pending = session.info.pop(_PENDING, [])
    hub: Events = session.info[_HUB]
    for event, _transaction in pending:
        hub.dispatch(event)


def _rolled_back(session: Session, previous: SessionTransaction) -> None:
    """Drop the events raised inside the transaction (or savepoint) that was rolled back."""
    pending = session.info.get(_PENDING)
    if pending:
        pending[:] = [(e, t) for e, t in pending if not _within(t, previous)]


def _ended(session: Session, transaction: SessionTransaction) -> None:
    """The outermost transaction ended without a commit (e.g. the session was closed): drop the rest."""
    if transaction.parent is None:
        session.info.pop(_PENDING, None)


def _within(transaction: SessionTransaction | None, ancestor: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is ancestor:
            return True
        transaction = transaction.parent
    return False
