"""`/pacer goals` and a goal's summary as people read them, in both languages: each goal's period and due
date (through Slack's `<!date>`, with a Babel fallback), its status in words, and its figures to date."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from bot.goals import views
from bot.goals.breakdown import Pace
from bot.goals.models import Goal, GoalStatus, Metric, PeriodKind
from bot.goals.service import Progress
from bot.roster.models import Member

# Noon UTC of 2027-03-31: every reader within 11 hours of UTC sees that day.


def goal(kind: PeriodKind, start: date, end: date, status: GoalStatus = GoalStatus.ACTIVE) -> Goal:
    return Goal(
        id=7,
        title="Grow revenue",
        metric=Metric.REVENUE,
        metric_label="",
        unit="USD",
        target=D(84000),
        why="growth",
        period_kind=kind,
        start_date=start,
        end_date=end,
        status=status,
    )


def row(item: Goal, ratio: D | None) -> Progress:
    pace = Pace(D("28150"), D(28000), ratio, D("84450.50"))
    return Progress(goal=item, rep=Member(user_id="UREP", team_id="T1"), pace=pace, weekly_needed=D(7000))


Q1 = goal(PeriodKind.QUARTER, date(2027, 1, 1), date(2027, 3, 31))


def test_the_english_listing_names_period_due_date_and_status() -> None:
    text, body = views.goals_list([row(Q1, D("1.005"))], "en")
    assert "Q1 2027 · due Mar 31 · " in text
    assert "*#7 Grow revenue* · <@UREP> · on track" in text
    assert (
        "$28,150 of $84,000 to date · pace to date 101% · projected $84,450.50 · needed per week $7,000"
        in text
    )
    assert body[0]["type"] == "header" and "USD" not in text and ".00" not in text


def test_the_chinese_listing_names_period_due_date_and_status() -> None:
    text, _ = views.goals_list([row(Q1, D("0.9"))], "zh")
    assert "2027年第1季度 · 3月31日截止" in text
    assert "*#7 Grow revenue* · <@UREP> · 有风险" in text
    assert "累计 US$28,150 / US$84,000 · 累计进度 90% · 预计 US$84,450.50 · 每周还需 US$7,000" in text


@pytest.mark.parametrize(
    ("item", "english", "chinese"),
    [
        (goal(PeriodKind.YEAR, date(2027, 1, 1), date(2027, 12, 31)), "2027", "2027年"),
        (Q1, "Q1 2027", "2027年第1季度"),
        (goal(PeriodKind.MONTH, date(2027, 3, 1), date(2027, 3, 31)), "Mar 2027", "2027年3月"),
        (goal(PeriodKind.CUSTOM, date(2027, 1, 5), date(2027, 3, 31)), "Jan 5 – Mar 31", "1月5日–3月31日"),
        # a quarter goal edited to start later is named by its dates, not as the whole quarter
        (goal(PeriodKind.QUARTER, date(2027, 2, 1), date(2027, 3, 31)), "Feb 1 – Mar 31", "2月1日–3月31日"),
    ],
)
def test_periods_are_named_as_people_name_them(item: Goal, english: str, chinese: str) -> None:
    assert views.period_name(item, "en") == english
    assert views.period_name(item, "zh") == chinese


def test_status_is_words_for_each_state() -> None:
    assert views.status_words(row(Q1, D("0.5")), "en") == "behind"
    assert views.status_words(row(Q1, None), "en") == "nothing due yet"
    pending = goal(PeriodKind.QUARTER, Q1.start_date, Q1.end_date, GoalStatus.AWAITING_AGREEMENT)
    assert views.status_words(row(pending, None), "en") == "awaiting the rep's agreement"
    assert views.status_words(row(pending, None), "zh") != "awaiting the rep's agreement"


def test_a_goal_summary_writes_its_calendar_days_out() -> None:
    """A goal's days are calendar days, the same for every reader: never shifted by a zone (`<!date>` is
    for moments)."""
    english = views.summary(Q1, "en")
    assert "*Grow revenue*: $84,000 (Revenue), Jan 1, 2027 to Mar 31, 2027." in english
    assert "<!date" not in english
    assert "2027年3月31日" in views.summary(Q1, "zh")
