"""The completion report (`/pacer training` for an admin) reads the same few statements whatever the size
of the workspace: issue 14 asks for a constant statement count, and `python -m benchmarks.training` times
it at 5,000 reps × 20 courses with the same seeding as here."""

from __future__ import annotations

from sqlalchemy import Engine

from benchmarks.training import seed, the_report
from tests.conftest import wipe
from tests.reviews.support import count_statements

SMALL, LARGE = "TSTMTS01", "TSTMTS02"


def test_the_completion_report_reads_as_many_statements_for_60_reps_as_for_3(engine: Engine) -> None:
    try:
        seed(engine, SMALL, reps=3, courses=2, first=900_000)
        seed(engine, LARGE, reps=60, courses=5, first=910_000)
        small = count_statements(engine, lambda: the_report(engine, SMALL))
        large = count_statements(engine, lambda: the_report(engine, LARGE))
    finally:
        wipe(engine)
    assert small == large == 3  # the tallies per vendor, the vendors' names, the first 40 assignments
