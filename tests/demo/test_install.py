"""The demo installs local-slack only if its tarball has the pinned integrity, with no network here:
npm fetches a made-up package from a registry stand-in on loopback."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import shutil
import tarfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from bot.demo.install import PINS, InstallError, NpmPin, ensure_local_slack, installed_integrity, write_lock

NAME, VERSION = "local-slack-linux-x64", "0.1.8"
needs_npm = pytest.mark.skipif(shutil.which("npm") is None, reason="npm is missing (apt-get install npm)")


def tarball(script: str) -> bytes:
    """An npm package tarball: package/package.json and an executable package/bin/local-slack."""
    files = {
        "package/package.json": (json.dumps({"name": NAME, "version": VERSION}).encode(), 0o644),
        "package/bin/local-slack": (script.encode(), 0o755),
    }
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, (data, mode) in files.items():
            info = tarfile.TarInfo(path)
            info.size, info.mode = len(data), mode
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def sri(data: bytes) -> str:
    return "sha512-" + base64.b64encode(hashlib.sha512(data).digest()).decode()


class Registry:
    """Serves one tarball at /<name>-<version>.tgz on loopback; `serving` says which bytes."""

    def __init__(self) -> None:
        self.serving = b""
        registry = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(registry.serving)))
                self.end_headers()
                self.wfile.write(registry.serving)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/{NAME}-{VERSION}.tgz"


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Registry]:
    # A cache of its own, so npm can only get the tarball from the stand-in, and nothing else to ask.
    monkeypatch.setenv("npm_config_cache", str(tmp_path / "npm-cache"))
    monkeypatch.setenv("npm_config_update_notifier", "false")
    monkeypatch.setenv("npm_config_fetch_retries", "0")  # npm retries a bad tarball after 10 s and more
    monkeypatch.setenv("NO_PROXY", "127.0.0.1")
    stand_in = Registry()
    thread = threading.Thread(target=stand_in.server.serve_forever, daemon=True)
    thread.start()
    yield stand_in
    stand_in.server.shutdown()
    stand_in.server.server_close()


@needs_npm
def test_a_tarball_that_does_not_match_the_pinned_integrity_is_refused(
    tmp_path: Path, registry: Registry, capsys: pytest.CaptureFixture[str]
) -> None:
    genuine, tampered = tarball("#!/bin/sh\necho genuine\n"), tarball("#!/bin/sh\necho tampered\n")
    pin = NpmPin(NAME, VERSION, sri(genuine), registry.url)
    prefix = tmp_path / "local-slack"

    registry.serving = tampered
    with pytest.raises(InstallError) as refused:
        ensure_local_slack(prefix, pin)
    message = str(refused.value)
    assert "\n" not in message
    assert "does not match the integrity Pacer pins" in message and pin.integrity in message
    assert not (prefix / "node_modules").exists()  # nothing of the tampered package is left

    registry.serving = genuine  # the same install, with the genuine tarball, succeeds
    binary = ensure_local_slack(prefix, pin)
    assert binary.read_text() == "#!/bin/sh\necho genuine\n"
    assert installed_integrity(prefix, NAME) == pin.integrity
    assert "installing local-slack 0.1.8" in capsys.readouterr().out

    registry.serving = tampered  # installed and still pinned: npm is not run again
    assert ensure_local_slack(prefix, pin) == binary

    moved = NpmPin(NAME, VERSION, sri(tampered), registry.url)  # a new pin replaces the old install
    assert ensure_local_slack(prefix, moved).read_text() == "#!/bin/sh\necho tampered\n"


def test_the_lock_written_for_npm_ci_pins_the_version_and_integrity(tmp_path: Path) -> None:
    pin = PINS[NAME]
    write_lock(tmp_path, pin)
    package = json.loads((tmp_path / "package.json").read_text())
    lock = json.loads((tmp_path / "package-lock.json").read_text())
    assert package["dependencies"] == {NAME: VERSION} == lock["packages"][""]["dependencies"]
    assert lock["lockfileVersion"] == 3
    assert lock["packages"][f"node_modules/{NAME}"] == {
        "version": VERSION,
        "resolved": f"https://registry.npmjs.org/{NAME}/-/{NAME}-{VERSION}.tgz",
        "integrity": pin.integrity,
    }
    algorithm, digest = pin.integrity.split("-", 1)
    assert algorithm == "sha512" and len(base64.b64decode(digest, validate=True)) == 64
