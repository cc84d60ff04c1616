"""The nudge and the check-in modal as a rep reads them, in both languages: the week's target named by its
week ("Target for week 48: $7,000"), no ".00", no currency code, and what was reported."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from bot.checkins import views
from bot.checkins.models import Confidence
from bot.checkins.service import Due, GoalWeek
from bot.goals.models import Goal
from bot.roster.models import Member
from bot.workspaces.models import Workspace

WEEK = date(2026, 11, 23)  # ISO week 48


def goal_week(unit: str = "USD", result: D | None = None) -> GoalWeek:
    goal = Goal(id=3, title="Grow revenue", unit=unit)
    return GoalWeek(goal, D("7000.00"), D("6500.00"), result, Confidence.ON_TRACK if result else None)


def nudge(locale: str, item: GoalWeek) -> str:
    due = Due(Member(user_id="UREP", team_id="T1"), Workspace(team_id="T1"), WEEK, [item])
    return views.nudge_message(due, locale, reminder=False)["text"]  # type: ignore[arg-type]


def test_the_nudge_names_the_weeks_target_in_english() -> None:
    text = nudge("en", goal_week())
    assert "• *Grow revenue* · Target for week 48: $7,000" in text
    assert "USD" not in text and ".00" not in text and "that week" not in text and "this week" not in text


def test_the_nudge_names_the_weeks_target_in_chinese() -> None:
    text = nudge("zh", goal_week())
    assert "• *Grow revenue* · 第 48 周目标：US$7,000" in text and ".00" not in text


def test_the_done_message_shows_what_was_reported_with_its_cents() -> None:
    (line,) = views.done_message(WEEK, [goal_week(result=D("7250.50"))], "en")["text"].splitlines()[1:]
    assert line == "• *Grow revenue* · Target for week 48: $7,000 · ✅ $7,250.50 reported"
    counted = views.done_message(WEEK, [goal_week("count", D(12))], "zh")["text"]
    assert "第 48 周目标：7,000 · ✅ 已汇报 12" in counted


def test_the_modal_labels_the_result_by_its_week() -> None:
    modal = views.checkin_modal(WEEK, [goal_week()], "en", previous={}, help_requested=False, metadata={})
    labels = [b["label"]["text"] for b in modal["blocks"] if b["type"] == "input"]
    assert "Result for week 48 (target: $7,000)" in labels
    chinese = views.checkin_modal(WEEK, [goal_week()], "zh", previous={}, help_requested=False, metadata={})
    assert "第 48 周结果（目标：US$7,000）" in [
        b["label"]["text"] for b in chinese["blocks"] if b["type"] == "input"
    ]
