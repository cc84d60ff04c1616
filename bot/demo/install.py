"""Find or install the local-slack binary (npm package `local-slack-linux-x64`, pinned) in a cache folder."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path

LOCAL_SLACK_VERSION = "0.1.8"


class InstallError(Exception):
    """local-slack could not be found or installed; the message says what to do."""


def package_name() -> str:
    machine = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine().lower(), platform.machine().lower()
    )
    return f"local-slack-{platform.system().lower()}-{machine}"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pacer" / f"local-slack-{LOCAL_SLACK_VERSION}"


def install_command(prefix: Path) -> list[str]:
    return ["npm", "install", "--no-save", "--prefix", str(prefix), f"{package_name()}@{LOCAL_SLACK_VERSION}"]


def binary_path(prefix: Path) -> Path:
    return prefix / "node_modules" / package_name() / "bin" / "local-slack"


def ensure_local_slack(prefix: Path | None = None) -> Path:
    """The local-slack binary, installed with npm into `prefix` (the cache folder) the first time."""
    prefix = prefix or cache_dir()
    binary = binary_path(prefix)
    if binary.is_file():
        return binary
    if shutil.which("npm") is None:
        raise InstallError(
            "pacer demo needs Node.js and npm to install local-slack, and npm is not on PATH: "
            "install Node.js 18+ (e.g. `apt-get install nodejs npm`), then run `pacer demo` again"
        )
    prefix.mkdir(parents=True, exist_ok=True)
    command = install_command(prefix)
    print(f"installing local-slack {LOCAL_SLACK_VERSION} into {prefix} …", flush=True)  # noqa: T201
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603
    if done.returncode != 0 or not binary.is_file():
        last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise InstallError(
            f"could not install local-slack from the npm registry ({last}). "
            f"Check your network or npm registry settings, then install it by hand:\n  {' '.join(command)}"
        )
    return binary
