"""The fan-out benchmark's setting (not timed): a fresh migrated database holding a workspace, a manager
and N reps on their team (`people`; for the nudges, `populate` gives each an agreed (ACTIVE) quarterly goal
made by the goal service; benchmarks/fanout_jobs.py sets up the other jobs); and a Slack emulator that
knows the reps and posts under Slack-like limits."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import SecretStr
from sqlalchemy import Engine, func, insert, select
from sqlalchemy.orm import Session

from benchmarks import servers
from bot.checkins.messages import nudged
from bot.checkins.service import due_nudges
from bot.config import Settings
from bot.db import SessionFactory, make_engine
from bot.db.migrate import upgrade
from bot.goals import service as goals
from bot.goals.form import GoalInput
from bot.goals.models import Goal, GoalStatus, Metric, PeriodKind
from bot.roster.models import Member, Role
from bot.roster.policy import Caller
from bot.roster.service import SlackProfile, add_manager, caller_for, save_profile
from bot.workspaces.service import ensure_workspace
from tests.support.slack_emulator import SlackEmulator

TEAM_ID = "T0000001"
BOT_TOKEN = "xoxb-fanout-bench"
MANAGER_ID = "UMGR00001"
POST = "chat.postMessage"
# A Monday, 12:30 UTC: between 09:30 and 15:30 of that Monday in each zone below, so every rep is inside
# their nudge window (the workspace's default: Monday 09:00, caught up within 24 hours).
NOW = datetime(2026, 11, 30, 12, 30, tzinfo=UTC)
ZONES = (
    "America/Sao_Paulo",  # UTC-3
    "Atlantic/Azores",  # UTC-1 in winter
    "Europe/London",  # UTC+0
    "Europe/Berlin",  # UTC+1
    "Europe/Athens",  # UTC+2
    "Europe/Istanbul",  # UTC+3
)
ZH_EVERY = 5  # every fifth rep reads Pacer in Chinese, the others in English
GOAL = GoalInput(
    title="Close more enterprise deals",
    description="New logos in the enterprise segment",
    metric=Metric.DEALS_CLOSED,
    metric_label="",
    unit="count",
    target=Decimal(130),
    why="Enterprise is this year's growth plan",
    period_kind=PeriodKind.QUARTER,
    start_date=date(2026, 10, 1),
    end_date=date(2026, 12, 31),
    quarter_weights=None,
)


class SetupError(Exception):
    """The setting is not what the benchmark needs (e.g. not every rep is due): it cannot measure."""


def rep_ids(count: int) -> list[str]:
    return [f"U{index:08d}" for index in range(1, count + 1)]


def zone_of(index: int) -> str:
    return ZONES[index % len(ZONES)]


def locale_of(index: int) -> str:
    return "zh-CN" if index % ZH_EVERY == 0 else "en-US"


@contextmanager
def database(backend: str, workdir: Path, postgres_url: str, name: str) -> Iterator[Engine]:
    """A fresh, migrated database: a SQLite file in `workdir`, or a PostgreSQL schema of its own (created
    here, dropped on the way out)."""
    if backend == "sqlite":
        engine = make_engine(f"sqlite:///{workdir / f'{name}.db'}")
        try:
            upgrade(engine)
            yield engine
        finally:
            engine.dispose()
        return
    with servers.postgres_database(postgres_url) as url:
        engine = make_engine(url)
        try:
            upgrade(engine)
            yield engine
        finally:
            engine.dispose()


def people(session: Session, reps: Sequence[str], *, now: datetime) -> Caller:
    """The workspace (defaults), its manager, and the reps on the manager's team (one bulk insert of the
    rows `save_profile` and `/pacer team add` leave); the manager as the caller who acts on them."""
    workspace = ensure_workspace(session, TEAM_ID)
    boss = SlackProfile(
        MANAGER_ID, "Morgan Manager", "Europe/London", "en-US", False, False, False, full_member=True
    )
    manager = save_profile(session, team_id=TEAM_ID, profile=boss, now=now)
    add_manager(manager)
    session.flush()
    rows = [
        {
            "team_id": TEAM_ID,
            "user_id": user_id,
            "display_name": f"rep {index}",
            "role": Role.REP,
            "is_slack_admin": False,
            "on_team": True,
            "manager_id": manager.id,
            "timezone": zone_of(index),
            "slack_locale": locale_of(index),
            "active": True,
            "refreshed_at": now,
            "created_at": now,
        }
        for index, user_id in enumerate(reps)
    ]
    for start in range(0, len(rows), 1000):
        session.execute(insert(Member), rows[start : start + 1000])
    return caller_for(manager, workspace, frozenset())


def populate(factory: SessionFactory, reps: Sequence[str], *, now: datetime = NOW) -> None:
    """`people` (the workspace's defaults: nudges on Monday 09:00), and one goal for each rep, made by
    `goals.create` and agreed by the rep (`goals.agree`), as in the app."""
    with factory.begin() as session:
        caller = people(session, reps, now=now)
        members = session.scalars(select(Member).where(Member.role == Role.REP).order_by(Member.id)).all()
        for rep in members:
            goal = goals.create(session, caller=caller, rep=rep, data=GOAL)
            goals.agree(goal, rep, version=goal.version, now=now)


def check_due(factory: SessionFactory, expected: int, *, now: datetime = NOW) -> int:
    """How many reps `due_nudges` finds at `now`; a SetupError unless it is every rep."""
    with factory() as session:
        active = session.scalar(select(func.count()).where(Goal.status == GoalStatus.ACTIVE))
        due = len(due_nudges(session, now=now, nudged=nudged(session, now=now)))
    if due != expected or active != expected:
        raise SetupError(f"{expected} reps set up, {active} active goals, but {due} due a nudge at {now}")
    return due


@dataclass(frozen=True)
class Limits:
    """What the emulator enforces on chat.postMessage, for the report."""

    workspace_per_second: float
    failure_rate: float

    def lines(self) -> list[str]:
        burst = max(1.0, self.workspace_per_second)
        lines = [
            f"{POST}: workspace token bucket {self.workspace_per_second:g}/s (burst {burst:g}); "
            "calls beyond it are answered 429 with Retry-After",
            "per-channel 1/s: NOT enforced (SlackEmulator.set_rate_limit keeps one limit per method, so it "
            "is the workspace one); checked instead from the emulator's record (column <1s/ch)",
        ]
        if self.failure_rate:
            lines.append(
                f"{POST}: {self.failure_rate:.0%} of calls answered 429 (Retry-After 1), 500 or 503, "
                "chosen at random (seed 0)"
            )
        return lines


class RecordingEmulator(SlackEmulator):
    """The emulator, also noting when it answered each chat.postMessage, where to and with what status:
    enough to check the limits it does not enforce (1 s per channel; silence for Retry-After)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.posts: list[tuple[float, str, int]] = []  # (clock, channel, HTTP status)

    def _answer(
        self, method: str, params: dict[str, Any], token: str | None
    ) -> tuple[int, dict[str, Any], int]:
        answer = super()._answer(method, params, token)
        if method == POST:
            self.posts.append((self.clock(), str(params.get("channel", "")), answer[0]))
        return answer


def emulator(reps: Sequence[str], limits: Limits) -> RecordingEmulator:
    """A started emulator that knows every rep and the manager, under `limits`."""
    slack = RecordingEmulator(team_id=TEAM_ID, bot_token=BOT_TOKEN)
    slack.start()
    slack.add_user(MANAGER_ID, name="morgan", tz="Europe/London")
    for index, user_id in enumerate(reps):
        slack.add_user(user_id, name=f"rep{index}", tz=zone_of(index), locale=locale_of(index))
    slack.set_rate_limit(POST, per_second=limits.workspace_per_second)
    if limits.failure_rate:
        slack.set_failure_rate(limits.failure_rate, statuses=(429, 500, 503), methods={POST}, retry_after=1)
    return slack


def settings(slack: SlackEmulator, database_url: str, *, rate: float, workers: int) -> Settings:
    """Pacer's settings for this run, as `tests.conftest.make_settings` builds them (no .env)."""
    return Settings(
        _env_file=None,
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_signing_secret=SecretStr("fanout-bench-signing-secret"),
        slack_api_url=slack.api_url,
        database_url=database_url,
        delivery_rate=rate,
        delivery_workers=workers,
    )
