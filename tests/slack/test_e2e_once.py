"""A modal's second arrival (a double click, a retry after Bolt gave up on a slow first one) over signed
HTTP, with a test feature whose submission can be held inside its unit of work or made to fail: the
second arrival never waits on the first one's row lock, never closes the modal with an empty ack while
the first has not answered, and answers a first arrival's failure with the same error."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from slack_bolt import App

from bot.errors import Conflict
from bot.features import FEATURES, Feature
from bot.slack.commands import Commands
from bot.slack.deps import Deps
from bot.slack.idempotency import claim
from bot.slack.interaction import Interaction, NoMetadata, acts
from tests.support.people import ADMIN
from tests.support.slack_peer import PeerResponse, SlackPeer

pytestmark = pytest.mark.e2e
CALLBACK = "once_probe"
VIEW = {
    "id": "VONCE1",
    "hash": "1.abc",
    "type": "modal",
    "callback_id": CALLBACK,
    "private_metadata": "",
    "title": {"type": "plain_text", "text": "Probe"},
    "blocks": [
        {
            "type": "input",
            "block_id": "note",
            "label": {"type": "plain_text", "text": "Note"},
            "element": {"type": "plain_text_input", "action_id": "note"},
        }
    ],
}


class Probe:
    """What the probe's listener does on its next arrivals: hold inside the unit of work until released,
    and then commit and acknowledge, roll back, or fail after committing (before acknowledging)."""

    def __init__(self) -> None:
        self.plan: list[str] = []
        self.inside = threading.Event()
        self.release = threading.Event()
        self.acted = 0

    def submit(self, request: Interaction[NoMetadata]) -> None:
        step = self.plan.pop(0) if self.plan else "ok"
        with request.deps.session_factory.begin() as session:
            claim(session)
            self.acted += 1
            if step.startswith("hold"):
                self.inside.set()
                self.release.wait(10)
                step = step.removeprefix("hold-") or "ok"
            if step == "rollback":
                raise Conflict()
        if step == "fail-after-commit":
            raise Conflict()  # e.g. a Slack call before the ack failed: the claim is committed
        request.ack()


PROBE = Probe()


def _register(app: App, deps: Deps, commands: Commands) -> None:
    @app.view(CALLBACK)
    @acts(deps)
    def submit_probe(request: Interaction[NoMetadata]) -> None:
        PROBE.submit(request)


@pytest.fixture
def features() -> tuple[Feature, ...]:
    return (*FEATURES, Feature("once_probe", _register))


@pytest.fixture
def probe() -> Iterator[Probe]:
    PROBE.__init__()  # type: ignore[misc]
    yield PROBE
    PROBE.release.set()


def submit(slack: SlackPeer, note: str = "hello") -> PeerResponse:
    return slack.view_submission(VIEW, {"note": note}, user_id=ADMIN)


def in_background(slack: SlackPeer) -> tuple[threading.Thread, list[PeerResponse]]:
    answers: list[PeerResponse] = []
    thread = threading.Thread(target=lambda: answers.append(submit(slack)))
    thread.start()
    return thread, answers


def error_text(response: PeerResponse) -> str:
    body: dict[str, Any] = response.json()
    assert response.status == 200 and body.get("response_action") == "push", body
    return str(body["view"]["blocks"])


def test_a_second_arrival_does_not_wait_on_the_first_ones_lock_nor_close_the_modal(
    slack: SlackPeer, probe: Probe
) -> None:
    submit(slack, "warm up")  # the caller is known, the app warm
    probe.plan = ["hold"]
    first, answers = in_background(slack)
    assert probe.inside.wait(10)
    began = time.monotonic()
    second = submit(slack)
    waited = time.monotonic() - began
    assert waited < 2.5, waited  # before: it queued on the first one's uncommitted row (Bolt's 404 at 3 s)
    assert "still saving" in error_text(second)  # the modal stays open under it, with what was typed
    probe.release.set()
    first.join(10)
    assert answers[0].status == 200 and answers[0].json() == {}
    assert submit(slack).json() == {}  # a third arrival answers as the first did
    assert probe.acted == 2  # the warm-up and the first: the second and third did nothing


def test_a_second_arrival_acts_when_the_first_one_rolled_back_meanwhile(
    slack: SlackPeer, probe: Probe
) -> None:
    submit(slack, "warm up")
    probe.plan = ["hold-rollback", "ok"]
    first, answers = in_background(slack)
    assert probe.inside.wait(10)
    threading.Timer(0.3, probe.release.set).start()  # rolls back while the second one waits
    second = submit(slack)
    first.join(10)
    assert "already the case" in error_text(answers[0])
    assert second.status == 200 and second.json() == {}
    assert probe.acted == 3


def test_a_first_arrival_that_failed_before_its_ack_is_answered_again_with_its_error(
    slack: SlackPeer, probe: Probe
) -> None:
    probe.plan = ["fail-after-commit"]
    first = submit(slack)
    began = time.monotonic()
    second = submit(slack)
    assert error_text(second) == error_text(first)  # before: an empty ack a second later closed the modal
    assert time.monotonic() - began < 1.0
    assert probe.acted == 1
