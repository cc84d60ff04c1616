"""Bounded, seeded fuzzing of every modal with a number, date or choice, over signed HTTP: whatever is
typed or forged into its fields, the app answers 200 with either success or field errors on the modal's
own blocks; what it saved fits its columns; and everything still renders afterwards."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.checkins.models import CheckIn
from bot.goals.models import Goal, WeeklyTarget
from bot.goals.numbers import fits_column
from tests.support.app_server import AppServer
from tests.support.hostile import GOAL, Hostile, assert_everything_renders, goal_id_of, make_hostile
from tests.support.people import ADMIN, MARIA, REP_EN
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer

pytestmark = pytest.mark.e2e
HOSTILE = [
    "",
    "\x00",
    "x" * 10_000,
    "1" * 30,
    "1e309",
    "NaN",
    "-inf",
    "-5",
    "12.345",
    "٣٤",
    "１２",
    "0001-01-01",
    "9999-12-31",
    "\u202e\u200f",
    "<!channel>",
    "中文 🙂",
    "\ud800",
]
CONTROL = "\x00\x01\x07\x0b\x1b\x7f\x85\r\n\t"
texts = st.one_of(
    st.sampled_from(HOSTILE),
    st.text(max_size=40),
    st.text(alphabet=st.sampled_from(f"ab 中🙂{CONTROL}"), max_size=40),
    st.integers(0, 6000).map(lambda n: "y" * n),
)
numbers = st.one_of(
    st.sampled_from(HOSTILE),
    st.integers(-(10**40), 10**40).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(min_value=0, max_value=Decimal("1e14"), places=2).map(lambda d: f"{d:,}"),
    st.text(alphabet=st.sampled_from("0123456789,. -+eE万亿kK$¥١٢３\x00"), max_size=30),
)
dates = st.one_of(
    st.sampled_from(HOSTILE),
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: f"{d.year:04d}-{d.month:02d}-{d.day:02d}"),
    st.text(alphabet=st.sampled_from("0123456789-W\x00"), max_size=12),
)


def option(values: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    """A chosen option: one the modal offers, or a forged value."""
    value = st.one_of(st.sampled_from(values), texts)
    return value.map(lambda v: {"text": {"type": "plain_text", "text": "x"}, "value": v})


def some_of(fields: dict[str, st.SearchStrategy[Any]], at_most: int = 3) -> st.SearchStrategy[dict[str, Any]]:
    """Answers for one to `at_most` of the fields (the others keep a valid answer), so that one bad
    value at a time meets an otherwise good form, where bugs hide."""
    names = st.sets(st.sampled_from(sorted(fields)), min_size=1, max_size=at_most)
    return names.flatmap(lambda chosen: st.fixed_dictionaries({name: fields[name] for name in chosen}))


def fuzzed(examples: int) -> settings:
    """A fixed number of examples, the same ones every run (derandomized), no deadline; one app per test."""
    return settings(
        max_examples=examples,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )


@pytest.fixture
def hostile(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> Hostile:
    return make_hostile(slack, emulator, app_server)


@pytest.fixture
def outcomes(request: pytest.FixtureRequest) -> Any:
    counted: Counter[str] = Counter()
    yield counted
    print(f"\n{request.node.name}: {dict(counted)}")


def check(
    h: Hostile, outcomes: Counter[str], view: dict[str, Any], answers: dict[str, Any], user: str
) -> None:
    """200, and either success or field errors on blocks the modal has."""
    answer = h.submit("fuzz", view, answers, user)
    blocks = {b.get("block_id") for b in view["blocks"]}
    if answer == {}:
        outcomes["saved"] += 1
    elif answer.get("response_action") == "errors":
        assert set(answer["errors"]) <= blocks, answer
        outcomes["field errors"] += 1
    else:
        assert answer.get("response_action") == "update", answer  # the stretch warning, the shared thanks
        outcomes["updated"] += 1


def goal_answers() -> st.SearchStrategy[dict[str, Any]]:
    fields = {
        "title": texts,
        "description": texts,
        "metric": option(["revenue", "calls", "custom"]),
        "metric_label": texts,
        "unit": option(["count", "USD", "CNY"]),
        "target": numbers,
        "why": texts,
        "period_kind": option(["year", "quarter", "month", "custom", "custom"]),
        "start_date": dates,
        "end_date": dates,
        "quarter_weights": st.one_of(texts, st.sampled_from(["20/25/25/30", "²5/25/25/25", "100/0/0/0"])),
    }
    return some_of(fields)


def test_fuzz_goal_modal(hostile: Hostile, outcomes: Counter[str]) -> None:
    h = hostile
    view = h.slack.open_modal(f"goal <@{REP_EN}|rita>", user_id=MARIA)

    @fuzzed(200)
    @given(goal_answers())
    def submit(answers: dict[str, Any]) -> None:
        check(h, outcomes, view, GOAL | answers, MARIA)

    submit()
    with h.app_server.session_factory() as session:
        for goal in session.scalars(select(Goal)):
            targets = session.scalars(
                select(WeeklyTarget.target).where(WeeklyTarget.goal_id == goal.id)
            ).all()
            assert sum(targets) == goal.target and fits_column(goal.target) and len(targets) <= 3 * 53 + 1
            assert len(goal.title) <= 150 and len(goal.metric_label) <= 60
            assert not any(c in goal.title + goal.description + goal.why for c in "\x00\x07\x1b\ud800")
    assert_everything_renders(h)


def test_fuzz_checkin_modal(hostile: Hostile, outcomes: Counter[str]) -> None:
    h = hostile
    goal_id = goal_id_of(h.app_server)
    view = h.slack.open_modal("checkin", user_id=REP_EN)
    required = {
        f"result:{goal_id}": st.one_of(numbers, st.integers(0, 10**6).map(str)),
        f"confidence:{goal_id}": option(["on_track", "at_risk", "off_track"]),
    }
    notes = {f"highlights:{goal_id}": texts, f"blockers:{goal_id}": texts}

    @fuzzed(200)
    @given(st.fixed_dictionaries(required, optional=notes))
    def submit(answers: dict[str, Any]) -> None:
        check(h, outcomes, view, answers, REP_EN)

    submit()
    with h.app_server.session_factory() as session:
        assert int(session.scalar(select(func.count()).select_from(CheckIn)) or 0) <= 1
        for row in session.scalars(select(CheckIn)):
            assert fits_column(row.result) and row.result >= 0
            assert len(row.highlights) <= 2000 and "\x00" not in row.highlights + row.blockers
    assert_everything_renders(h)


def test_fuzz_setup_modal(hostile: Hostile, outcomes: Counter[str]) -> None:
    h = hostile
    view = h.slack.opened_view(h.slack.command("setup", user_id=ADMIN))
    fields = {
        "timezone": st.one_of(texts, st.sampled_from(["Asia/Shanghai", "UTC", "../etc", "Europe/Berlin"])),
        "nudge_weekday": option([str(n) for n in range(7)]),
        "nudge_time": option(["09:00", "16:30", "23:59"]),
        "reminder_delay_hours": option(["4", "8", "72"]),
        "feedback_day": option(["0", "1", "28"]),
        "language": option(["en", "zh"]),
        "digest_weekday": option([str(n) for n in range(7)]),
        "digest_time": option(["16:00", "08:30"]),
        "report_week": option(["last", "current"]),
        "country": st.one_of(texts, st.sampled_from(["DE", "CN", "US", "XX"])),
    }

    @fuzzed(100)
    @given(some_of(fields))
    def submit(answers: dict[str, Any]) -> None:
        check(h, outcomes, view, answers, ADMIN)

    submit()
    assert h.submit("setup as it was", view, {}, ADMIN) == {}  # the digest below is due at the usual time
    assert_everything_renders(h)


def test_fuzz_feedback_and_escalation_modals(hostile: Hostile, outcomes: Counter[str]) -> None:
    h = hostile
    give = h.slack.open_modal(f"feedback <@{REP_EN}|rita>", user_id=MARIA)
    give_fields = {
        "strengths": texts,
        "improve": texts,
        "next_step": texts,
        "rating": option([str(n) for n in range(1, 6)]),
    }
    escalation = h.slack.open_modal(f"escalate <@{REP_EN}|rita> Legal review stuck", user_id=MARIA)
    escalation_fields = {"severity": option(["low", "medium", "high"]), "description": texts}

    @fuzzed(100)
    @given(some_of(give_fields), some_of(escalation_fields, at_most=1))
    def submit(give_answers: dict[str, Any], escalation_answers: dict[str, Any]) -> None:
        good = {"strengths": "Great follow-up", "improve": "Qualify earlier", "next_step": "Shadow one demo"}
        check(h, outcomes, give, good | give_answers, MARIA)
        check(h, outcomes, escalation, {"severity": "high"} | escalation_answers, MARIA)

    submit()
    assert_everything_renders(h)
