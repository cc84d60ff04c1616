"""The `pacer` command line, run as a person would: a real process, real environment variables."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.db import make_engine, make_session_factory
from bot.exports.models import RetentionSetting
from bot.workspaces.models import Workspace
from tests.conftest import ANONYMITY_KEY, BOT_TOKEN, SIGNING_SECRET, TEAM_ID
from tests.support.net import free_port
from tests.support.people import REP_EN, REP_ZH, add_people
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer

REPO = Path(__file__).resolve().parents[1]


def pacer(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        check=False,
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    prefixes = ("SLACK_", "PACER_", "DATABASE_URL", "ANONYMITY_KEY")
    keep = {k: v for k, v in os.environ.items() if not k.startswith(prefixes)}
    database = f"sqlite:///{tmp_path / 'data' / 'pacer.db'}"
    return {**keep, "DATABASE_URL": database, "ANONYMITY_KEY": ANONYMITY_KEY, **extra}


@pytest.mark.parametrize("value", [None, "", "changeme", "too-short"])
def test_pacer_run_without_an_anonymity_key_is_one_clear_line_and_exit_2(
    tmp_path: Path, value: str | None
) -> None:
    env = clean_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET)
    if value is None:
        del env["ANONYMITY_KEY"]
    else:
        env["ANONYMITY_KEY"] = value
    result = pacer("run", env=env)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr
    assert "ANONYMITY_KEY" in lines[0]
    assert 'python -c "import secrets; print(secrets.token_urlsafe(32))"' in lines[0]
    assert not (tmp_path / "data" / "pacer.db").exists()  # refused before touching anything


def test_missing_token_is_one_clear_line_and_exit_2(tmp_path: Path) -> None:
    result = pacer("run", env=clean_env(tmp_path))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1
    assert "SLACK_BOT_TOKEN is not set" in lines[0] and "OAuth & Permissions" in lines[0]


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("SLACK_BOT_TOKEN", "xapp-wrong-kind", "SLACK_BOT_TOKEN must start with xoxb-"),
        ("SLACK_BOT_TOKEN", "xoxb-your-token", "SLACK_BOT_TOKEN still holds a placeholder value"),
        ("SLACK_BOT_TOKEN", "xoxb-...", "SLACK_BOT_TOKEN still holds a placeholder value"),  # .env.example's
        ("PORT", "eighty", "PORT is invalid"),
        ("SLACK_API_URL", "ftp://example", "SLACK_API_URL is invalid"),
        ("LOG_LEVEL", "LOUD", "LOG_LEVEL is invalid"),
    ],
)
def test_malformed_settings_are_named(tmp_path: Path, variable: str, value: str, expected: str) -> None:
    env = clean_env(tmp_path, SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET) | {
        variable: value
    }
    result = pacer("run", env=env)
    assert result.returncode == 2, result.stderr
    assert expected in result.stderr and "Traceback" not in result.stderr


def test_settings_come_from_a_dotenv_file(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("SLACK_BOT_TOKEN=xoxb-your-token\n")
    env = clean_env(tmp_path)
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        check=False,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2 and "SLACK_BOT_TOKEN still holds a placeholder" in result.stderr


def test_migrate_needs_no_slack_tokens(tmp_path: Path) -> None:
    result = pacer("migrate", env=clean_env(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "data" / "pacer.db").exists()


def test_help_on_each_command(tmp_path: Path) -> None:
    for args in (
        ["--help"],
        ["run", "--help"],
        ["migrate", "--help"],
        ["jobs", "--help"],
        ["jobs", "run", "--help"],
    ):
        result = pacer(*args, env=clean_env(tmp_path))
        assert result.returncode == 0 and "usage: pacer" in result.stdout


def test_jobs_list_and_run(tmp_path: Path) -> None:
    listed = pacer("jobs", "list", env=clean_env(tmp_path))
    assert listed.returncode == 0 and "roster-refresh" in listed.stdout
    unknown = pacer("jobs", "run", "no-such-job", env=clean_env(tmp_path))
    assert unknown.returncode == 2 and "pacer jobs list" in unknown.stderr
    bad_time = pacer("jobs", "run", "roster-refresh", "--now", "yesterday", env=clean_env(tmp_path))
    assert bad_time.returncode == 2 and "not an ISO-8601 time" in bad_time.stderr


def test_jobs_run_refreshes_profiles_against_slack(tmp_path: Path) -> None:
    with SlackEmulator() as emulator:
        add_people(emulator)
        env = clean_env(
            tmp_path,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=emulator.api_url,
        )
        assert pacer("migrate", env=env).returncode == 0
        import sqlite3

        with sqlite3.connect(tmp_path / "data" / "pacer.db") as db:
            db.execute(
                "INSERT INTO workspaces (team_id, timezone, nudge_weekday, nudge_time, reminder_delay_hours,"
                " feedback_day, language, created_at, updated_at) VALUES ('T0000001', 'UTC', 0, '09:00:00',"
                " 24, 0, 'en', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
            )
            for user in (REP_EN, "UGONE", "UNOBODY"):
                db.execute(
                    "INSERT INTO members (team_id, user_id, display_name, role, is_slack_admin, on_team,"
                    " active, created_at) VALUES ('T0000001', ?, '', 'rep', 0, 0, 1, '2026-01-01 00:00:00')",
                    (user,),
                )
        result = pacer("jobs", "run", "roster-refresh", "--now", "2026-12-07T09:00:00+08:00", env=env)
        assert result.returncode == 0, result.stderr
        assert (
            "1 profiles refreshed, 2 users gone from Slack (deleted or deactivated) marked inactive"
            in result.stdout
        )
        with sqlite3.connect(tmp_path / "data" / "pacer.db") as db:
            rows = dict(db.execute("SELECT user_id, timezone FROM members WHERE active = 1").fetchall())
        assert rows == {REP_EN: "Europe/Berlin"}


def _uninstalled_earlier(tmp_path: Path, env: dict[str, str]) -> str:
    """The workspace as `app_uninstalled` left it: inactive, its purge due in 30 days."""
    assert pacer("migrate", env=env).returncode == 0
    url = env["DATABASE_URL"]
    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        session.add(Workspace(team_id=TEAM_ID, active=False))
        session.flush()  # no relationship() between them to order the two INSERTs
        session.add(RetentionSetting(team_id=TEAM_ID, purge_due_at=datetime(2027, 1, 1, tzinfo=UTC)))
    engine.dispose()
    return url


def _served_again(url: str) -> tuple[bool, datetime | None]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine)() as session:
            active = session.get_one(Workspace, TEAM_ID).active
            return active, session.get_one(RetentionSetting, TEAM_ID).purge_due_at
    finally:
        engine.dispose()


def test_pacer_run_serves_help_in_both_languages_and_stops_on_sigterm(tmp_path: Path) -> None:
    """Also: in single-workspace mode the token's workspace is served again after an uninstall (a new token
    in the environment, Pacer restarted), so its jobs run and the purge its uninstall scheduled is off."""
    with SlackEmulator() as emulator:
        add_people(emulator)
        port = free_port()
        env = clean_env(
            tmp_path,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=emulator.api_url,
            PORT=str(port),
            HOST="127.0.0.1",
            LOG_LEVEL="INFO",
        )
        url = _uninstalled_earlier(tmp_path, env)
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
                        assert response.status == 200
                        break
                except OSError:
                    assert process.poll() is None, process.communicate()[1]
                    assert time.monotonic() < deadline, "pacer run did not come up"
                    time.sleep(0.1)
            slack = SlackPeer(f"http://127.0.0.1:{port}/slack/events", SIGNING_SECRET, emulator)
            assert (
                slack.command("help", user_id=REP_EN).json()["text"].startswith("What you can do with Pacer")
            )
            assert slack.command("help", user_id=REP_ZH).json()["text"].startswith("你可以用 Pacer 做什么")
        finally:
            process.send_signal(signal.SIGTERM)
            _, stderr = process.communicate(timeout=15)
        assert process.returncode == 0, stderr
        assert "serving HTTP on http://127.0.0.1" in stderr
        assert BOT_TOKEN not in stderr and SIGNING_SECRET not in stderr
        assert _served_again(url) == (True, None)


def test_socket_mode_refused_app_token_is_one_clear_line(tmp_path: Path) -> None:
    with SlackEmulator() as emulator:  # the emulator has no Socket Mode: apps.connections.open is unknown
        env = clean_env(
            tmp_path,
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_APP_TOKEN="xapp-1-test",
            SLACK_API_URL=emulator.api_url,
            PORT=str(free_port()),
            HOST="127.0.0.1",
        )
        result = pacer("run", env=env)
    assert result.returncode == 2, result.stderr
    assert "SLACK_APP_TOKEN was refused by Slack (unknown_method)" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("not-a-url", "DATABASE_URL is not a database Pacer can use"),
        ("mysql://user@127.0.0.1/x", "DATABASE_URL is not a database Pacer can use"),
        ("postgresql://nobody@127.0.0.1:1/none", "DATABASE_URL could not be opened"),
    ],
)
def test_a_bad_database_url_is_one_clear_line(tmp_path: Path, url: str, expected: str) -> None:
    result = pacer("migrate", env=clean_env(tmp_path) | {"DATABASE_URL": url})
    assert result.returncode == 2 and expected in result.stderr and "Traceback" not in result.stderr


def test_deliveries_on_an_empty_database_says_to_migrate(tmp_path: Path) -> None:
    result = pacer("deliveries", env=clean_env(tmp_path))
    assert result.returncode == 2 and "run `pacer migrate` first" in result.stderr


def test_slack_out_of_reach_at_start_is_one_clear_line(tmp_path: Path) -> None:
    env = clean_env(
        tmp_path,
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=f"http://127.0.0.1:{free_port()}/api/",
        PORT=str(free_port()),
    )
    result = pacer("run", env=env)
    assert result.returncode == 2, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr  # no SDK log line of each failed try before it
    assert "SLACK_API_URL (http://127.0.0.1:" in lines[0] and "could not be reached" in lines[0]
    assert not (tmp_path / "data" / "pacer.db").exists()  # checked before migrating


def test_slack_itself_out_of_reach_does_not_blame_slack_api_url() -> None:
    from urllib.error import URLError

    from bot.cli import _unreachable
    from bot.config import Settings

    default = _unreachable(Settings(_env_file=None), URLError("Name or service not known"))
    assert "SLACK_API_URL" not in str(default)
    assert str(default).startswith("Slack (https://slack.com/api/) could not be reached")
    custom = _unreachable(Settings(_env_file=None, slack_api_url="http://x:1/api/"), ConnectionError("no"))
    assert str(custom).startswith("SLACK_API_URL (http://x:1/api/) could not be reached (no)")


def test_env_example_copied_unchanged_names_the_placeholder_bot_token_in_one_line(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text((REPO / ".env.example").read_text(encoding="utf-8"), encoding="utf-8")
    env = {k: v for k, v in clean_env(tmp_path).items() if k not in ("ANONYMITY_KEY", "DATABASE_URL")}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        check=False,
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 2
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("pacer: configuration error: SLACK_BOT_TOKEN still holds a placeholder")
    assert "SLACK_API_URL" not in result.stderr and not (tmp_path / "data").exists()
