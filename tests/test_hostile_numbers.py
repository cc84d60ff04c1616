"""Hostile numbers, dates and raw text over signed HTTP, in every modal with a number, date or text field
and every subcommand taking numbers or dates: never a 5xx, a field error on the right block where the
input is wrong (modal errors keep the other answers), nothing half-written, and the digest, `/pacer
status`, `/pacer goals` and the Home tab still render afterwards, even over values stored before the
bounds existed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.orm import Session

from bot.checkins.models import CheckIn
from bot.escalations.models import Escalation
from bot.feedback.models import FieldFeedback, ManagerFeedback
from bot.goals.models import Goal, GoalRevision, GoalStatus, WeeklyTarget
from bot.goals.numbers import MAX_AMOUNT
from bot.roster.models import Member, Vendor
from bot.workspaces.models import Workspace
from tests.support.app_server import AppServer
from tests.support.hostile import (
    GOAL,
    Hostile,
    assert_everything_renders,
    count,
    goal_id_of,
    goal_status,
    make_hostile,
)
from tests.support.people import ADMIN, MARIA, REP_EN
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer

pytestmark = pytest.mark.e2e
LONG = "x" * 10_000
NUL = "Budgets\x00 frozen\x07 until January\x1b[31m"
# Numbers no amount field accepts. "1\x002" is not here: the NUL is dropped where input is read.
BAD_AMOUNTS = [
    "1" * 30,
    "123456789012345678901234567890.5",
    "10000000000000000",  # 17 integer digits: more than Numeric(18, 2) holds
    "10,000,000,000,000",  # 14 integer digits: more than SQLite keeps exactly with two decimals
    "-5",
    "−5",
    "1e309",
    "1E5",
    "NaN",
    "inf",
    "-Infinity",
    "٣٤",  # Arabic-Indic digits
    "۳۴",  # Extended Arabic-Indic
    "१२",  # Devanagari
    "12.345",
    "9" * 10_000,
    "\x00",
    "1亿亿",
    "12\u202e",
]
GOOD_AMOUNTS = {"１２": Decimal(12), "1\x002": Decimal(12), "9,999,999,999,999.99": MAX_AMOUNT}
# (period, start, end) and the block that must carry the error.
BAD_PERIODS = [
    (("custom", "0001-01-01", "0001-12-31"), "start_date"),
    (("custom", "9999-01-01", "9999-12-31"), "start_date"),
    (("quarter", "9999-12-31", None), "start_date"),
    (("year", "0001-01-01", None), "start_date"),
    (("month", "2024-06-01", None), "start_date"),  # more than a year ago
    (("custom", "2026-12-01", "9999-12-31"), "end_date"),
    (("custom", "2026-12-01", "2029-12-01"), "end_date"),  # just over 3 years
    (("custom", "2026-12-01", "2026-11-30"), "end_date"),
]
BAD_IDS = ["99999999999999999999", "2147483648", "٣", "²", "-1", "1e309", "NaN", "0", "9" * 3000, "1\u0663"]
BAD_RATINGS = ["0", "6", "٣", "²", "-1", "1e309", "NaN", "9" * 5000, "3.0", "\x003\x00x"]


@pytest.fixture
def hostile(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> Hostile:
    return make_hostile(slack, emulator, app_server)


def test_goal_modal(hostile: Hostile) -> None:
    h = hostile
    view = h.slack.open_modal(f"goal <@{REP_EN}|rita>", user_id=MARIA)
    before = count(h.app_server, Goal, WeeklyTarget)
    for amount in BAD_AMOUNTS:
        assert h.errors(f"goal target {amount[:20]!r}", view, GOAL | {"target": amount}, MARIA) == {"target"}
    count_target = GOAL | {"unit": "count", "target": "12.5"}
    assert h.errors("goal target 12.5 count", view, count_target, MARIA) == {"target"}
    for (kind, start, end), block in BAD_PERIODS:
        answers = GOAL | {"period_kind": kind, "start_date": start, "end_date": end}
        assert h.errors(f"goal period {kind} {start} {end}", view, answers, MARIA) == {block}
    for name, limit in (("title", 150), ("metric_label", 60), ("description", 3000), ("why", 3000)):
        answers = GOAL | {name: LONG} | ({"metric": "custom"} if name == "metric_label" else {})
        assert h.errors(f"goal {name} 10,000 characters", view, answers, MARIA) == {name}, limit
    weights = ["9" * 5000 + "/0/0/0", "²5/25/25/25", "٢٥/25/25/25", "-10/40/35/35", "1e2/0/0/0"]
    for raw in weights:
        answers = GOAL | {"period_kind": "year", "start_date": "2026-01-01", "quarter_weights": raw}
        assert h.errors(f"goal weights {raw[:20]!r}", view, answers, MARIA) == {"quarter_weights"}
    assert count(h.app_server, Goal, WeeklyTarget) == before  # nothing half-written

    accepted = {
        "title": "Grow revenue\x00 in the east\x07 region 🙂 \u200f東部",
        "description": NUL,
        "why": "中文：东部是今年的增长重点\x00",
        "target": "１２",
        "period_kind": "custom",
        "start_date": "2026-12-01",
        "end_date": "2029-11-30",  # the longest goal: 3 years
    }
    assert h.submit("goal with NUL, RTL, CJK, emoji", view, GOAL | accepted, MARIA) == {}
    with h.app_server.session_factory() as session:
        newest = session.scalars(select(Goal).order_by(Goal.id.desc())).first()
        assert newest is not None and newest.target == 12
        assert "\x00" not in newest.title + newest.description + newest.why
        assert newest.title == "Grow revenue in the east region 🙂 \u200f東部"
        weeks = session.scalar(select(func.count()).where(WeeklyTarget.goal_id == newest.id))
        assert weeks is not None and weeks <= 3 * 53 + 1
    assert_everything_renders(h)


def test_goal_edit_modal_and_goal_ids(hostile: Hostile) -> None:
    h = hostile
    goal_id = goal_id_of(h.app_server)
    view = h.slack.open_modal(f"goal edit {goal_id}", user_id=MARIA)
    for amount in BAD_AMOUNTS:
        assert h.errors(f"goal edit target {amount[:20]!r}", view, {"target": amount}, MARIA) == {"target"}
    for (kind, start, end), block in BAD_PERIODS:
        answers = {"period_kind": kind, "start_date": start, "end_date": end}
        assert h.errors(f"goal edit period {kind} {start} {end}", view, answers, MARIA) == {block}
    with h.app_server.session_factory() as session:
        goal = session.get_one(Goal, goal_id)
        assert (goal.version, goal.target, goal.status) == (1, Decimal(130000), GoalStatus.ACTIVE)
    assert count(h.app_server, GoalRevision) == (0,)
    for bad in BAD_IDS:
        for command in ("goal edit", "goal close"):
            reply = h.command(f"{command} {bad[:20]}", f"{command} {bad}", MARIA)
            assert "goal's number" in reply, (command, bad, reply)
    assert goal_status(h.app_server) is GoalStatus.ACTIVE
    assert_everything_renders(h)


def test_checkin_modal(hostile: Hostile) -> None:
    h = hostile
    goal_id = goal_id_of(h.app_server)
    view = h.slack.open_modal("checkin", user_id=REP_EN)
    result, confidence = f"result:{goal_id}", f"confidence:{goal_id}"
    base = {confidence: "on_track"}
    for amount in BAD_AMOUNTS:
        got = h.errors(f"check-in result {amount[:20]!r}", view, base | {result: amount}, REP_EN)
        assert got == {result}, amount
    for note in ("highlights", "blockers"):
        answers = base | {result: "5", f"{note}:{goal_id}": LONG}
        assert h.errors(f"check-in {note} 10,000 characters", view, answers, REP_EN) == {f"{note}:{goal_id}"}
    forged = base | {result: "5"}
    forged_view = dict(
        view, blocks=[*view["blocks"], {"type": "input", "block_id": "result:٣", "element": {}}]
    )
    forged_view["blocks"][-1]["element"] = {"type": "plain_text_input", "action_id": "value"}
    h.submit("check-in block id result:٣", forged_view, forged | {"result:٣": "5"}, REP_EN)
    assert count(h.app_server, CheckIn) == (1,)  # the forged block was not saved; the real answer was
    for amount, expected in GOOD_AMOUNTS.items():
        notes = {f"highlights:{goal_id}": NUL, f"blockers:{goal_id}": "报价审批慢\x00 🙂 \u202e"}
        assert h.submit(f"check-in result {amount!r}", view, base | {result: amount} | notes, REP_EN) == {}
        with h.app_server.session_factory() as session:
            row = session.scalars(select(CheckIn)).one()
            assert row.result == expected
            assert "\x00" not in row.highlights + row.blockers and row.blockers == "报价审批慢 🙂 \u202e"
    assert_everything_renders(h)


def test_manager_feedback_and_field_feedback(hostile: Hostile) -> None:
    h = hostile
    give = {"strengths": "Great follow-up", "improve": "Qualify earlier", "next_step": "Shadow one demo"}
    view = h.slack.open_modal(f"feedback <@{REP_EN}|rita>", user_id=MARIA)
    for rating in BAD_RATINGS:
        option = {"text": {"type": "plain_text", "text": "x"}, "value": rating}
        assert h.errors(f"rating {rating[:20]!r}", view, give | {"rating": option}, MARIA) == {"rating"}
    assert h.errors("feedback 10,000 characters", view, give | {"improve": LONG}, MARIA) == {"improve"}
    assert count(h.app_server, ManagerFeedback) == (0,)
    assert h.submit("feedback with NUL", view, give | {"strengths": NUL, "rating": "4"}, MARIA) == {}
    with h.app_server.session_factory() as session:
        item = session.scalars(select(ManagerFeedback)).one()
        assert (item.strengths, item.rating) == ("Budgets frozen until January[31m", 4)

    share = h.slack.open_modal("feedback", user_id=REP_EN)
    answers = {"market": NUL, "competitor": "Globex\x00", "competitor_moves": LONG, "identity": "named"}
    assert h.errors("field feedback 10,000 characters", share, answers, REP_EN) == {"competitor_moves"}
    long_name = answers | {"competitor_moves": "Cut prices", "competitor": LONG}
    assert h.errors("competitor 10,000 characters", share, long_name, REP_EN) == {"competitor"}
    assert count(h.app_server, FieldFeedback) == (0,)
    answers["competitor_moves"] = "Cut prices by 15%"
    assert h.submit("field feedback with NUL", share, answers, REP_EN).get("response_action") == "update"
    with h.app_server.session_factory() as session:
        shared = session.scalars(select(FieldFeedback)).one()
        assert (shared.market, shared.competitor) == ("Budgets frozen until January[31m", "Globex")
    assert_everything_renders(h)


def test_setup_modal(hostile: Hostile) -> None:
    h = hostile
    view = h.slack.opened_view(h.slack.command("setup", user_id=ADMIN))

    def option(value: str) -> dict[str, Any]:
        return {"text": {"type": "plain_text", "text": "x"}, "value": value}

    cases: list[tuple[str, Any, str]] = []
    for bad in ("٣", "²", "-1", "9" * 5000, "1e309", "NaN", "\x00", "3.0"):
        cases += [
            ("nudge_weekday", option(bad), "nudge_weekday"),
            ("feedback_day", option(bad), "feedback_day"),
        ]
        cases += [("reminder_delay_hours", option(bad), "reminder_delay_hours")]
    cases += [("nudge_weekday", option("7"), "nudge_weekday"), ("feedback_day", option("29"), "feedback_day")]
    for bad in ("٠٩:٣٠", "25:00", "9" * 5000, "09:30\x00x", "-1:00", "NaN"):
        cases += [("nudge_time", option(bad), "nudge_time"), ("digest_time", option(bad), "digest_time")]
    for bad in (LONG, "Asia/Shanghai" + "\x00" * 100 + "x", "../../etc/passwd", "\u202eUTC"):
        cases.append(("timezone", bad, "timezone"))
    for bad in (LONG, "٣٣", "Ｄ\x00Ｘ"):
        cases.append(("country", bad, "country"))
    with h.app_server.session_factory() as session:
        saved = session.get_one(Workspace, "T0000001").updated_at
    for name, answer, block in cases:
        assert h.errors(f"setup {name} {str(answer)[:20]!r}", view, {name: answer}, ADMIN) == {block}, (
            name,
            answer,
        )
    with h.app_server.session_factory() as session:
        assert session.get_one(Workspace, "T0000001").updated_at == saved  # nothing written
    assert h.submit("setup time zone with NUL", view, {"timezone": "Asia/\x00Shanghai"}, ADMIN) == {}
    with h.app_server.session_factory() as session:
        assert session.get_one(Workspace, "T0000001").timezone == "Asia/Shanghai"
    assert_everything_renders(h)


def test_escalation_modal(hostile: Hostile) -> None:
    h = hostile
    view = h.slack.open_modal(
        f"escalate <@{REP_EN}|rita> The customer's legal review is stuck", user_id=MARIA
    )
    answers: dict[str, Any] = {"severity": "high"}
    assert h.errors("escalation 10,000 characters", view, answers | {"description": LONG}, MARIA) == {
        "description"
    }
    forged = {"text": {"type": "plain_text", "text": "x"}, "value": "9" * 5000}
    assert h.errors("escalation severity", view, answers | {"severity": forged}, MARIA) == {"severity"}
    assert count(h.app_server, Escalation) == (0,)
    assert h.submit("escalation with NUL", view, answers | {"description": NUL}, MARIA) == {}
    with h.app_server.session_factory() as session:
        assert session.scalars(select(Escalation.description)).one() == "Budgets frozen until January[31m"
    assert_everything_renders(h)


def test_subcommands(hostile: Hostile) -> None:
    h = hostile
    for first, last in [
        ("0001-01-01", "9999-12-31"),
        ("2026-12-20", "9999-12-31"),
        ("0001-01-01", "0001-01-02"),
        ("2024-01-01", "2024-01-02"),
        ("٢٠٢٦-١٢-٢٠", "2026-12-21"),
        ("2026-W51-1", "2026-12-21"),
        ("20261220", "20261221"),
        ("2026-02-30", "2026-03-01"),
        ("2026-12-21", "2026-12-20"),
        ("9" * 3000, "1"),
    ]:
        reply = h.command(f"away {first[:12]} to {last[:12]}", f"away {first} to {last}", REP_EN)
        assert "Give" in reply and "Got it" not in reply, (first, last, reply)
    with h.app_server.session_factory() as session:
        rita = session.scalars(select(Member).where(Member.user_id == REP_EN)).one()
        assert (rita.away_from, rita.away_until) == (None, None)
    assert "Got it" in h.command("away with NUL", "away 2026-12-20\x00 to 2027-01-03", REP_EN)
    with h.app_server.session_factory() as session:
        rita = session.scalars(select(Member).where(Member.user_id == REP_EN)).one()
        assert (rita.away_from, rita.away_until) == (date(2026, 12, 20), date(2027, 1, 3))
    assert "too long" in h.command("command text 10,000 characters", "goals " + LONG, MARIA)
    assert "too long" in h.command("vendor name 10,000 characters", "vendor add " + LONG, MARIA)
    reply = h.command("vendor name 3,000 characters", "vendor add " + "V" * 3000, MARIA)
    assert "80" in reply
    h.command("vendor name with NUL", "vendor add Acme\x00 Sales", MARIA)
    with h.app_server.session_factory() as session:
        assert session.scalars(select(Vendor.name)).all() == ["Acme Sales"]
    for words in (
        "country " + LONG[:3000],
        "country \x00\x00",
        "language \x00",
        "status vendor " + "V" * 3000,
    ):
        h.command(words[:24], words, MARIA)
    assert_everything_renders(h)


def _legacy_values(session: Session, postgres: bool) -> None:
    """Values stored before the bounds: 30-digit results on SQLite (which keeps them), NaN and the
    column's largest values on PostgreSQL (numeric(18, 2) keeps NaN)."""
    goal = session.scalars(select(Goal)).one()
    weeks = [date(2026, 11, 23), date(2026, 11, 30)]
    for week, value in zip(weeks, ("123456789012345678901234567890.12", "1e300"), strict=True):
        session.add(
            CheckIn(
                team_id=goal.team_id,
                goal_id=goal.id,
                rep_id=goal.rep_id,
                week_start=week,
                result=MAX_AMOUNT if postgres else Decimal(value),
                confidence="on_track",
            )
        )
    session.flush()
    if postgres:
        session.execute(text("UPDATE checkins SET result = 'NaN' WHERE week_start = :w"), {"w": weeks[1]})
        session.execute(
            update(WeeklyTarget).where(WeeklyTarget.week_start == weeks[0]).values(target=MAX_AMOUNT)
        )
    else:
        session.execute(update(Goal).values(target=Decimal("9" * 30)))


def test_values_stored_before_the_bounds_still_render(hostile: Hostile, app_server: AppServer) -> None:
    postgres = app_server.session_factory.kw["bind"].dialect.name == "postgresql"
    with app_server.session_factory.begin() as session:
        _legacy_values(session, postgres)
    assert_everything_renders(hostile)
    goals = hostile.command("goals", "goals", MARIA)
    assert "Grow Q4 revenue" in goals
