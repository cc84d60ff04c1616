"""`pacer demo` end to end: the rep's DM in local-slack has the nudge, #sales-digest the digest."""

from __future__ import annotations

import json
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from bot.demo.install import binary_path, cache_dir

pytestmark = pytest.mark.skipif(
    not binary_path(cache_dir()).is_file() and shutil.which("npm") is None,
    reason="local-slack is not installed and npm is missing (install Node.js/npm to run the demo test)",
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return dict(json.loads(response.read()))


def _messages(base: str, channel: str) -> list[dict[str, object]]:
    return list(_get(f"{base}/_control/messages/{channel}")["messages"])  # type: ignore[call-overload]


def test_demo_shows_nudges_and_digest(tmp_path: Path) -> None:
    slack_port, app_port = _free_port(), _free_port()
    command = [
        sys.executable,
        "-m",
        "bot",
        "demo",
        "--slack-port",
        str(slack_port),
        "--app-port",
        str(app_port),
        "--data-dir",
        str(tmp_path),
    ]  # the README's `make demo` runs `pacer demo`
    demo = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://localhost:{slack_port}"
    try:
        found: tuple[list[dict[str, object]], list[dict[str, object]]] | None = None
        deadline = time.monotonic() + 150
        while time.monotonic() < deadline and demo.poll() is None:
            try:
                state = _get(f"{base}/_control/state")
                channels = {c["name"]: c["id"] for c in state["channels"]}  # type: ignore[attr-defined]
                dm, digest = _messages(base, channels["dm-U0REP3"]), _messages(base, "C0DIGEST")
                if dm and any("Weekly digest" in str(m["text"]) for m in digest):
                    found = (dm, digest)
                    break
            except (OSError, KeyError):
                pass
            time.sleep(1)
        assert found is not None, f"demo never showed nudge and digest; log: {tmp_path}"
        dm, digest = found
        assert "Check in" in json.dumps(dm[0].get("blocks"))
        weekly = [m for m in digest if "Weekly digest" in str(m["text"])]  # beside it: the voice of the field
        assert weekly and "<@U0REP3>" in str(weekly[0]["text"])  # Noah has not checked in for last week
        second = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
        assert second.returncode == 1
        assert "already running" in second.stderr
    finally:
        demo.send_signal(signal.SIGINT)
        output = demo.communicate(timeout=60)[0].decode()
    assert demo.returncode == 0, output
    assert not (tmp_path / "demo.pid").exists()
