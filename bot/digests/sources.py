"""Where a digest's weekly figures came from: what the rep reported in their check-in, or another source's
figure (the CRM's) that the rep confirmed. The digests feature never imports the CRM: `LOOKUPS` is the
hook it fills (`bot.links.crm`). Each lookup answers, in one statement for any number of reps, the
(rep, unit) pairs whose week had a figure from elsewhere beside the check-in, and whether the rep kept it.
Pairs it does not name are as reported. No Slack."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from datetime import date
from enum import StrEnum
from typing import Any

from sqlalchemy import Select
from sqlalchemy.orm import Session


class FigureSource(StrEnum):
    REPORTED = "reported"  # typed by the rep: no other figure beside it, or the rep corrected it
    CRM = "crm"  # the CRM's (or an imported) figure, which the rep confirmed in their check-in


# (session, team id, week's Monday, the scope's rep ids) → (rep id, unit, the rep kept the other figure)
Lookup = Callable[[Session, str, date, Select[Any]], Iterable[tuple[int, str, bool]]]
LOOKUPS: list[Lookup] = []


def of(
    session: Session, team_id: str, week: date, rep_ids: Select[Any]
) -> dict[int, dict[str, FigureSource]]:
    """{rep id: {unit: source}} for the week's figures that had another source beside them (none when no
    lookup is connected, or the workspace keeps no such figures)."""
    found: dict[int, dict[str, FigureSource]] = defaultdict(dict)
    for lookup in LOOKUPS:
        for rep_id, unit, kept in lookup(session, team_id, week, rep_ids):
            found[rep_id][unit] = FigureSource.CRM if kept else FigureSource.REPORTED
    return dict(found)
