"""The apps under test, each a subprocess serving HTTP on 127.0.0.1, and the databases Pacer runs on."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.db import make_engine

REPO_ROOT = Path(__file__).resolve().parents[1]
HOST = "127.0.0.1"
EVENTS_PATH = "/slack/events"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 15.0
# Settings a developer's environment may hold that would change what is measured.
UNSET = ("SLACK_APP_TOKEN", "PACER_ADMINS", "DATABASE_URL", "HTTP_THREADS")


class BenchError(Exception):
    """The benchmark itself could not run (a server did not start, a database is missing, …)."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Server:
    """A running app: `python -m MODULE ARGS` with its output in `log`, stopped by SIGTERM."""

    def __init__(self, name: str, command: Sequence[str], env: dict[str, str], log: Path) -> None:
        self.name, self.log, self.port = name, log, int(env["PORT"])
        with log.open("wb") as output:
            # Its own session, so that a Ctrl-C in the terminal reaches the benchmark only, which stops it.
            self.process = subprocess.Popen(
                list(command),
                env=env,
                cwd=log.parent,  # not the work tree: a developer's .env must not configure it
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def pid(self) -> int:
        return self.process.pid

    @property
    def base_url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def wait_healthy(self, timeout: float = START_TIMEOUT) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise BenchError(
                    f"{self.name} exited with code {self.process.returncode}:\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(f"{self.base_url}/healthz", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                pass
            time.sleep(0.1)
        raise BenchError(
            f"{self.name}: GET /healthz did not answer 200 in {timeout:.0f} s:\n{self.log_tail()}"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def log_lines(self) -> list[str]:
        return self.log.read_text(errors="replace").splitlines() if self.log.exists() else []

    def log_tail(self, count: int = 25) -> str:
        return "\n".join(f"    | {line}" for line in self.log_lines()[-count:]) or "    | (no output)"


def app_env(
    *, api_url: str, signing_secret: str, bot_token: str, threads: int, database_url: str | None
) -> dict[str, str]:
    """The environment of an app under test: HTTP mode (no SLACK_APP_TOKEN), quiet logs, a free port."""
    env = {name: value for name, value in os.environ.items() if name not in UNSET}
    pythonpath = [str(REPO_ROOT), *filter(None, [env.get("PYTHONPATH")])]
    env |= {
        "PYTHONPATH": os.pathsep.join(pythonpath),
        "SLACK_BOT_TOKEN": bot_token,
        "SLACK_SIGNING_SECRET": signing_secret,
        "SLACK_API_URL": api_url,
        "HOST": HOST,
        "PORT": str(free_port()),
        "HTTP_THREADS": str(threads),
        "LOG_LEVEL": "WARNING",
        "ANONYMITY_KEY": secrets.token_urlsafe(32),  # `pacer run` refuses to start without one
    }
    if database_url is not None:
        env["DATABASE_URL"] = database_url
    return env


@contextmanager
def running(name: str, module: Sequence[str], env: dict[str, str], workdir: Path) -> Iterator[Server]:
    """Start `python -m MODULE…`, wait for GET /healthz = 200, stop it on the way out (also on Ctrl-C)."""
    log = workdir / f"{name.replace(' ', '-')}.log"
    server = Server(name, [sys.executable, "-m", *module], env, log)
    try:
        server.wait_healthy()
        yield server
    finally:
        server.stop()


# --- databases ----------------------------------------------------------------------------------------


@contextmanager
def sqlite_database(workdir: Path) -> Iterator[str]:
    """A fresh SQLite file (Pacer migrates it on start-up); the temporary directory goes at the end."""
    yield f"sqlite:///{workdir / 'pacer-bench.db'}"


def postgres_problem(admin_url: str) -> str | None:
    """Why PostgreSQL cannot be used, or None when it answers."""
    engine = make_engine(admin_url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError) as error:
        return (str(error).strip().splitlines() or [type(error).__name__])[0]
    finally:
        engine.dispose()
    return None


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    """A schema of its own for this run (CREATE, then DROP … CASCADE at the end, also on Ctrl-C);
    the URL puts it first on the search path, so Pacer migrates and works in it."""
    schema = f"pacer_bench_{secrets.token_hex(5)}"
    engine = make_engine(admin_url)
    try:
        with engine.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        separator = "&" if "?" in admin_url else "?"
        yield f"{admin_url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with engine.begin() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()
