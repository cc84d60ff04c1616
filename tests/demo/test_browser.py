"""`pacer demo` in a real browser: a rep checks in through local-slack's web UI, a manager sees the digest.

Drives the system Chromium (Debian package `chromium`) with Playwright for Python; never downloads a
browser. Screenshots go to `artifacts/` at the repo root (the README's picture comes from here).
"""

from __future__ import annotations

import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.support.local_slack import demo_command, get, messages, needs_local_slack
from tests.support.net import free_port

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",  # the machine may have no internet: nothing may phone home
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"
REP, REP_NAME, MANAGER = "U0REP3", "Noah Wilson", "U0MARIA"

if not CHROMIUM.is_file():
    pytest.skip(f"{CHROMIUM} is missing (apt-get install chromium)", allow_module_level=True)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')"
)
pytestmark = needs_local_slack


def _demo_ready(base: str) -> bool:
    """The rep's nudge and last week's digest are both in local-slack (the digest itself: #sales-digest
    also gets the voice of the field, from `pacer run`, which may come first)."""
    try:
        state = get(f"{base}/_control/state")
        channels = {c["name"]: c["id"] for c in state["channels"]}  # type: ignore[attr-defined]
        nudged = messages(base, channels[f"dm-{REP}"])
        digests = messages(base, channels["sales-digest"])
        return any("Check in" in str(m.get("blocks")) for m in nudged) and any(
            "Weekly digest" in str(m.get("text")) for m in digests
        )
    except (OSError, KeyError, ValueError):
        return False


def test_rep_checks_in_and_manager_sees_digest_in_browser(tmp_path: Path) -> None:
    slack_port, app_port = free_port(), free_port()
    command = demo_command(slack_port=slack_port, app_port=app_port, data_dir=tmp_path / "demo")
    demo = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )  # `pacer demo` restores Ctrl-C itself, even if started with SIGINT ignored
    base = f"http://localhost:{slack_port}"
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        deadline = time.monotonic() + 120
        while not _demo_ready(base):
            assert demo.poll() is None, f"pacer demo exited {demo.returncode}; logs in {tmp_path / 'demo'}"
            assert time.monotonic() < deadline, f"demo never showed nudge and digest; logs in {tmp_path}"
            time.sleep(0.5)
        _drive_browser(base, tmp_path / "chromium-profile")
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            output = demo.communicate(timeout=60)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            demo.kill()
            output = demo.communicate()[0].decode(errors="replace")
    assert demo.returncode == 0, output


def _drive_browser(base: str, profile: Path) -> None:
    expect = sync_api.expect
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(
            str(profile),  # a fresh user-data-dir
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            viewport={"width": 1280, "height": 800},
        )
        page = browser.pages[0] if browser.pages else browser.new_page()
        page.set_default_timeout(15_000)
        expect.set_options(timeout=15_000)
        try:
            page.goto(base)
            act_as = page.get_by_label("Act as")
            sidebar = page.get_by_role("complementary")
            main = page.get_by_role("main")

            # The rep opens the DM from Pacer and sees this week's nudge.
            act_as.select_option(REP)
            sidebar.get_by_role("button", name=REP_NAME).click()
            expect(main.get_by_placeholder(f"Message {REP_NAME} as noah")).to_be_visible()
            nudge = main.locator(".msg").filter(has_text="weekly check-in")
            expect(nudge.get_by_role("button", name="Check in", exact=True)).to_be_visible()
            page.screenshot(path=ARTIFACTS / "demo-rep-nudge.png")

            # Check in through the modal.
            nudge.get_by_role("button", name="Check in", exact=True).click()
            modal = page.locator(".modal").filter(has_text="Weekly check-in")
            expect(modal).to_be_visible()
            modal.locator(".bk-input").filter(has_text="Result this week").get_by_role("textbox").fill(
                "12500"
            )
            modal.get_by_role("radio", name="On track").check()
            modal.locator(".bk-input").filter(has_text="Highlights").get_by_role("textbox").fill(
                "Two new logos signed"
            )
            page.screenshot(path=ARTIFACTS / "demo-rep-checkin-modal.png")
            modal.get_by_role("button", name="Check in", exact=True).click()
            expect(modal).to_be_hidden()

            # The nudge turns into "done".
            done = main.locator(".msg").filter(has_text="checked in")
            expect(done).to_contain_text("✅")
            expect(done).to_contain_text("12,500")
            expect(done.get_by_role("button", name="Edit check-in")).to_be_visible()
            expect(main.get_by_role("button", name="Check in", exact=True)).to_have_count(0)
            page.screenshot(path=ARTIFACTS / "demo-rep-checked-in.png")

            # The manager sees last week's digest in #sales-digest.
            act_as.select_option(MANAGER)
            sidebar.get_by_role("button", name="sales-digest").click()
            expect(main.get_by_placeholder("Message #sales-digest as maria")).to_be_visible()
            digest = main.locator(".msg").filter(has_text="Weekly digest")
            expect(digest).to_contain_text("pace")
            expect(digest).to_contain_text(REP_NAME)
            page.screenshot(path=ARTIFACTS / "demo-sales-digest.png")
        except Exception:
            page.screenshot(path=ARTIFACTS / "demo-browser-failure.png")
            raise
        finally:
            browser.close()
