"""The CRM's figures in scorecards and incentives (bot/links/crm.py, bot/crm/figures.py), on SQLite and
PostgreSQL: by default the reps' reports count; once a workspace chooses the CRM, sales attainment and
incentive attainment sum the CRM's actuals and its new accounts are the market expansion figure (a
manager's entry still wins), the evidence naming the source; a rep without CRM rows has no data, never
0 %; a constant number of statements. And the CRM's part of the check-in and of `/pacer status`, connected
to their hooks once however often the links connect."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.checkins.extras import EXTRAS
from bot.crm import figures
from bot.crm.models import Actual
from bot.digests.extras import STATUS
from bot.digests.service import Scope
from bot.errors import Invalid
from bot.goals.models import Metric
from bot.incentives.attainment import figures_in
from bot.links import crm
from bot.reviews.models import Dimension, InputKind, InputSource, ReviewInput
from bot.reviews.publish_views import evidence_text
from bot.reviews.scorecards import build_scorecards, quarter_span
from tests.factories import TEAM
from tests.links.support import connected
from tests.reviews.support import Q4_WEEKS, count_statements, seeded

NOW = datetime(2026, 12, 21, 9, tzinfo=UTC)


def crm_rows(session: Session, rep_id: int, weekly: int) -> None:
    for n, week in enumerate(Q4_WEEKS):
        session.add(
            Actual(
                team_id=TEAM,
                rep_id=rep_id,
                week_start=week,
                day=week,
                metric=Metric.NEW_ACCOUNTS,
                amount=Decimal(weekly),
                currency="count",
                source="crm:zoho",
                external_id=f"acc-{rep_id}-{n}",
            )
        )
    session.flush()


def test_a_workspace_that_chooses_the_crm_counts_its_figures(session: Session) -> None:
    connected()
    _boss, reps = seeded(session, 4)  # reps report 8 to 12 a week against 10
    crm_rows(session, reps[0].id, 13)  # the CRM says 13 a week: 130 %
    session.add(  # a manager's entry wins over the CRM's new accounts
        ReviewInput(
            team_id=TEAM,
            rep_id=reps[2].id,
            quarter="2026Q4",
            kind=InputKind.EXPANSION,
            value=Decimal(4),
            source=InputSource.MANAGER,
            note="Two new towns",
        )
    )
    crm_rows(session, reps[2].id, 1)
    reported = {c.rep_id: c for c in build_scorecards(session, TEAM, "2026Q4")}
    assert reported[reps[0].id].attainment == Decimal("0.8")
    assert reported[reps[0].id].levels[Dimension.SALES].evidence.key == "reviews.evidence.sales"
    assert figures.source_of(session, TEAM) is figures.Source.REPORTED

    assert figures.set_source(session, TEAM, " CRM ", now=NOW) is figures.Source.CRM
    chosen = {c.rep_id: c for c in build_scorecards(session, TEAM, "2026Q4")}
    rita = chosen[reps[0].id]
    assert rita.attainment == Decimal("1.3")
    sales = rita.levels[Dimension.SALES].evidence
    assert evidence_text(sales, "en") == "130 % of target over 14 weeks (CRM figures)"
    assert evidence_text(sales, "zh") == "14 周内完成目标的 130 %（CRM 数据）"
    expansion = rita.levels[Dimension.EXPANSION].evidence
    assert expansion.values == {"value": "169", "source": "crm"}
    assert chosen[reps[1].id].attainment is None  # no CRM rows: no data, never 0 %
    assert chosen[reps[2].id].levels[Dimension.EXPANSION].evidence.values["source"] == "manager"

    weeks = quarter_span("2026Q4", None)
    plan = figures_in(session, Scope(TEAM), Metric.NEW_ACCOUNTS, weeks)
    assert plan[reps[0].id].crm and plan[reps[0].id].attainment == Decimal("1.3")
    assert plan[reps[1].id].attainment == 0  # as with no check-ins: the plan pays nothing yet
    figures.set_source(session, TEAM, "reported", now=NOW)
    assert figures_in(session, Scope(TEAM), Metric.NEW_ACCOUNTS, weeks)[reps[0].id].attainment == Decimal(
        "0.8"
    )
    with pytest.raises(Invalid) as refused:
        figures.set_source(session, TEAM, "salesforce", now=NOW)
    assert refused.value.key == "crm.figures.usage"


def test_the_crm_adds_a_fixed_number_of_statements(engine: Engine, session: Session) -> None:
    connected()
    counts = []
    for size in (4, 40):
        _boss, reps = seeded(session, size)
        for rep in reps:
            crm_rows(session, rep.id, 11)
        figures.set_source(session, TEAM, "crm", now=NOW)
        counts.append(count_statements(engine, lambda: build_scorecards(session, TEAM, "2026Q4")))
        session.rollback()
    assert counts == [12, 12]  # seven, three evidence sources, the choice, the CRM's new accounts


def test_the_crm_is_connected_to_the_check_in_and_the_status_once() -> None:
    connected()
    connected()
    assert EXTRAS.count(crm.CHECKIN) == 1 and STATUS.count(crm.status_pipeline) == 1
