"""`pacer` (also `python -m bot`): run, migrate, jobs list, jobs run NAME [--now ISO-8601]."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING
from urllib.error import URLError

from sqlalchemy import Engine
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, ProgrammingError

from bot.config import SLACK_DEFAULT_API_URL, ConfigError, Settings, load_settings
from bot.db import make_engine, make_session_factory
from bot.db.migrate import upgrade
from bot.exports import cli as export_cli
from bot.installs import cli as install_cli
from bot.logs import setup_logging

if TYPE_CHECKING:
    from slack_bolt import App

    from bot.scheduler import JobContext

logger = logging.getLogger("pacer")
# The start-up token check's own logger: the SDK would log every failed try before Pacer's one line.
_QUIET = logging.getLogger("pacer.start-up-check")
_QUIET.setLevel(logging.CRITICAL)
_QUIET.propagate = False


Subcommands = argparse._SubParsersAction  # what `add_subparsers` returns, to add commands to


def _parser() -> argparse.ArgumentParser:
    """The `pacer` command line, its commands in the order `--help` lists them."""
    parser = argparse.ArgumentParser(
        prog="pacer", description="Pacer: a Slack app for outsourced sales teams."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_server_commands(sub)
    _add_demo(sub)
    install_cli.add_commands(sub)  # pacer secrets rotate
    export_cli.add_commands(sub)  # pacer export, purge, erase (issue 16)
    sub.add_parser(
        "deliveries",
        help="how the outbox stands and which messages could not be sent",
        description="Counts of outbox messages by status, and the latest failures with their error.",
    )
    _add_jobs(sub)
    from bot.crm.cli import add_commands as add_crm_commands  # `import actuals`

    add_crm_commands(sub)

    from bot.training.cli import add_commands as add_training_commands

    add_training_commands(sub)  # `pacer courses import PATH`
    return parser


def _add_server_commands(sub: Subcommands[argparse.ArgumentParser]) -> None:
    """`run` and `migrate`: what a deployment runs."""
    sub.add_parser(
        "run",
        help="migrate the database, then serve Slack (HTTP or Socket Mode) with the scheduler",
        description="Migrate, then serve: Socket Mode when SLACK_APP_TOKEN is set, else HTTP on "
        "HOST:PORT (POST /slack/events, GET /healthz). Scheduled jobs run in-process.",
    )
    sub.add_parser(
        "migrate",
        help="apply the database migrations (alembic upgrade head)",
        description="Apply every pending migration to DATABASE_URL.",
    )


def _add_demo(sub: Subcommands[argparse.ArgumentParser]) -> None:
    """`demo` and its ports and data directory."""
    demo = sub.add_parser(
        "demo",
        help="try Pacer locally against local-slack, a throwaway Slack (no workspace or tokens needed)",
        description="Install local-slack from npm if needed, seed a demo team in its own database, start "
        "local-slack and Pacer (Socket Mode), send this week's nudges and last week's digest. "
        "Ctrl-C stops both.",
    )
    demo.add_argument(
        "--slack-port", type=int, default=3100, help="local-slack's web UI and API (default 3100)"
    )
    demo.add_argument("--app-port", type=int, default=3101, help="Pacer's /healthz port (default 3101)")
    demo.add_argument(
        "--data-dir", type=Path, default=Path("data/demo"), help="the demo's database, logs, lock"
    )


def _add_jobs(sub: Subcommands[argparse.ArgumentParser]) -> None:
    """`jobs list` and `jobs run NAME [--now ISO-8601]`."""
    jobs = sub.add_parser(
        "jobs", help="list the scheduled jobs or run one now", description="The jobs the scheduler runs."
    )
    jobs_sub = jobs.add_subparsers(dest="jobs_command", required=True, metavar="ACTION")
    jobs_sub.add_parser("list", help="name, interval and purpose of each job", description="List the jobs.")
    run = jobs_sub.add_parser(
        "run",
        help="run one job once, synchronously",
        description="Run one job once, as if the clock read --now.",
    )
    run.add_argument("name", help="the job's name (see `pacer jobs list`)")
    run.add_argument(
        "--now",
        type=_instant,
        default=None,
        metavar="ISO-8601",
        help="the time the job believes it is, e.g. 2026-12-07T09:00:00+08:00 (default: now)",
    )


def _instant(value: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO-8601 time: {value!r}") from None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "demo":  # its own settings: the user's .env and tokens are not used
        from bot.demo import run_demo

        return run_demo(slack_port=args.slack_port, app_port=args.app_port, data_dir=args.data_dir)
    try:
        settings = load_settings()
        setup_logging(settings.log_level)
        return _dispatch(args, settings)
    except ConfigError as error:
        print(f"pacer: configuration error: {error}", file=sys.stderr)
        return 2


def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    """The subcommand's function; each feature's command line lives in its own package."""
    commands: dict[str, Callable[[], int]] = {
        "migrate": lambda: migrate(settings),
        "run": lambda: run(settings),
        "deliveries": lambda: deliveries(settings),
        "secrets": lambda: _print(install_cli.rotate(settings, open_database(settings))),
        "import": lambda: _import(args, settings),
        "courses": lambda: _courses(args, settings),
        **{name: (lambda: _export(args, settings)) for name in export_cli.COMMANDS},
        "crm": lambda: _crm(args, settings),
    }
    if args.command in commands:
        return commands[args.command]()
    if args.jobs_command == "list":
        return jobs_list()
    return jobs_run(settings, args.name, args.now)


def _print(line: str) -> int:
    print(line)
    return 0


def _courses(args: argparse.Namespace, settings: Settings) -> int:
    from bot.training.cli import run_import  # the training feature's importer

    return run_import(open_database(settings), args.path, args.team)


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from bot.features import all_exports, metadata

    engine = open_database(settings)
    print(export_cli.run(args, engine, metadata(), all_exports(), settings.export_part_bytes))
    return 0


def _crm(args: argparse.Namespace, settings: Settings) -> int:
    from bot.crm.cli import crm_status  # `pacer crm status`

    return crm_status(args, open_database(settings))


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from bot.crm.cli import import_actuals  # the CRM feature's importer loads only when it is asked for

    return import_actuals(args, settings, open_database(settings))


def open_database(settings: Settings, *, migrate: bool = True) -> Engine:
    """The engine for DATABASE_URL, migrated; a bad URL or an unreachable server is one clear line."""
    try:
        engine = make_engine(settings.database_url)
        if migrate:
            upgrade(engine)
        else:
            with engine.connect():
                pass
    except (ArgumentError, NoSuchModuleError, ModuleNotFoundError) as error:
        raise ConfigError("DATABASE_URL", f"is not a database Pacer can use ({error})") from None
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        raise ConfigError("DATABASE_URL", f"could not be opened ({reason})") from None
    return engine


def migrate(settings: Settings) -> int:
    engine = open_database(settings)
    logger.info("database is at the latest migration")
    engine.dispose()
    return 0


def jobs_list() -> int:
    from bot.features import all_jobs

    for job in all_jobs().values():
        every = f"every {job.every_minutes:>3} min" if job.every_minutes else "continuous   "
        print(f"{job.name:<20} {every}  {job.description}")
    return 0


def jobs_run(settings: Settings, name: str, now: datetime | None) -> int:
    """Run one job as if the clock read `now`, then send what it queued (waiting out retries)."""
    from bot.db import utcnow
    from bot.features import all_jobs
    from bot.scheduler import run_once

    job = all_jobs().get(name)
    if job is None:
        print(f"pacer: no job named {name!r}; `pacer jobs list` shows them", file=sys.stderr)
        return 2
    context = _job_context(settings)
    for line in run_once(context, job, now or utcnow()):
        print(line)
    return 0


def deliveries(settings: Settings) -> int:
    """How the outbox stands, and the latest messages that could not be sent."""
    from bot.delivery.service import counts, recent_failures

    engine = open_database(settings, migrate=False)
    with make_session_factory(engine)() as session:
        try:
            by_status = counts(session)
        except (OperationalError, ProgrammingError):
            raise ConfigError("DATABASE_URL", "has no Pacer tables yet: run `pacer migrate` first") from None
        print("outbox: " + (", ".join(f"{n} {status}" for status, n in sorted(by_status.items())) or "empty"))
        for row in recent_failures(session):
            print(f"failed  {row.key:<48} tries={row.attempts}  {row.last_error}")
    engine.dispose()
    return 0


def _job_context(settings: Settings) -> JobContext:
    from bot.delivery.worker import make_sender
    from bot.features import pages
    from bot.scheduler import JobContext
    from bot.slack.client import make_client
    from bot.slack.clients import make_clients
    from bot.slack.directory import Directory

    settings.require_slack()
    session_factory = make_session_factory(open_database(settings))
    client = make_client(settings, purpose="job")
    sender = make_sender(settings, session_factory)
    clients = make_clients(settings, session_factory.kw["bind"], purpose="job")
    directory = Directory(client, session_factory, client_for=clients.for_team)
    multi = clients if clients.multi else None
    return JobContext(settings, session_factory, client, directory, sender, pages=pages(), clients=multi)


def run(settings: Settings) -> int:
    from bot.delivery.worker import DeliveryWorker
    from bot.events import Events
    from bot.features import all_jobs
    from bot.scheduler.runner import Leadership, start_scheduler
    from bot.slack.app import create_app

    settings.require_slack()  # the tokens first: `.env.example` copied unchanged names SLACK_BOT_TOKEN
    settings.require_anonymity_key()
    team_id = _check_token(settings)  # before the migrations log anything: a refused token is the first line
    context = _job_context(settings)
    if team_id:  # single-workspace mode: the token's workspace is served, so active again (see the README)
        from bot.features import return_hooks
        from bot.slack.uninstall import set_active

        set_active(context.session_factory, team_id, active=True, hooks=return_hooks())
    worker = DeliveryWorker(context.sender).start()
    events = Events()  # the subscribers' worker thread, stopped (after what is queued) with the app
    app = create_app(settings, session_factory=context.session_factory, kick=worker.kick, events=events)
    leadership = Leadership(context.session_factory.kw["bind"])
    leadership.release_at_exit()
    scheduler = start_scheduler(all_jobs(), context, leadership)
    try:
        if settings.socket_mode:
            _serve_socket_mode(app, context, settings)
        else:
            _serve_http(app, context, settings)
    finally:
        scheduler.shutdown(wait=False)
        worker.stop()
        events.shutdown()
    return 0


def _check_token(settings: Settings) -> str | None:
    """`auth.test` once at start: a refused token or an unreachable Slack is one line, with no SDK logs.
    Returns the token's workspace (None in OAuth mode: each workspace's token comes from its install)."""
    if settings.oauth_mode:
        return None
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError
    from slack_sdk.http_retry.builtin_handlers import ConnectionErrorRetryHandler

    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else None
    client = WebClient(
        token=token,
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[ConnectionErrorRetryHandler(max_retry_count=1)],
        logger=_QUIET,
    )
    try:
        identity = client.auth_test()
    except SlackApiError as error:
        raise ConfigError(
            "SLACK_BOT_TOKEN", f"was refused by Slack ({error.response.get('error')})"
        ) from None
    except (URLError, TimeoutError, ConnectionError) as error:
        raise _unreachable(settings, error) from None
    logger.info("connected to Slack workspace %s as %s", identity.get("team_id"), identity.get("user_id"))
    return str(identity.get("team_id") or "") or None


def _unreachable(settings: Settings, error: OSError) -> ConfigError:
    """Slack out of reach: SLACK_API_URL is to blame only if it was set to something else than Slack's."""
    reason = error.reason if isinstance(error, URLError) else error
    if settings.slack_api_url == SLACK_DEFAULT_API_URL:
        return ConfigError(
            "Slack", f"({SLACK_DEFAULT_API_URL}) could not be reached ({reason}): check the network or proxy"
        )
    return ConfigError("SLACK_API_URL", f"({settings.slack_api_url}) could not be reached ({reason})")


def _serve_http(app: App | None, context: JobContext, settings: Settings) -> None:
    """Waitress on HOST:PORT until SIGTERM/SIGINT. Without an app (Socket Mode) it serves /healthz only."""
    from bot.slack.web import make_server, make_wsgi

    engine = context.session_factory.kw["bind"]
    server = make_server(make_wsgi(app, engine, settings), settings)

    def stop(signum: int, _frame: FrameType | None) -> None:
        logger.info("signal %s: stopping", signum)
        raise KeyboardInterrupt  # waitress ends its loop and drains its worker threads on this

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)
    what = "POST /slack/events, GET /healthz" if app is not None else "GET /healthz"
    logger.info("serving HTTP on http://%s:%s (%s)", settings.host, settings.port, what)
    server.run()


def _serve_socket_mode(app: App, context: JobContext, settings: Settings) -> None:
    from slack_bolt.adapter.socket_mode import SocketModeHandler
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    health = threading.Thread(target=_serve_http, args=(None, context, settings), name="health", daemon=True)
    health.start()
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else ""
    handler = SocketModeHandler(
        app, app_token, web_client=WebClient(token=app_token, base_url=settings.slack_api_url)
    )
    stopped = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda number, _frame: stopped.set())
    try:
        handler.connect()  # type: ignore[no-untyped-call]
    except SlackApiError as error:
        raise ConfigError(
            "SLACK_APP_TOKEN", f"was refused by Slack ({error.response.get('error')})"
        ) from None
    logger.info("serving over Socket Mode via %s", settings.slack_api_url)
    while not stopped.wait(1):
        pass
    logger.info("stopping")
    handler.close()  # type: ignore[no-untyped-call]
