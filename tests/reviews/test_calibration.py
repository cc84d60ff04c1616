"""Calibration (bot/reviews/calibration.py), its views and publishing's builders: the rows an admin and a
manager see, each level's distribution, the two kinds of outlier, the CSV (formulas neutralised), the
vendor summary only once published and only levels, the chart in both languages; on both databases."""

from __future__ import annotations

import csv
import io
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from bot.digests.service import Scope
from bot.errors import NotAllowed
from bot.reviews import calibration, chart, policy, publish_messages, publish_views, scorecards, service
from bot.reviews.models import Dimension, ManagerReview, Stage
from bot.roster.models import Role
from bot.roster.policy import Caller
from tests.factories import TEAM, member, rep_with_goal
from tests.reviews.support import NOW, Q4_WEEKS, count_statements, seeded


def test_rows_distribution_and_outliers(session: Session) -> None:
    boss, reps = seeded(session, 5)  # sales at 80, 90, 100, 110 and 120 %: levels 2, 3, 4, 4, 5
    cycle = service.get_cycle(session, TEAM, "2026Q4")
    before = calibration.outliers(calibration.rows(session, Scope(TEAM), cycle))
    # overall 2.7, 3.3, 4.0, 4.0, 4.7: only the first is 1.0 or more from the median 4.0
    assert [(o.rep_id, o.key, o.values) for o in before] == [
        (reps[0].id, "reviews.calibration.outlier_overall", {"overall": "2.7", "median": "4.0"})
    ]
    session.add(ManagerReview(team_id=TEAM, cycle_id=cycle.id, rep_id=reps[4].id, sales_level=2))
    session.flush()
    rows = calibration.rows(session, Scope(TEAM), cycle)
    assert [row.rep.id for row in rows] == [rep.id for rep in reps]
    assert [row.auto[Dimension.SALES] for row in rows] == [2, 3, 4, 4, 5]
    assert calibration.distribution(rows)[Dimension.SALES] == Counter({2: 2, 3: 1, 4: 2})
    assert calibration.distribution(rows)[Dimension.SATISFACTION] == Counter({None: 5})
    # the manager's 2 where the data gave 5; the overalls are now 2.7, 3.3, 4.0, 4.0, 2.7 (median 3.3)
    assert [(o.rep_id, o.values) for o in calibration.outliers(rows)] == [
        (reps[4].id, {"dimension": "sales", "final": "2", "auto": "5"})
    ]
    names = calibration.manager_names(session, rows)
    assert calibration.grouped(rows, names, by_vendor=False).keys() == {boss.display_name}
    lines = publish_views.outlier_lines(calibration.outliers(rows), {reps[4].id: "Zoe"}, "zh")
    assert lines[0] == "Zoe：经理将销售设为 2，数据给出的是 5"


def test_a_manager_sees_their_own_team_only(session: Session) -> None:
    boss, _ = seeded(session, 4)
    other = member(session, "UOTHER", role=Role.MANAGER)
    rep_with_goal(session, "UFAR", other, None, dict.fromkeys(Q4_WEEKS, 10), {})
    cycle = service.get_cycle(session, TEAM, "2026Q4")
    mine = Caller(member=boss, role=Role.MANAGER, locale="en")
    assert len(calibration.rows(session, calibration.scope_of(mine, None), cycle)) == 4
    admin = Caller(member=member(session, "UADM", role=Role.ADMIN), role=Role.ADMIN, locale="en")
    assert len(calibration.rows(session, calibration.scope_of(admin, None), cycle)) == 5


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1", "'+33 1"),
        ("-2", "'-2"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("Acme", "Acme"),
        (None, ""),
    ],
)
def test_a_csv_cell_never_starts_a_formula(value: object, shown: str) -> None:
    assert calibration.cell(value) == shown


def test_the_csv_export(session: Session) -> None:
    _, reps = seeded(session, 4)
    reps[0].display_name = "=cmd|' /C calc'!A0"
    cycle = service.get_cycle(session, TEAM, "2026Q4")
    rows = calibration.rows(session, Scope(TEAM), cycle)
    content = calibration.export(rows, cycle, calibration.manager_names(session, rows))
    assert content.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    assert len(lines) == 5 and lines[0][-1] == "overall"
    first = next(line for line in lines if line[2] == reps[0].user_id)
    assert first[0] == "2026Q4" and first[1] == "'=cmd|' /C calc'!A0"
    assert first[5:8] == ["2", "auto", "2"] and first[8:11] == ["", "auto", ""] and first[-1] == "2.7"


def test_the_vendor_summary_waits_for_publishing_and_shows_levels_only(session: Session) -> None:
    boss, _ = seeded(session, 4)
    cycle = service.get_cycle(session, TEAM, "2026Q4")
    rows = calibration.rows(session, Scope(TEAM), cycle)
    with pytest.raises(NotAllowed):
        publish_messages.vendor_summary(boss, 1, "Acme", rows, cycle, locale="en")
    cycle.stage = Stage.PUBLISHED
    sent = publish_messages.vendor_summary(boss, 1, "Acme", rows, cycle, locale="en")
    assert sent.kind == "review-vendor" and sent.key == f"review-vendor:{cycle.id}:1:0"
    assert "overall" in str(sent.payload["blocks"]) and "Median of" not in str(sent.payload)
    unmet = publish_messages.vendor_summary("UCONTACT", 1, "Acme", rows, cycle, locale="zh")
    assert unmet.channel == "UCONTACT" and unmet.member_id is None and unmet.team_id == TEAM
    assert unmet.payload["text"] == "Acme：2026Q4 的评分卡"


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_chart_is_a_png_with_gaps_for_no_data(locale: str) -> None:
    bars = chart.Bars([3, None, 2, 4, Decimal("3.2")], [3, None, 3, 4, Decimal("3.5")], [None] * 5)
    png = chart.render(bars, "2026Q4", locale)  # type: ignore[arg-type]
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    assert NOW.year == 2026


@pytest.mark.parametrize(("comments", "summarised"), [(3, True), (2, False)])
def test_the_rep_sees_peer_comments_only_as_an_anonymised_summary_of_three(
    session: Session, comments: int, summarised: bool
) -> None:
    _, reps = seeded(session, 4)
    cycle = service.get_cycle(session, TEAM, "2026Q4")
    row = calibration.rows(session, Scope(TEAM), cycle)[0]
    said = [f"Comment {n} <@U1>" for n in range(comments)]
    parts = policy.visible(policy.Viewer.REP, Stage.PUBLISHED, comments=comments)
    lines = "\n".join(publish_views.scorecard_lines(row, publish_views.Shown(parts, comments=said), "en"))
    assert ("What 3 peers said" in lines) is summarised and ("Comment 0 &lt;@U1&gt;" in lines) is summarised
    assert "UREP" not in lines and reps[0].display_name not in lines  # never who rated
    before = policy.visible(policy.Viewer.REP, Stage.CALIBRATION, comments=comments)
    assert publish_views.scorecard_lines(row, publish_views.Shown(before, comments=said), "en") == []


def test_the_listing_reads_in_a_constant_number_of_statements(session: Session) -> None:
    boss, reps = seeded(session, 30)
    big = member(session, "UBIG", role=Role.MANAGER)
    for rep in reps[4:]:
        rep.manager_id = big.id  # Maria keeps 4 reps, the other manager has 26
    session.flush()
    cycle = service.get_cycle(session, TEAM, "2026Q4")
    engine = session.get_bind()
    few = count_statements(engine, lambda: calibration.rows(session, Scope(TEAM, boss.id), cycle))
    many = count_statements(engine, lambda: calibration.rows(session, Scope(TEAM, big.id), cycle))
    assert len(calibration.rows(session, Scope(TEAM, big.id), cycle)) == 26
    assert few == many <= 8 + scorecards.connected_statements(), (few, many)
