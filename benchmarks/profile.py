"""Where a request's CPU goes: the HTTP benchmark's requests, sent straight to each app's WSGI callable
in this process (no sockets, no waitress, no other threads), with the CPU time of each request and a
cProfile of Pacer's.

    .venv/bin/python -m benchmarks.profile [--requests 2000] [--kinds help,setup] [--backend sqlite]
        [--postgres-url URL] [--top 30] [--sort cumulative|tottime] [--timer cpu|wall] [--statements]

It builds the app as `pacer run` does (`create_app`, `make_wsgi`) on a fresh database (SQLite in a
temporary directory, or a schema of its own on PostgreSQL) and the minimal app of `benchmarks.http`,
and sends each the same signed bodies one at a time. The figures are the request thread's CPU only
(`time.thread_time`): follow-ups in other threads (the outbox sender) are not in them, which makes them
steadier than `benchmarks.http`'s but not the same thing. `--statements` also counts the SQL
statements per request. A benchmark: it prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from sqlalchemy import Engine, event

from benchmarks import servers
from benchmarks.http import POSTGRES_URL, SIGNING_SECRET
from benchmarks.minimal_app import create_minimal_app
from benchmarks.slack_requests import BOT_TOKEN, TEAM_ID, USERS, add_people, help_commands, setup_submissions
from bot.config import Settings
from bot.db import make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.slack.app import create_app
from bot.slack.web import make_wsgi
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import sign

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication

KINDS: dict[str, Callable[[SlackEmulator, int], list[bytes]]] = {
    "help": help_commands,
    "setup": setup_submissions,
}
WARMUP = 50


class InlineExecutor(Executor):
    """Runs each submitted function at once, in the caller's thread: the listener's CPU then lands in the
    request's thread (and its profile) instead of Bolt's listener pool, and Bolt's wait for `ack()` ends
    at its first look."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        future: Future[Any] = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # as a pool would: the error is the future's
            future.set_exception(error)
        return future


def inline(app: App) -> App:
    app.listener_runner.listener_executor = InlineExecutor()
    return app


def environ(body: bytes) -> dict[str, Any]:
    """A WSGI environ as waitress builds it for a signed POST /slack/events."""
    headers = sign(SIGNING_SECRET, body)
    return {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": servers.EVENTS_PATH,
        "QUERY_STRING": "",
        "CONTENT_TYPE": "application/x-www-form-urlencoded",
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_X_SLACK_REQUEST_TIMESTAMP": headers["X-Slack-Request-Timestamp"],
        "HTTP_X_SLACK_SIGNATURE": headers["X-Slack-Signature"],
        "wsgi.input": io.BytesIO(body),
    }


def call(wsgi: WSGIApplication, body: bytes) -> bytes:
    status: list[str] = []

    def start_response(line: str, _headers: Any, _exc_info: Any = None) -> Callable[[bytes], object]:
        status.append(line)
        return lambda _data: None

    reply = b"".join(wsgi(environ(body), start_response))
    if not status or not status[0].startswith("200"):
        raise SystemExit(f"the app answered {status[:1]}: {reply[:200]!r}")
    return reply


def cpu_per_request(wsgi: WSGIApplication, bodies: Iterable[bytes]) -> list[float]:
    """The request thread's CPU milliseconds for each body."""
    spent = []
    for body in bodies:
        start = time.thread_time()
        call(wsgi, body)
        spent.append((time.thread_time() - start) * 1000)
    return spent


@contextmanager
def counting(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends meanwhile."""
    seen: list[str] = []

    def record(*args: object) -> None:
        seen.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def settings_for(emulator: SlackEmulator, database_url: str) -> Settings:
    return Settings(
        _env_file=None,
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=emulator.api_url,
        database_url=database_url,
        anonymity_key="bench-anonymity-key-bench-anonymity-key",
    )


def _database(stack: ExitStack, backend: str, postgres_url: str) -> str:
    if backend == "sqlite":
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pacer-profile-")))
        return f"sqlite:///{folder / 'pacer.db'}"
    problem = servers.postgres_problem(postgres_url)
    if problem is not None:
        raise SystemExit(f"PostgreSQL does not answer at {postgres_url}: {problem}")
    return str(stack.enter_context(servers.postgres_database(postgres_url)))


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def run(options: argparse.Namespace) -> None:
    kinds = [kind.strip() for kind in options.kinds.split(",") if kind.strip()]
    with ExitStack() as stack:
        emulator = stack.enter_context(SlackEmulator(team_id=TEAM_ID, bot_token=BOT_TOKEN))
        add_people(emulator)
        url = _database(stack, options.backend, options.postgres_url)
        settings = settings_for(emulator, url)
        engine = make_engine(url)
        stack.callback(engine.dispose)
        upgrade(engine)
        sessions = make_session_factory(engine)
        pacer = make_wsgi(inline(create_app(settings, session_factory=sessions)), engine, settings)
        minimal = make_wsgi(inline(create_minimal_app(settings)), engine, settings)
        for body in help_commands(emulator, len(USERS)):  # first sight: users.info, a new member
            call(pacer, body)
        print(f"{options.requests} requests of each kind, one at a time, after {WARMUP} warm-up")
        print(f"{'kind':<6} {'app':<8} {'CPU ms/req p50':>14} {'mean':>6}  statements/req")
        profile = cProfile.Profile(time.thread_time) if options.timer == "cpu" else cProfile.Profile()
        for kind in kinds:
            bodies = KINDS[kind](emulator, options.requests)
            for wsgi in (pacer, minimal):
                cpu_per_request(wsgi, KINDS[kind](emulator, WARMUP))
            base = cpu_per_request(minimal, bodies)
            with counting(engine) as seen:
                call(pacer, KINDS[kind](emulator, 1)[0])
            spent = cpu_per_request(pacer, bodies)
            profile.enable()
            for body in bodies:
                call(pacer, body)
            profile.disable()
            print(f"{kind:<6} {'minimal':<8} {_median(base):>14.3f} {statistics.fmean(base):>6.3f}")
            print(
                f"{kind:<6} {'pacer':<8} {_median(spent):>14.3f} {statistics.fmean(spent):>6.3f}  "
                f"{len(seen)}  (pacer ÷ minimal: {statistics.fmean(spent) / statistics.fmean(base):.2f}×)"
            )
            if options.statements:
                for statement in seen:
                    print(f"    {' '.join(statement.split())[:160]}")
        print(f"\ncProfile of Pacer's {options.requests} requests of each kind (top {options.top}):")
        out = io.StringIO()
        stats = pstats.Stats(profile, stream=out)
        stats.strip_dirs().sort_stats(options.sort).print_stats(options.top)
        print(out.getvalue())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.profile",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--kinds", default="help,setup")
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres-url", default=POSTGRES_URL)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--sort", choices=("cumulative", "tottime"), default="cumulative")
    parser.add_argument(
        "--timer",
        choices=("cpu", "wall"),
        default="cpu",
        help="the profile's clock: this thread's CPU (waits on the database left out) or wall time",
    )
    parser.add_argument("--statements", action="store_true", help="print each request's SQL statements")
    run(parser.parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
