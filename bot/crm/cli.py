"""`pacer import actuals FILE [--workspace T…] [--dry-run]`: a spreadsheet of actuals checked and imported
from the command line. Every bad line is printed with its number and reason and nothing is written; the
exit status is 1 then, 0 when the file imported (or would, with --dry-run).

`pacer crm status [--workspace T…]`: each CRM connection's last sync, rows read, last error, next try."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from bot.config import Settings
from bot.crm import importing, status
from bot.crm.importing import Checked, EmailLookup
from bot.db import make_session_factory, utcnow
from bot.i18n import t
from bot.workspaces.models import Workspace


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    command = sub.add_parser(
        "import", help="import figures from a file (actuals)", description="Import figures from a file."
    )
    what = command.add_subparsers(dest="import_what", required=True, metavar="WHAT")
    actuals = what.add_parser(
        "actuals",
        help="a CSV or XLSX of actuals: rep,date,metric,amount,currency,external_id",
        description="Check a file of actuals line by line and import it when every line is good. "
        "Re-importing the same lines changes nothing.",
    )
    actuals.add_argument("file", type=Path, help="the CSV (UTF-8, UTF-8 with BOM, GB18030) or XLSX file")
    actuals.add_argument("--workspace", metavar="T…", help="the workspace's team id (needed when several)")
    actuals.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    crm = sub.add_parser("crm", help="CRM connections", description="The workspaces' CRM connections.")
    about = crm.add_subparsers(dest="crm_what", required=True, metavar="WHAT")
    shown = about.add_parser(
        "status",
        help="per workspace and connector: last sync, rows read, errors, next try",
        description="Each CRM connection's sync: last sync, rows read, the last error and the next try "
        "(UTC). No credential is ever shown.",
    )
    shown.add_argument("--workspace", metavar="T…", help="only this workspace's team id")


def crm_status(args: argparse.Namespace, engine: Engine, out: TextIO = sys.stdout) -> int:
    """`pacer crm status`: one tab-separated line per connection, under a header."""
    with make_session_factory(engine)() as session:
        found = status.statuses(session, args.workspace)
    out.write("workspace\tcrm\tlast sync\trows read\tlast error\tnext try\n")
    for item in found:
        out.write(status.plain(item) + "\n")
    if not found:
        out.write("no CRM connection\n")
    return 0


def import_actuals(
    args: argparse.Namespace, settings: Settings, engine: Engine, out: TextIO = sys.stdout
) -> int:
    path: Path = args.file
    if not path.is_file():
        sys.stderr.write(f"pacer: no such file: {path}\n")
        return 2
    factory = make_session_factory(engine)
    with factory.begin() as session:
        team_id = _workspace(session, args.workspace)
        if team_id is None:
            return 2
        checked = _check(session, team_id, path, _emails(settings))
        if not checked.clean:
            _print_errors(checked, out)
            return 1
        counts = importing.run(session, team_id, checked, now=utcnow(), dry_run=args.dry_run)
        note = " (dry run: nothing written)" if args.dry_run else ""
        out.write(
            f"{checked.lines} lines: {counts.created} created, {counts.updated} updated, "
            f"{counts.unchanged} unchanged{note}\n"
        )
    return 0


def _workspace(session: Session, given: str | None) -> str | None:
    known = list(session.scalars(select(Workspace.team_id).order_by(Workspace.team_id)))
    if given in known or (given is None and len(known) == 1):
        return given or known[0]
    which = f"no workspace {given}" if given else "name the workspace with --workspace"
    sys.stderr.write(f"pacer: {which} (known: {', '.join(known) or 'none'})\n")
    return None


def _check(session: Session, team_id: str, path: Path, emails: EmailLookup | None) -> Checked:
    if path.suffix.casefold() == ".xlsx":
        return importing.check_bytes(session, team_id, path.read_bytes(), "xlsx", emails=emails)
    with path.open("rb") as stream:
        return importing.check(session, team_id, stream, emails=emails)


def _emails(settings: Settings) -> EmailLookup | None:
    """Slack's email lookup when a bot token is configured; without one, reps are named by id only."""
    if settings.slack_bot_token is None:
        return None
    from bot.crm.lookup import slack_emails
    from bot.slack.client import make_client

    return slack_emails(make_client(settings))


def _print_errors(checked: Checked, out: TextIO) -> None:
    for error in checked.errors:
        reason = t(error.key, "en", **error.values)
        out.write(
            (t("crm.import.line", "en", line=error.line, reason=reason) if error.line else reason) + "\n"
        )
    if checked.more_errors:
        out.write(t("crm.import.more", "en", count=checked.more_errors) + "\n")
