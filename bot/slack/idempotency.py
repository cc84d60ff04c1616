"""Exactly once per interaction: a modal submitted twice (a double click, Slack's retry) or a button
pressed twice acts once, and the second arrival answers as the first did.

A listener that acts is decorated with `acts(deps, …)` (bot/slack/interaction.py), which uses
`acts_once(deps)`; its unit of work calls `claim(session)` as its first write. The claim inserts the
interaction's key in the same transaction as the effect, so a failure rolls both back and a retry can
act; a second arrival finds the key, does nothing, and replays the first arrival's acknowledgement and
response (for a modal: the same close or update; for a button: the same message), never a second
effect or DM. Outside such a listener (a slash command, a job) `claim` does nothing.

Nothing here waits on a lock before the acknowledgement: the claim first takes the key without waiting
(in this process a set of the keys being acted on; across processes, on PostgreSQL, a transaction-level
advisory lock with `pg_try_advisory_xact_lock`), so an arrival whose twin is still in its unit of work
learns it at once instead of queueing on the twin's uncommitted row (or SQLite's write lock); it then
polls (at most `MODAL_WAIT_SECONDS` for a modal) for the twin's answer, or acts itself when the twin
rolled back. The answer is written *after* the real `ack()` goes out, so recording it adds no round trip
before Slack's 3 s. A first arrival that failed after its claim committed and before it acknowledged
records the failure: its twin answers with the same error instead of an empty ack, which would close the
modal and lose what the person typed; a twin that finds no answer in time says the submission is still
being saved (over the modal, which keeps its input).

A button meant to act again on the same message must carry a different value each time (a version).
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import inspect
import json
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from slack_bolt import Ack, Respond
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.errors import PacerError, Term
from bot.interactions import service
from bot.slack.deps import Deps

logger = logging.getLogger(__name__)

# How long a second arrival waits for the first one's answer: a modal must be acknowledged within
# Slack's 3 s, and its request has its own work around the wait (a loaded PostgreSQL server took over a
# second of it in CI), so 1 s; a button was acknowledged already and may wait for the first press's message.
MODAL_WAIT_SECONDS = 1.0
BUTTON_WAIT_SECONDS = 10.0
_POLL_SECONDS = 0.05


def interaction_key(body: dict[str, Any]) -> str | None:
    """What makes two arrivals the same interaction, or None for kinds that never act twice.

    A view submission: the view (id, and hash and metadata, which change when the modal is updated) and
    the submitted values. A button: the message (or view) it is in, the action, its value and who
    pressed it; not the moment, so a double click is the same press."""
    kind = body.get("type")
    user = str((body.get("user") or {}).get("id") or "")
    if kind == "view_submission":
        view = body.get("view") or {}
        values = (view.get("state") or {}).get("values") or {}
        state = [view.get("id"), view.get("hash"), view.get("private_metadata"), user, values]
        parts = [_canonical(part) for part in state]
        return "view:" + _digest(parts)
    if kind == "block_actions" and body.get("actions"):
        action = body["actions"][0]
        container = body.get("container") or {}
        where = container.get("message_ts") or container.get("view_id") or ""
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id") or ""
        parts = [
            str(channel),
            str(where),
            str(action.get("block_id") or ""),
            str(action.get("action_id") or ""),
            _canonical(action.get("value") or action.get("selected_option") or ""),
            user,
        ]
        return "action:" + _digest(parts)
    return None


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _digest(parts: list[str]) -> str:
    # surrogatepass: Slack may send a lone surrogate; it is cleaned later, but the key must not fail on it
    return hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()


class AlreadyDone(Exception):
    """Raised by `claim` when the interaction already acted; `acts_once` replays its answer."""


class InFlight(AlreadyDone):
    """Raised by `claim` when another arrival of the interaction is in its unit of work right now."""


# pg_try_advisory_xact_lock(class, object): this class is the interactions' ("PI"); see `_hold`.
_LOCK_CLASS = 0x5049
_RETRY = object()  # what `_replay` returns when the first arrival left nothing: act now


@dataclass
class _Interaction:
    deps: Deps
    team_id: str
    key: str
    answer: dict[str, Any] = field(default_factory=dict)
    session: Session | None = None  # the unit of work that claimed the key
    holding: bool = False  # whether this arrival holds the key in `_ACTING`

    @property
    def ident(self) -> tuple[str, str]:
        return (self.team_id, self.key)

    def record(self, kind: str, call: dict[str, Any]) -> None:
        """Remember an acknowledgement or response; stored with the claim (or after it, once committed)."""
        self.answer[kind] = json.loads(_canonical(call))
        if self.session is None:
            return
        if self.session.in_transaction():
            self.store(self.session)
            return
        try:
            with self.deps.session_factory.begin() as session:
                self.store(session)
        except Exception:  # the answer is a nicety for a second arrival; the effect is already done
            logger.exception("could not remember the answer to interaction %s", self.key)

    def store(self, session: Session) -> None:
        if self.answer.get("ack", {}).get("response_action") == "errors":
            # Field errors are no effect: the same values may pass once the reason is gone.
            service.forget(session, team_id=self.team_id, key=self.key)
            return
        service.remember_answer(session, team_id=self.team_id, key=self.key, answer=self.answer)


_current: contextvars.ContextVar[_Interaction | None] = contextvars.ContextVar(
    "pacer_interaction", default=None
)


def claim(session: Session) -> None:
    """The first write of an acting listener's unit of work: raises `AlreadyDone` (rolling the unit of
    work back) when this interaction already acted, `InFlight` when another arrival of it is acting now.
    Does nothing outside an `acts_once` listener."""
    current = _current.get()
    if current is None or current.session is not None:  # no interaction, or claimed by this listener
        return
    if not _hold(session, current):
        raise InFlight
    if not service.claim(session, team_id=current.team_id, key=current.key, now=utcnow()):
        raise AlreadyDone
    current.session = session
    if current.answer:  # a button's acknowledgement, sent before its unit of work began
        current.store(session)


# The interactions this process is acting on now (a twin in the same process learns it without a query;
# on SQLite, Pacer's single process, this is the whole guard: a twin's INSERT would wait for the write lock).
_ACTING: set[tuple[str, str]] = set()
_ACTING_LOCK = threading.Lock()


def _hold(session: Session, current: _Interaction) -> bool:
    """Take the key for this arrival without waiting: False when another arrival holds it. In this
    process a set says so; across processes (PostgreSQL) the key's advisory lock, held until the
    transaction ends, which the claim's INSERT would otherwise wait for on a twin's uncommitted row."""
    with _ACTING_LOCK:
        if current.ident in _ACTING:
            return False
        _ACTING.add(current.ident)
    current.holding = True
    return _advisory(session, current)


def _free(session: Session, current: _Interaction) -> bool:
    """Whether no arrival holds the key now (see `_hold`); the advisory lock is let go with `session`."""
    with _ACTING_LOCK:
        if current.ident in _ACTING:
            return False
    return _advisory(session, current)


def _advisory(session: Session, current: _Interaction) -> bool:
    if session.get_bind().dialect.name != "postgresql":
        return True
    digest = hashlib.sha256("\x1f".join(current.ident).encode()).digest()
    number = int.from_bytes(digest[:4], "big", signed=True)
    return bool(session.scalar(select(func.pg_try_advisory_xact_lock(_LOCK_CLASS, number))))


def _let_go(current: _Interaction) -> None:
    if current.holding:
        with _ACTING_LOCK:
            _ACTING.discard(current.ident)
        current.holding = False


class _Recording:
    """Ack or Respond as the listener sees it: every call is remembered for a second arrival, after it
    went out (writing it down is a database round trip, which must not delay the acknowledgement)."""

    def __init__(self, real: Any, kind: str, current: _Interaction) -> None:
        self._real, self._kind, self._current = real, kind, current
        self._signature = inspect.signature(type(real).__call__)

    @property
    def response(self) -> Any:
        return getattr(self._real, "response", None)

    @property
    def response_url(self) -> Any:
        return getattr(self._real, "response_url", None)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        bound = self._signature.bind(self._real, *args, **kwargs)
        call = {name: value for name, value in list(bound.arguments.items())[1:] if value is not None}
        result = self._real(*args, **kwargs)
        self._current.record(self._kind, call)
        return result


Listener = Callable[..., None]


def acts_once(deps: Deps) -> Callable[[Listener], Listener]:
    """Wrap a modal or button listener so that its double acts no more (see the module's note)."""

    def decorate(listener: Listener) -> Listener:
        @functools.wraps(listener)
        def once(**kwargs: Any) -> None:
            body = kwargs["body"]
            key = interaction_key(body)
            team_id = str((body.get("team") or {}).get("id") or "")
            if key is None or not team_id:
                listener(**kwargs)
                return
            for _ in range(2):  # a second try only when the first arrival rolled back meanwhile
                current = _Interaction(deps, team_id, key)
                if _act(listener, current, kwargs):
                    return
                logger.info("interaction %s arrived again: answered as the first arrival", key)
                if _replay(deps, current, ack=kwargs["ack"], respond=kwargs.get("respond")) is not _RETRY:
                    return
            raise PacerError("interaction.in_progress")  # rolled back twice while this waited

        return once

    return decorate


def _act(listener: Listener, current: _Interaction, kwargs: dict[str, Any]) -> bool:
    """Run the listener as this interaction's first arrival; False when it turned out a second one."""
    wrapped = dict(kwargs, ack=_Recording(kwargs["ack"], "ack", current))
    if kwargs.get("respond") is not None:
        wrapped["respond"] = _Recording(kwargs["respond"], "respond", current)
    with _running(current):
        try:
            listener(**wrapped)
        except AlreadyDone:
            return False
        except Exception as error:
            if kwargs["ack"].response is None and current.session is not None:
                current.record("failed", _described(error))  # a no-op if its claim rolled back too
            raise
        finally:
            _let_go(current)
    if current.session is not None:
        current.record("done", {})  # a second arrival waits for this (or its ack)
    return True


@contextmanager
def _running(current: _Interaction) -> Iterator[None]:
    token = _current.set(current)
    try:
        yield
    finally:
        _current.reset(token)


def _replay(deps: Deps, current: _Interaction, *, ack: Ack, respond: Respond | None) -> object:
    """Answer as the first arrival did: its acknowledgement and response, or its error. Returns `_RETRY`
    when it left nothing (it rolled back): this arrival acts after all."""
    modal = ack.response is None
    answer = _first_answer(
        deps, current, "ack" if modal else "done", MODAL_WAIT_SECONDS if modal else BUTTON_WAIT_SECONDS
    )
    if answer is None:
        return _RETRY
    if "failed" in answer and "ack" not in answer:
        raise _error_of(answer["failed"])
    if modal:
        if "ack" not in answer:
            # Still acting (or died): an empty ack would close the modal and lose what was typed.
            raise PacerError("interaction.in_progress")
        ack(**answer["ack"])
    if respond is not None and "respond" in answer:
        respond(**answer["respond"])
    return None


def _first_answer(deps: Deps, current: _Interaction, needed: str, wait: float) -> dict[str, Any] | None:
    """The first arrival's answer once it holds `needed` or its failure (or whatever it holds after
    `wait` seconds); None when the first arrival is gone without a trace (rolled back): act now."""
    deadline = time.monotonic() + wait
    while True:
        with deps.session_factory.begin() as session:
            free = _free(session, current)
            acted, answer = service.answer_of(session, team_id=current.team_id, key=current.key)
        if answer and (needed in answer or "failed" in answer):
            return answer
        if not acted and free:
            return None
        if time.monotonic() >= deadline:
            return answer or {}
        time.sleep(_POLL_SECONDS)


def _described(error: Exception) -> dict[str, Any]:
    """A failure as a second arrival can raise it again: a domain error's key and values, else a bug."""
    if not isinstance(error, PacerError):
        return {"unexpected": type(error).__name__}
    values = {
        name: {"term": str(value)}
        if isinstance(value, Term)
        else {"at": value.isoformat()}
        if isinstance(value, datetime)
        else value
        if isinstance(value, (str, int, float, bool))
        else str(value)
        for name, value in error.values.items()
    }
    return {"key": error.key, "values": values}


def _error_of(failed: dict[str, Any]) -> Exception:
    """The first arrival's failure (see `_described`), to be answered by the app's error handler."""
    if "key" not in failed:
        return RuntimeError(f"the first arrival failed unexpectedly ({failed.get('unexpected')})")
    values = {
        name: Term(value["term"])
        if isinstance(value, dict) and "term" in value
        else datetime.fromisoformat(value["at"])
        if isinstance(value, dict) and "at" in value
        else value
        for name, value in (failed.get("values") or {}).items()
    }
    return PacerError(str(failed["key"]), **values)
