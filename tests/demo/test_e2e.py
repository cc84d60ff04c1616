"""`pacer demo` end to end: the rep's DM in local-slack has the nudge, #sales-digest the digest."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

from tests.support.local_slack import demo_command, get, messages, needs_local_slack
from tests.support.net import free_port

pytestmark = needs_local_slack


def is_nudge(message: dict[str, object]) -> bool:
    return "Check in" in json.dumps(message.get("blocks"))


def test_demo_shows_nudges_and_digest(tmp_path: Path) -> None:
    slack_port, app_port = free_port(), free_port()
    command = demo_command(slack_port=slack_port, app_port=app_port, data_dir=tmp_path)
    demo = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://localhost:{slack_port}"
    try:
        found: tuple[list[dict[str, object]], list[dict[str, object]]] | None = None
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and demo.poll() is None:
            try:
                state = get(f"{base}/_control/state")
                channels = {c["name"]: c["id"] for c in state["channels"]}  # type: ignore[attr-defined]
                dm, digest = messages(base, channels["dm-U0REP3"]), messages(base, "C0DIGEST")
                if any(is_nudge(m) for m in dm) and any("Weekly digest" in str(m["text"]) for m in digest):
                    found = (dm, digest)
                    break
            except (OSError, KeyError):
                pass
            time.sleep(1)
        assert found is not None, f"demo never showed nudge and digest; log: {tmp_path}"
        dm, digest = found
        assert [m for m in dm if is_nudge(m)]  # (beside it, on the feedback day: the feedback prompt)
        weekly = [m for m in digest if "Weekly digest" in str(m["text"])]  # beside it: the voice of the field
        assert len(weekly) == 1 and "<@U0REP3>" in str(weekly[0]["text"])  # Noah has not checked in yet
        nudges = {  # each rep nudged once, though `jobs run --now <later>` sends beside `pacer run`
            name: sum(is_nudge(m) for m in messages(base, channel))
            for name, channel in channels.items()
            if name.startswith("dm-")
        }
        assert nudges["dm-U0REP3"] == 1 and set(nudges.values()) <= {0, 1}, nudges
        second = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert second.returncode == 1
        assert "already running" in second.stderr
    finally:
        demo.send_signal(signal.SIGINT)
        output = demo.communicate(timeout=60)[0].decode()
    assert demo.returncode == 0, output
    assert not (tmp_path / "demo.pid").exists()
