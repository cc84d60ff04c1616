"""One unit of a job at a time: each channel's digest, each person's prompt, each escalation's re-send is
built and queued in its own transaction, so one that fails (bad data, a bug in a builder) never holds
back the rest. What was queued is a database fact keyed by kind, person or channel, and period, so the
job's next tick finds the failed units still due and tries them again, and only them."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from bot.db import SessionFactory

logger = logging.getLogger(__name__)
U = TypeVar("U")
R = TypeVar("R")


@dataclass
class Units(Generic[R]):
    """What `for_each_unit` did: each built unit's result, and the keys of the units that failed."""

    results: list[R] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def note(self) -> str:
        """For a job's summary line: empty when nothing failed."""
        if not self.failed:
            return ""
        return f"; {len(self.failed)} failed, tried again at the next tick: {', '.join(self.failed)}"


def for_each_unit(
    session_factory: SessionFactory, units: Iterable[tuple[str, U]], build: Callable[[Session, U], R]
) -> Units[R]:
    """`build(session, unit)` for each `(key, unit)`, each in a transaction of its own. A unit that
    raises is rolled back and logged with its key, the exception's type and where it was raised —
    never the exception's message, which may quote user content — and the others go on."""
    done: Units[R] = Units()
    for key, unit in units:
        try:
            with session_factory.begin() as session:
                done.results.append(build(session, unit))
        except Exception as error:
            frames = traceback.extract_tb(error.__traceback__)
            where = f"{frames[-1].filename}:{frames[-1].lineno} in {frames[-1].name}" if frames else "?"
            # Not logger.exception: the exception's message, and so its traceback, may quote user text.
            logger.error(
                "unit %s failed: %s at %s; the next tick tries it again", key, type(error).__name__, where
            )
            done.failed.append(key)
    return done
