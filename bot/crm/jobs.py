"""`crm-sync`: every 15 minutes, each workspace's CRM connection whose next try has come is synced
incrementally (`syncing.sync_one`), each in a transaction of its own; failures are backed off and reported
to the admins once a day. `crm-differences`: at each workspace's digest time, each manager's reported-vs-CRM
differences of the digest's week in one DM (`notices`), once per manager and week."""

from __future__ import annotations

from datetime import date, datetime

import httpx
from sqlalchemy.orm import Session

from bot.crm import notices, syncing
from bot.crm.integrations.sync import SyncResult
from bot.crm.settings import CrmSettings
from bot.scheduler import Job, JobContext, each_workspace, for_each_unit
from bot.secrets import Vault

HTTP_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def sync(context: JobContext, now: datetime) -> str:
    with context.session_factory() as session:
        due = syncing.due(session, now)
    if not due:
        return "no CRM connection due"
    vault = Vault.from_settings(context.settings, purpose="CRM credentials are encrypted with it")
    with httpx.Client(timeout=HTTP_TIMEOUT) as http:
        tools = syncing.SyncTools(vault, CrmSettings(), http, syncing.slack_emails(context.client_for))

        def one(session: Session, connection_id: int) -> SyncResult:
            return syncing.sync_one(session, connection_id, tools, now=now)

        done = for_each_unit(
            context.session_factory, [(f"crm-sync:{team}:{cid}", cid) for cid, team in due], one
        )
    failed = sum(1 for result in done.results if result.error)
    rows = sum(result.rows for result in done.results)
    return f"{len(due)} CRM connections synced, {rows} rows read, {failed} failed{done.note()}"


def differences(context: JobContext, now: datetime) -> str:
    """Each workspace at its digest time on its own: one that fails holds back no other."""
    with context.session_factory() as session:
        due = notices.due(session, now)

    def one(session: Session, unit: tuple[str, date]) -> int:
        return notices.queue(session, unit[0], unit[1], now=now)

    done = for_each_unit(context.session_factory, [(f"crm-differences:{t}:{w}", (t, w)) for t, w in due], one)
    return (
        f"{len(due)} workspaces at their digest time, {sum(done.results)} difference DMs queued{done.note()}"
    )


JOBS = (
    Job("crm-sync", "read each workspace's CRM (incremental) into actuals", 15, each_workspace(sync)),
    Job(
        "crm-differences",
        "DM each manager their reps' reports that differ from the CRM, at digest time",
        5,
        each_workspace(differences),
    ),
)
