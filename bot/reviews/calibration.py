"""Calibration (issue 12): all scorecards of a cycle side by side, each level's distribution per team and
per vendor, the outliers, and the cycle as CSV. No Slack.

Who sees what: an admin sees every rep of the workspace, a manager their own team (`own_scope`), either
narrowed to one vendor. Sales count the quarter's weeks up to today (all of them once it is over). The
levels are computed live (`scorecards.score`), once with the manager's final
levels and once without, so a final level can be compared with the one the data gave.

Outliers, two kinds, each a reason to look again before publishing:
- a final level set by the manager `LEVEL_GAP` (2) or more away from the level computed from the data
  (the auto or peer level; a dimension without data is never an outlier);
- an overall score `OVERALL_GAP` (1.0) or more away from the median overall of the rep's team (the
  manager's reps in this listing), when the team has at least `MIN_TEAM` (3) scored reps."""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.digests.service import Scope, own_scope
from bot.reviews.models import DIMENSIONS, Dimension, ReviewCycle, Source
from bot.reviews.scorecards import Card, read_figures, score
from bot.reviews.settings import load_config
from bot.roster.models import Member, Vendor
from bot.roster.policy import Caller
from bot.spreadsheets import safe_cell as cell

LEVEL_GAP = 2
OVERALL_GAP = Decimal("1.0")
MIN_TEAM = 3


@dataclass(frozen=True)
class Row:
    """A rep's scorecard in the listing, with the levels the data alone gave (`auto`)."""

    rep: Member
    vendor: str  # the vendor's name, "" for none
    card: Card
    auto: dict[Dimension, int | None]

    def level(self, dimension: Dimension) -> int | None:
        return self.card.levels[dimension].level

    @property
    def overall(self) -> Decimal | None:
        return None if self.card.overall is None else self.card.overall.score


@dataclass(frozen=True)
class Outlier:
    rep_id: int
    key: str  # reviews.calibration.outlier_*
    values: dict[str, str]


Distribution = dict[Dimension, Counter[int | None]]


def scope_of(caller: Caller, vendor: Vendor | None) -> Scope:
    """An admin's listing covers the workspace, a manager's their team; `vendor` narrows either."""
    own = own_scope(caller)
    return replace(own, vendor_id=vendor.id) if vendor is not None else own


def rows(session: Session, scope: Scope, cycle: ReviewCycle, *, through: date | None = None) -> list[Row]:
    """The scope's scorecards of the cycle, in the order the digest lists reps (six statements), counting
    the quarter's weeks up to `through` (today: a week to come has no result yet, and is left out)."""
    figures = read_figures(session, scope, cycle.quarter, through)
    config = load_config(session, scope.team_id)
    found = []
    for rep, vendor in session.execute(scope.reps()):
        card, auto = Card(rep.id, rep.manager_id, rep.vendor_id), Card(rep.id, rep.manager_id, rep.vendor_id)
        score(card, figures, config)
        score(auto, replace(figures, final={}), config)
        levels = {d: level.level for d, level in auto.levels.items()}
        found.append(Row(rep, vendor or "", card, levels))
    return found


def distribution(of: list[Row]) -> Distribution:
    """How many reps have each level (None: no data), per dimension."""
    return {d: Counter(row.level(d) for row in of) for d in DIMENSIONS}


def grouped(of: list[Row], names: dict[int, str], *, by_vendor: bool) -> dict[str, Distribution]:
    """Each level's distribution per vendor (by name) or per team (by its manager's name in `names`)."""
    groups: dict[str, list[Row]] = {}
    for row in of:
        name = row.vendor if by_vendor else names.get(row.rep.manager_id or 0, "")
        groups.setdefault(name, []).append(row)
    return {name: distribution(members) for name, members in sorted(groups.items())}


def outliers(of: list[Row]) -> list[Outlier]:
    """The reasons to look again, rep by rep (see the module's docstring)."""
    return [*_level_outliers(of), *_overall_outliers(of)]


def _level_outliers(of: list[Row]) -> list[Outlier]:
    found = []
    for row in of:
        for d in DIMENSIONS:
            final, auto = row.level(d), row.auto[d]
            manager = row.card.levels[d].source is Source.MANAGER
            if manager and final is not None and auto is not None and abs(final - auto) >= LEVEL_GAP:
                values = {"dimension": d.value, "final": str(final), "auto": str(auto)}
                found.append(Outlier(row.rep.id, "reviews.calibration.outlier_level", values))
    return found


def _overall_outliers(of: list[Row]) -> list[Outlier]:
    found = []
    for team in _teams(of).values():
        scored = [row.overall for row in team if row.overall is not None]
        if len(scored) < MIN_TEAM:
            continue
        middle = Decimal(median(scored)).quantize(Decimal("0.1"))
        for row in team:
            if row.overall is not None and abs(row.overall - middle) >= OVERALL_GAP:
                values = {"overall": f"{row.overall:.1f}", "median": f"{middle:.1f}"}
                found.append(Outlier(row.rep.id, "reviews.calibration.outlier_overall", values))
    return found


def _teams(of: list[Row]) -> dict[int | None, list[Row]]:
    teams: dict[int | None, list[Row]] = {}
    for row in of:
        teams.setdefault(row.rep.manager_id, []).append(row)
    return teams


def export(of: list[Row], cycle: ReviewCycle, names: dict[int, str]) -> bytes:
    """The cycle as CSV (UTF-8 with a BOM, so Excel reads Chinese names): a line per rep, each level with
    its source and the level from the data, the overall."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    per_dimension = [f"{d.value}_{part}" for d in DIMENSIONS for part in ("level", "source", "auto")]
    writer.writerow(["quarter", "rep", "slack_id", "manager", "vendor", *per_dimension, "overall"])
    for row in of:
        levels = [
            value
            for d in DIMENSIONS
            for value in (row.level(d), row.card.levels[d].source.value, row.auto[d])
        ]
        overall = None if row.overall is None else f"{row.overall:.1f}"
        manager = names.get(row.rep.manager_id or 0, "")
        fields = [cycle.quarter, row.rep.display_name, row.rep.user_id, manager, row.vendor, *levels, overall]
        writer.writerow([cell(value) for value in fields])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def manager_names(session: Session, of: list[Row]) -> dict[int, str]:
    """The managers' display names of the rows' teams, by member id (one statement)."""
    ids = {row.rep.manager_id for row in of if row.rep.manager_id is not None}
    if not ids:
        return {}
    found = session.execute(
        select(Member.id, Member.display_name).where(Member.team_id == of[0].rep.team_id, Member.id.in_(ids))
    )
    return {member_id: name for member_id, name in found}
