"""The request bodies of the benchmark, built exactly as Slack builds them (by the tests' SlackPeer):
`/pacer help` slash commands and submissions of the setup modal. Signing happens at send time."""

from __future__ import annotations

import itertools
from datetime import time
from typing import Any

from slack_sdk import WebClient

from bot.features import pages
from bot.workspaces.service import WorkspaceSettings
from bot.workspaces.views import setup_modal
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import PeerResponse, SlackPeer

TEAM_ID = "T0000001"
BOT_TOKEN = "xoxb-test-token"  # the emulator's default
ADMIN = "UADMIN"  # a Slack workspace admin, so Pacer's admin
REP = "UREP"
DIGEST_CHANNEL = "C0DIGEST"
USERS = (ADMIN, REP)

# Valid answers to the setup modal, alternated so that every submission really changes the row.
SETUP_ANSWERS: tuple[dict[str, str], ...] = (
    {"digest_channel_id": DIGEST_CHANNEL, "timezone": "Asia/Shanghai", "nudge_weekday": "0"}
    | {"nudge_time": "09:00", "reminder_delay_hours": "24", "feedback_day": "0", "language": "en"},
    {"digest_channel_id": DIGEST_CHANNEL, "timezone": "Europe/London", "nudge_weekday": "2"}
    | {"nudge_time": "10:30", "reminder_delay_hours": "48", "feedback_day": "5", "language": "en"},
    {"digest_channel_id": DIGEST_CHANNEL, "timezone": "America/New_York", "nudge_weekday": "4"}
    | {"nudge_time": "16:00", "reminder_delay_hours": "12", "feedback_day": "28", "language": "en"},
)


def add_people(emulator: SlackEmulator) -> None:
    emulator.add_user(ADMIN, name="alex", real_name="Alex Admin", tz="Asia/Shanghai", is_admin=True)
    emulator.add_user(REP, name="rita", real_name="Rita Rep", tz="Europe/Berlin")
    emulator.add_channel(DIGEST_CHANNEL, "sales-digest")


class _Recorder(SlackPeer):
    """A SlackPeer that keeps what it would post instead of posting it."""

    def __init__(self, emulator: SlackEmulator) -> None:
        super().__init__("http://127.0.0.1:9/unused", "unused", emulator, team_id=TEAM_ID)
        self.bodies: list[bytes] = []

    def post_raw(self, body: bytes, headers: dict[str, str]) -> PeerResponse:
        self.bodies.append(body)
        return PeerResponse(200, b"")


def help_commands(emulator: SlackEmulator, count: int) -> list[bytes]:
    """`/pacer help` from the admin and the rep in turn, each with its own trigger id and response URL."""
    peer = _Recorder(emulator)
    for user_id in itertools.islice(itertools.cycle(USERS), count):
        peer.command("help", user_id=user_id)
    return peer.bodies


def setup_view(emulator: SlackEmulator) -> dict[str, Any]:
    """The setup modal as Slack holds it after `views.open` (id, hash, …), opened on the emulator."""
    current = WorkspaceSettings(
        digest_channel_id=None,
        timezone="UTC",
        nudge_weekday=0,
        nudge_time=time(9, 0),
        reminder_delay_hours=24,
        feedback_day=0,
        language="en",
    )
    # Pacer answers a saved setup through the response URL of the `/pacer setup` that opened the modal.
    metadata = {"response_url": emulator.new_response_url()}
    client = WebClient(token=BOT_TOKEN, base_url=emulator.api_url)
    opened = client.views_open(
        trigger_id=emulator.issue_trigger_id(),
        view=setup_modal(current, "en", private_metadata=metadata, sections=pages().setup),
    )
    view: dict[str, Any] = opened["view"]
    return view


def setup_submissions(emulator: SlackEmulator, count: int) -> list[bytes]:
    """`view_submission` payloads of the setup modal by the admin, with valid answers in turn."""
    peer = _Recorder(emulator)
    view = setup_view(emulator)
    for answers in itertools.islice(itertools.cycle(SETUP_ANSWERS), count):
        peer.view_submission(view, answers, user_id=ADMIN)
    return peer.bodies
