"""`pacer purge`: delete a workspace's data, every table with a `team_id`, children before parents, the
installation too; a dry run first counts the rows per table. No Slack.

The audit log is purged with the rest, then the purge itself is recorded (the counts, nothing personal),
so there is a trace that the workspace's data went, and when."""

from __future__ import annotations

from sqlalchemy import MetaData, Table, delete, func, select
from sqlalchemy.orm import Session

from bot.audit import service as audit


def team_tables(metadata: MetaData) -> list[Table]:
    """The tables holding a workspace's rows, in the order they may be deleted (dependants first)."""
    return [table for table in reversed(metadata.sorted_tables) if "team_id" in table.c]


def counts(session: Session, metadata: MetaData, team_id: str) -> dict[str, int]:
    """How many rows each table holds for the workspace (a dry run), in deletion order."""
    found = {}
    for table in team_tables(metadata):
        found[table.name] = (
            session.scalar(select(func.count()).select_from(table).where(table.c.team_id == team_id)) or 0
        )
    return found


def purge(session: Session, metadata: MetaData, team_id: str, *, cause: str = "command") -> dict[str, int]:
    """Delete the workspace's rows, table by table in dependency order; recorded with its `cause` (the
    command line, or "uninstalled": the job, once the kept days ran out). Returns the counts."""
    deleted = {}
    for table in team_tables(metadata):
        result = session.execute(delete(table).where(table.c.team_id == team_id))
        deleted[table.name] = result.rowcount or 0  # type: ignore[attr-defined]
    rows, tables = sum(deleted.values()), len(deleted)
    audit.record(session, team_id, None, "purge", team_id, rows=rows, tables=tables, cause=cause)
    return deleted
