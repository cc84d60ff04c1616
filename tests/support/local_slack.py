"""Talking to a running local-slack (the demo's Slack) through its control API, for the demo tests."""

from __future__ import annotations

import json
import shutil
import sys
import urllib.request
from pathlib import Path

import pytest

from bot.demo.install import binary_path, cache_dir

needs_local_slack = pytest.mark.skipif(
    not binary_path(cache_dir()).is_file() and shutil.which("npm") is None,
    reason="local-slack is not installed and npm is missing (install Node.js/npm to run the demo test)",
)


def demo_command(*, slack_port: int, app_port: int, data_dir: Path) -> list[str]:
    """`pacer demo` on these ports, as the README's `make demo` runs it."""
    return [
        sys.executable,
        "-m",
        "bot",
        "demo",
        "--slack-port",
        str(slack_port),
        "--app-port",
        str(app_port),
        "--data-dir",
        str(data_dir),
    ]


def get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=5) as response:
        return dict(json.loads(response.read()))


def messages(base: str, channel: str) -> list[dict[str, object]]:
    """The messages of a channel (by id) in the local-slack at `base`."""
    found: list[dict[str, object]] = get(f"{base}/_control/messages/{channel}")["messages"]  # type: ignore[assignment]
    return found


def channel_ids(base: str) -> dict[str, str]:
    state = get(f"{base}/_control/state")
    return {str(c["name"]): str(c["id"]) for c in state["channels"]}  # type: ignore[attr-defined]
