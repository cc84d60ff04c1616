"""Run the demo: local-slack and `pacer run` side by side, seeded, with this week's nudges and a digest."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time as clock
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from bot import calendar
from bot.db import make_engine
from bot.db.migrate import upgrade
from bot.demo.install import InstallError, ensure_local_slack
from bot.demo.people import APP_TOKEN, BOT_TOKEN, reps, write_config
from bot.demo.seed import ADMINS, WORKSPACE_ZONE, seed, this_week

LOCK = "demo.pid"
CONNECTED = "serving over Socket Mode"
GUIDE = """\
Pacer demo is running: open {url}

  • "Act as" Maria Garcia (manager) → in any channel type /pacer status, or open #sales-digest
  • "Act as" a rep, e.g. Noah Wilson → open the DM from Pacer → click "Check in"
  • Wang Wei (Asia/Shanghai) sees Pacer in Chinese; Alex Admin may run /pacer setup

Press Ctrl-C to stop (logs: {logs})."""


class DemoError(Exception):
    """The demo cannot start; the message says why and what to do."""


def run_demo(*, slack_port: int, app_port: int, data_dir: Path) -> int:
    """`pacer demo`: returns the exit code (0 after Ctrl-C, 1 if it could not start or a process died)."""
    # A shell without job control starts background commands with Ctrl-C ignored; the demo wants it.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with _running_demo(slack_port=slack_port, app_port=app_port, data_dir=data_dir) as demo:
            print(GUIDE.format(url=demo.url, logs=data_dir), flush=True)  # noqa: T201
            return demo.wait()
    except KeyboardInterrupt:  # Ctrl-C while starting: the processes are already stopped
        print("pacer demo: stopped", flush=True)  # noqa: T201
        return 0
    except (DemoError, InstallError) as error:
        print(f"pacer demo: {error}", file=sys.stderr)  # noqa: T201
        return 1


class Demo:
    def __init__(self, url: str, processes: list[subprocess.Popen[bytes]]) -> None:
        self.url = url
        self.processes = processes

    def wait(self) -> int:
        stop = {"now": False}

        def on_signal(_signum: int, _frame: object) -> None:
            stop["now"] = True

        previous = signal.signal(signal.SIGTERM, on_signal)
        try:
            while not stop["now"]:
                for process in self.processes:
                    if process.poll() is not None:
                        print(  # noqa: T201
                            f"pacer demo: {process.args!r} stopped (exit {process.returncode})",
                            file=sys.stderr,
                        )
                        return 1
                clock.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        print("pacer demo: stopping", flush=True)  # noqa: T201
        return 0


@contextmanager
def _running_demo(*, slack_port: int, app_port: int, data_dir: Path) -> Iterator[Demo]:
    data_dir = data_dir.resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    _refuse_second(data_dir)
    _check_port(slack_port, "--slack-port")
    _check_port(app_port, "--app-port")
    binary = ensure_local_slack()
    config = write_config(data_dir / "local-slack.json")
    database = data_dir / "demo.db"
    database.unlink(missing_ok=True)  # local-slack keeps its messages in memory: start both afresh
    env = _environment(data_dir, database, slack_port=slack_port, app_port=app_port)
    now = datetime.now(UTC)
    _seed_database(env, now=now)
    processes: list[subprocess.Popen[bytes]] = []
    lock = data_dir / LOCK
    try:
        url = _start(processes, [str(binary), "--config", str(config)], slack_port, data_dir, env)
        lock.write_text(json.dumps({"pid": os.getpid(), "url": url}), encoding="utf-8")
        for job, at in (("weekly-nudges", nudge_time(now)), ("weekly-digest", digest_time(now))):
            _run_job(job, at, env, data_dir)
        yield Demo(url, processes)
    finally:
        for process in reversed(processes):
            _stop(process)
        with suppress(FileNotFoundError):
            if json.loads(lock.read_text()).get("pid") == os.getpid():
                lock.unlink()


def _seed_database(env: dict[str, str], *, now: datetime) -> None:
    """Migrate the demo's fresh database and seed it as of `now`, with the key `pacer run` will use."""
    engine = make_engine(env["DATABASE_URL"])
    upgrade(engine)
    seed(engine, now=now, anonymity_key=env["ANONYMITY_KEY"].encode())
    engine.dispose()


def _start(
    processes: list[subprocess.Popen[bytes]],
    local_slack: list[str],
    slack_port: int,
    data_dir: Path,
    env: dict[str, str],
) -> str:
    """Start local-slack, then `pacer run`, each once the one before is up; returns local-slack's URL.
    Each process joins `processes` as it starts, so the caller stops it even if a later step fails."""
    processes.append(_spawn([*local_slack, "--port", str(slack_port)], data_dir, "local-slack", env))
    url = f"http://localhost:{slack_port}"
    _wait_for(lambda: _get_json(f"{url}/_control/state") is not None, processes, "local-slack")
    pacer_log = data_dir / "pacer.log"
    processes.append(_spawn([sys.executable, "-m", "bot", "run"], data_dir, "pacer", env))
    _wait_for(lambda: CONNECTED in pacer_log.read_text(errors="replace"), processes, "pacer run")
    return url


def nudge_time(now: datetime) -> datetime:
    """Just after the last rep's Monday 09:00 of this week (each in their own zone): everyone is due."""
    monday = this_week(now)
    return max(datetime.combine(monday, time(9, 0), tzinfo=calendar.zone(p.tz)) for p in reps()) + timedelta(
        minutes=1
    )


def digest_time(now: datetime) -> datetime:
    """Just after last week's digest time (the seed puts it on Sunday 23:00, workspace time)."""
    sunday: date = calendar.week_end(this_week(now))
    return datetime.combine(sunday, time(23, 1), tzinfo=calendar.zone(WORKSPACE_ZONE))


def _environment(data_dir: Path, database: Path, *, slack_port: int, app_port: int) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "PACER_", "DATABASE_", "ANONYMITY_"))
    }
    env.update(
        ANONYMITY_KEY=secrets.token_urlsafe(32),  # a key of its own for each demo, as `pacer run` requires
        SLACK_API_URL=f"http://localhost:{slack_port}/api/",
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        DATABASE_URL=f"sqlite:///{database}",
        PACER_ADMINS=",".join(sorted(ADMINS)),
        PACER_PLAIN_DATES="1",  # local-slack shows mrkdwn without Slack's <!date>: the dates as text
        HOST="127.0.0.1",
        PORT=str(app_port),
        PYTHONPATH=os.pathsep.join(
            filter(None, [str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH")])
        ),
    )
    return env


def _refuse_second(data_dir: Path) -> None:
    lock = data_dir / LOCK
    try:
        running = json.loads(lock.read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return
    pid = int(running.get("pid", 0))
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError, OverflowError, ValueError):
        lock.unlink(missing_ok=True)  # a stale lock: that demo is gone
        return
    raise DemoError(
        f"a demo is already running (pid {pid}, {running.get('url')}, data in {data_dir}); "
        "stop it with Ctrl-C first, or use another --data-dir"
    )


def _check_port(port: int, option: str) -> None:
    """Refuse a port something listens on. SO_REUSEADDR, as local-slack and waitress bind with: the
    connections of a demo stopped a moment ago (TIME_WAIT) do not keep the next one from starting."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise DemoError(f"port {port} is in use: choose another with {option} <port>") from None


def _spawn(command: list[str], data_dir: Path, name: str, env: dict[str, str]) -> subprocess.Popen[bytes]:
    log = (data_dir / f"{name}.log").open("wb")
    return subprocess.Popen(  # noqa: S603
        command, cwd=data_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )


def _wait_for(
    ready: object, processes: list[subprocess.Popen[bytes]], what: str, timeout: float = 60
) -> None:
    deadline = clock.monotonic() + timeout
    while clock.monotonic() < deadline:
        with suppress(FileNotFoundError):
            if callable(ready) and ready():
                return
        for process in processes:
            if process.poll() is not None:
                raise DemoError(f"{what} stopped at start-up (exit {process.returncode}); see the logs")
        clock.sleep(0.2)
    raise DemoError(f"{what} did not start within {timeout:.0f} s; see the logs")


def _get_json(url: str) -> object | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310  (our own localhost URL)
            loaded: object = json.loads(response.read())
            return loaded
    except (OSError, ValueError):
        return None


def _run_job(name: str, at: datetime, env: dict[str, str], data_dir: Path) -> None:
    done = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "bot", "jobs", "run", name, "--now", at.isoformat()],
        cwd=data_dir,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    with (data_dir / "jobs.log").open("a", encoding="utf-8") as log:
        log.write(done.stdout + done.stderr)
    if done.returncode != 0:
        raise DemoError(
            f"`pacer jobs run {name}` failed (exit {done.returncode}); see {data_dir / 'jobs.log'}"
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    with suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
