"""`pacer export`, `pacer purge` and `pacer erase`: the data lifecycle from the command line.

- `pacer export --workspace T… [--sets a,b] [--from DAY --to DAY] [--format csv|xlsx] --out DIR`: the
  whole workspace's data sets (an admin's scope), the same files `/pacer export` sends, into DIR.
- `pacer purge --workspace T… [--yes]`: the rows per table it would delete; with `--yes`, deleted.
- `pacer erase --workspace T… --user U… [--yes]`: a member erased on request (see `bot.exports.erase`).
Each is recorded in the audit log with no actor (the command line)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine, MetaData
from sqlalchemy.orm import Session

from bot.db import utcnow
from bot.errors import PacerError
from bot.exports import erase, lifecycle, service
from bot.exports.base import ExportScope, ExportSet
from bot.exports.writer import FORMATS
from bot.i18n import t

COMMANDS = ("export", "purge", "erase")


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    export = sub.add_parser("export", help="export a workspace's data as CSV or XLSX files into a folder")
    export.add_argument("--workspace", required=True, metavar="T…")
    export.add_argument("--sets", default="", help="comma-separated data sets (default: all)")
    export.add_argument("--from", dest="since", type=date.fromisoformat, metavar="YYYY-MM-DD")
    export.add_argument("--to", dest="until", type=date.fromisoformat, metavar="YYYY-MM-DD")
    export.add_argument("--format", choices=FORMATS, default="csv")
    export.add_argument("--out", required=True, type=Path, metavar="DIR")
    export.add_argument("--part-bytes", type=int, default=None, help="split files past this size")
    purge = sub.add_parser("purge", help="delete a workspace's data (a dry run unless --yes)")
    purge.add_argument("--workspace", required=True, metavar="T…")
    purge.add_argument("--yes", action="store_true", help="delete, after reading the dry run")
    erasing = sub.add_parser("erase", help="erase a member's data on request (a dry run unless --yes)")
    erasing.add_argument("--workspace", required=True, metavar="T…")
    erasing.add_argument("--user", required=True, metavar="U…")
    erasing.add_argument("--yes", action="store_true")


def run(
    args: argparse.Namespace, engine: Engine, metadata: MetaData, sets: Sequence[ExportSet], part_bytes: int
) -> str:
    """What the command did (or would do), as lines to print; a refusal is a PacerError's message."""
    try:
        with Session(engine) as session:
            if args.command == "export":
                said = _export(session, args, sets, args.part_bytes or part_bytes)
            elif args.command == "purge":
                said = _purge(session, metadata, args.workspace, yes=args.yes)
            else:
                said = _erase(session, args.workspace, args.user, yes=args.yes)
            session.commit() if args.command == "export" or args.yes else session.rollback()
            return said
    except PacerError as error:
        raise SystemExit(f"pacer: {_said(error)}") from None


def _said(error: str | PacerError) -> str:
    return t(error, "en") if isinstance(error, str) else t(error.key, "en", **error.values)


def _export(session: Session, args: argparse.Namespace, sets: Sequence[ExportSet], part_bytes: int) -> str:
    today = utcnow().date()
    until = args.until or today
    since = args.since or until - timedelta(days=365)
    names = [name for name in args.sets.split(",") if name] or [export.name for export in sets]
    values = {service.SCOPE_FIELD: service.EVERYTHING, service.FROM_FIELD: since.isoformat()}
    values |= {service.TO_FIELD: until.isoformat(), service.SETS_FIELD: ",".join(names)}
    values[service.FORMAT_FIELD] = args.format
    everything = service.Choice(service.EVERYTHING, "", "", ExportScope(args.workspace, admin=True))
    request = service.read_request(values, [everything], sets, today=today)
    if not isinstance(request, service.Request):
        raise SystemExit(
            "pacer: " + "; ".join(f"--{name}: {_said(error)}" for name, error in request.items())
        )
    args.out.mkdir(parents=True, exist_ok=True)
    parts = service.run(session, request, args.out, part_bytes=part_bytes)
    service.record(session, request, parts, actor=None)
    return "\n".join(f"{part.path} ({part.rows} rows)" for part in parts)


def _purge(session: Session, metadata: MetaData, team_id: str, *, yes: bool) -> str:
    counts = (
        lifecycle.purge(session, metadata, team_id) if yes else lifecycle.counts(session, metadata, team_id)
    )
    lines = [f"{name}: {count}" for name, count in counts.items() if count]
    verb = "deleted" if yes else "would delete (run again with --yes to delete)"
    return "\n".join([f"workspace {team_id}: {verb} {sum(counts.values())} rows", *lines])


def _erase(session: Session, team_id: str, user_id: str, *, yes: bool) -> str:
    done = erase.erase(session, team_id, user_id, actor=None)  # rolled back by `run` unless --yes
    lines = [f"{name}: {count}" for name, count in done.items() if count]
    verb = "erased" if yes else "would erase (run again with --yes to erase)"
    return "\n".join([f"member {user_id} of {team_id}: {verb} ({sum(done.values())} rows)", *lines])
