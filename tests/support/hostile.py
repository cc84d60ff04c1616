"""The hostile-input suites' setting: Maria manages Rita, whose goal is agreed and active, on a Monday;
every response is recorded and checked (never a 5xx, never "something went wrong on Pacer's side");
and afterwards the digest, `/pacer status`, `/pacer goals` and the Home tab must still render."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, select

from bot.delivery.models import Delivery, DeliveryStatus
from bot.goals.models import Goal, GoalStatus
from bot.workspaces.models import Workspace
from tests.support.app_server import AppServer
from tests.support.goal_forms import REVENUE_GOAL as GOAL
from tests.support.people import ADMIN, MARIA, REP_EN
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import PeerResponse, SlackPeer
from tests.support.waiting import wait_for

NOW = datetime(2026, 12, 7, 10, tzinfo=UTC)  # a Monday: last week's check-in is open


@dataclass
class Hostile:
    """Every response the hostile suite got, with the input that caused it."""

    slack: SlackPeer
    emulator: SlackEmulator
    app_server: AppServer
    seen: list[tuple[str, int]] = field(default_factory=list)

    def note(self, what: str, response: PeerResponse) -> dict[str, Any]:
        self.seen.append((what, response.status))
        assert response.status < 500, (what, response.status, response.text[:300])
        assert response.status == 200, (what, response.status)
        body = response.json()
        assert "Pacer's side" not in str(body), (what, body)
        return dict(body) if isinstance(body, dict) else {}

    def submit(
        self, what: str, view: dict[str, Any], answers: dict[str, Any], user_id: str
    ) -> dict[str, Any]:
        return self.note(what, self.slack.view_submission(view, answers, user_id=user_id))

    def command(self, what: str, command: str, user_id: str) -> str:
        return str(self.note(what, self.slack.command(command, user_id=user_id)).get("text", ""))

    def errors(self, what: str, view: dict[str, Any], answers: dict[str, Any], user_id: str) -> set[str]:
        """The blocks with a field error: the modal stays open with the person's answers."""
        answer = self.submit(what, view, answers, user_id)
        assert answer.get("response_action") == "errors", (what, answer)
        return set(answer["errors"])

    def no_unexpected_errors(self) -> None:
        told = [str(m) for ms in self.emulator.messages.values() for m in ms]
        told += [str(p) for _, p in self.emulator.responses]
        assert not [m for m in told if "Pacer's side" in m or "出了问题" in m]


def count(app_server: AppServer, *models: Any) -> tuple[int, ...]:
    with app_server.session_factory() as session:
        return tuple(int(session.scalar(select(func.count()).select_from(m)) or 0) for m in models)


def goal_id_of(app_server: AppServer) -> int:
    with app_server.session_factory() as session:
        return int(session.scalar(select(func.min(Goal.id))) or 0)


def dms(emulator: SlackEmulator, user_id: str) -> list[dict[str, Any]]:
    return emulator.messages.get("D" + user_id, [])


def goal_status(app_server: AppServer) -> GoalStatus:
    with app_server.session_factory() as session:
        return session.scalars(select(Goal.status)).one()


def assert_everything_renders(h: Hostile) -> None:
    """The digest, `/pacer status`, `/pacer goals` and the Home tab, for the manager and the rep.
    DMs still queued by the inputs before (the fuzzing's goals, rate-limited per channel) are dropped:
    they are not what is checked here, and sending them would only make the test wait."""
    with h.app_server.session_factory.begin() as session:
        session.execute(delete(Delivery).where(Delivery.status != DeliveryStatus.SENT))
    for user_id in (MARIA, REP_EN):
        for command in ("status", "goals"):
            assert h.command(f"/pacer {command}", command, user_id)
        before = len(h.emulator.calls_to("views.publish"))
        event = {"type": "app_home_opened", "user": user_id, "channel": "D" + user_id, "tab": "home"}
        assert h.slack.event(event).status == 200
        published = wait_for(lambda b=before: h.emulator.calls_to("views.publish")[b:], what="the Home tab")
        assert published[-1].response["ok"], published[-1].response
    preview = h.note("digest preview", h.slack.command("digest preview", user_id=MARIA))
    assert preview.get("blocks"), preview
    posted = h.app_server.run_job("weekly-digest", datetime(2026, 12, 7, 16, 5, tzinfo=UTC))
    assert posted[0].startswith("weekly-digest: 1 digests due"), posted
    assert wait_for(lambda: h.emulator.messages.get("C0DIGEST"), what="the digest in its channel")
    h.no_unexpected_errors()


def make_hostile(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> Hostile:
    """Maria manages Rita, whose goal (set by Maria) is agreed and active; the clock is a Monday."""
    app_server.clock.set(NOW)
    with app_server.session_factory.begin() as session:
        session.add(Workspace(team_id="T0000001", digest_channel_id="C0DIGEST"))
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"team add <@{REP_EN}|rita>", user_id=MARIA)
    view = slack.open_modal(f"goal <@{REP_EN}|rita>", user_id=MARIA)
    assert slack.view_submission(view, GOAL, user_id=MARIA).json() == {}
    ask = wait_for(lambda: dms(emulator, REP_EN), what="the agreement request")[-1]
    slack.click(ask, "goal_agree", user_id=REP_EN, channel_id="D" + REP_EN)
    wait_for(
        lambda: count(app_server, Goal) == (1,) and goal_status(app_server) is GoalStatus.ACTIVE,
        what="agreed",
    )
    emulator.reset()
    return Hostile(slack, emulator, app_server)
