"""Find or install the local-slack binary (npm package `local-slack-linux-x64`) in a cache folder.

The package is pinned by version and by the sha512 integrity the npm registry published for it: Pacer
writes a package-lock.json that holds both and installs with `npm ci`, which refuses a tarball whose
hash differs. To move to another version, take its integrity from
`npm view local-slack-linux-x64@VERSION dist.integrity`.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LOCAL_SLACK_VERSION = "0.1.8"


@dataclass(frozen=True)
class NpmPin:
    """One npm package at one version, with the integrity (an SRI hash) its tarball must have."""

    name: str
    version: str
    integrity: str
    resolved: str  # the tarball's URL; npm uses the configured registry instead of registry.npmjs.org

    @classmethod
    def on_registry(cls, name: str, version: str, integrity: str) -> NpmPin:
        return cls(name, version, integrity, f"https://registry.npmjs.org/{name}/-/{name}-{version}.tgz")


# local-slack is published for Linux x64 only.
PINS = {
    pin.name: pin
    for pin in [
        NpmPin.on_registry(
            "local-slack-linux-x64",
            LOCAL_SLACK_VERSION,
            "sha512-2BCTKxKajjZNWCSCj66Jq5VDScUDNpGZ1lA3281I8RvpDE4/ULCwC26TlcW6/4sPbSTs02Q3KjTiltJp3ZBEvg==",
        )
    ]
}


class InstallError(Exception):
    """local-slack could not be found or installed; the message says what to do."""


def package_name() -> str:
    machine = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine().lower(), platform.machine().lower()
    )
    return f"local-slack-{platform.system().lower()}-{machine}"


def pinned_package() -> NpmPin:
    """The pinned local-slack package for this machine."""
    pin = PINS.get(package_name())
    if pin is None:
        raise InstallError(
            f"local-slack {LOCAL_SLACK_VERSION} is published for {', '.join(PINS)} only, "
            f"not for this machine ({package_name()})"
        )
    return pin


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "pacer" / f"local-slack-{LOCAL_SLACK_VERSION}"


def install_command(prefix: Path) -> list[str]:
    return ["npm", "ci", "--prefix", str(prefix), "--ignore-scripts", "--no-audit", "--no-fund"]


def binary_path(prefix: Path, package: str | None = None) -> Path:
    return prefix / "node_modules" / (package or package_name()) / "bin" / "local-slack"


def write_lock(prefix: Path, pin: NpmPin) -> None:
    """package.json and package-lock.json (lockfileVersion 3) that pin `pin` with its integrity."""
    root = {"name": "pacer-local-slack", "private": True, "dependencies": {pin.name: pin.version}}
    lock = {
        "name": root["name"],
        "lockfileVersion": 3,
        "requires": True,
        "packages": {
            "": {"name": root["name"], "dependencies": root["dependencies"]},
            f"node_modules/{pin.name}": {
                "version": pin.version,
                "resolved": pin.resolved,
                "integrity": pin.integrity,
            },
        },
    }
    (prefix / "package.json").write_text(json.dumps(root, indent=2) + "\n", encoding="utf-8")
    (prefix / "package-lock.json").write_text(json.dumps(lock, indent=2) + "\n", encoding="utf-8")


def installed_integrity(prefix: Path, package: str) -> str | None:
    """The integrity npm recorded when it installed `package` into `prefix` (its hidden lockfile)."""
    try:
        recorded = json.loads((prefix / "node_modules" / ".package-lock.json").read_text(encoding="utf-8"))
        integrity = recorded["packages"][f"node_modules/{package}"]["integrity"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return integrity if isinstance(integrity, str) else None


def ensure_local_slack(prefix: Path | None = None, pin: NpmPin | None = None) -> Path:
    """The local-slack binary, installed with `npm ci` into `prefix` (the cache folder) the first time."""
    pin = pin or pinned_package()
    prefix = prefix or cache_dir()
    binary = binary_path(prefix, pin.name)
    if binary.is_file() and installed_integrity(prefix, pin.name) == pin.integrity:
        return binary
    if shutil.which("npm") is None:
        raise InstallError(
            "pacer demo needs Node.js and npm to install local-slack, and npm is not on PATH: "
            "install Node.js 18+ (e.g. `apt-get install nodejs npm`), then run `pacer demo` again"
        )
    prefix.mkdir(parents=True, exist_ok=True)
    write_lock(prefix, pin)
    command = install_command(prefix)
    print(f"installing local-slack {pin.version} into {prefix} …", flush=True)  # noqa: T201
    done = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)  # noqa: S603
    if done.returncode == 0 and binary.is_file():
        return binary
    shutil.rmtree(prefix / "node_modules", ignore_errors=True)  # nothing half-installed stays behind
    if "EINTEGRITY" in done.stderr:
        raise InstallError(
            f"refused to install local-slack: the downloaded {pin.name}-{pin.version}.tgz does not match "
            f"the integrity Pacer pins for it ({pin.integrity}), so it is corrupted or was tampered with"
        )
    last = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
    raise InstallError(
        f"could not install local-slack from the npm registry ({last}). "
        f"Check your network or npm registry settings, then install it by hand: {' '.join(command)}"
    )
