"""After an uninstall: a workspace's data is kept, then purged. No Slack.

Each workspace says how many days its data is kept once Pacer is uninstalled (`after_uninstall_days`: 30
unless an admin set another number with `/pacer retention uninstall <days|off>`; `off`: kept for good).
`app_uninstalled` and `tokens_revoked` call `schedule`: the purge falls due that many days later on the
database's clock. An OAuth install of the same team calls `cancel`. The `uninstalled-purge` job purges
each workspace whose day has come with `lifecycle.purge` (the code behind `pacer purge --workspace`),
claiming it first with one conditional UPDATE, so two schedulers, or a tick that runs twice, purge once."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import CursorResult, exists, select, update
from sqlalchemy.orm import Session

from bot.audit import service as audit
from bot.db import Base, database_now
from bot.exports import lifecycle
from bot.exports.models import AFTER_UNINSTALL_DAYS, RetentionSetting
from bot.scheduler.job import Job, JobContext
from bot.scheduler.units import for_each_unit
from bot.workspaces.models import Workspace
from bot.workspaces.service import ensure_workspace

WORD = "uninstall"  # `/pacer retention uninstall <days|off>`


def load_days(session: Session, team_id: str) -> int | None:
    """Days an uninstalled workspace's data is kept; None: for good."""
    setting = session.get(RetentionSetting, team_id)
    return AFTER_UNINSTALL_DAYS if setting is None else setting.after_uninstall_days


def save_days(session: Session, team_id: str, days: int | None, *, actor: int | None) -> None:
    """The setting, saved and recorded. A purge already due keeps its day (it was set at the uninstall)."""
    setting = _setting(session, team_id)
    setting.after_uninstall_days = days
    audit.record(session, team_id, actor, "settings.retention", "after_uninstall", days=days)


def _setting(session: Session, team_id: str) -> RetentionSetting:
    ensure_workspace(session, team_id)
    setting = session.get(RetentionSetting, team_id)
    if setting is None:
        setting = RetentionSetting(team_id=team_id)
        session.add(setting)
        session.flush()
    return setting


def schedule(session: Session, team_id: str) -> datetime | None:
    """Pacer left the workspace: its purge falls due after its `after_uninstall_days` (none when kept for
    good); recorded. Returns when, on the database's clock. Slack sends both `app_uninstalled` and
    `tokens_revoked`: the second finds the purge scheduled and leaves it be."""
    setting = _setting(session, team_id)
    if setting.purge_due_at is not None:
        return setting.purge_due_at
    days = setting.after_uninstall_days
    due = None if days is None else database_now(session) + timedelta(days=days)
    setting.purge_due_at = due
    audit.record(session, team_id, None, "uninstall", team_id, kept_days=days, purge_due=due)
    return due


def cancel(session: Session, team_id: str) -> bool:
    """Pacer was installed again: a pending purge is called off (recorded). Whether one was pending."""
    result: CursorResult[tuple[()]] = session.execute(  # type: ignore[assignment]
        update(RetentionSetting)
        .where(RetentionSetting.team_id == team_id, RetentionSetting.purge_due_at.is_not(None))
        .values(purge_due_at=None)
    )
    if not result.rowcount:
        return False
    audit.record(session, team_id, None, "reinstall", team_id, purge_cancelled=True)
    return True


def due(session: Session) -> list[str]:
    """The uninstalled workspaces whose purge is due now, on the database's clock."""
    found = select(RetentionSetting.team_id).where(RetentionSetting.purge_due_at <= database_now(session))
    return list(session.scalars(found.order_by(RetentionSetting.team_id)))


def purge_if_due(session: Session, team_id: str) -> dict[str, int] | None:
    """Claim the workspace's due purge (still due, still uninstalled) and purge it in the same
    transaction; None when another run holds it or got there first, or it was installed again. The claim:
    its setting's row locked (PostgreSQL: SKIP LOCKED, so an overlapping run moves on), then its due time
    cleared by a conditional UPDATE (SQLite: the one writer decides)."""
    now = database_now(session)
    left = exists().where(Workspace.team_id == team_id, Workspace.active.is_(False))
    still_due = (RetentionSetting.team_id == team_id, RetentionSetting.purge_due_at <= now, left)
    locked = select(RetentionSetting.team_id).where(*still_due).with_for_update(skip_locked=True)
    if session.scalar(locked) is None:
        return None
    claimed: CursorResult[tuple[()]] = session.execute(  # type: ignore[assignment]
        update(RetentionSetting).where(*still_due).values(purge_due_at=None)
    )
    if claimed.rowcount != 1:
        return None
    return lifecycle.purge(session, Base.metadata, team_id, cause="uninstalled")


def purge_uninstalled(context: JobContext, now: datetime) -> str:
    """One unit per due workspace: a failing purge is rolled back and tried again at the next tick. Judged
    on the database's clock, not `now`."""
    with context.session_factory() as session:
        teams = due(session)
    done = for_each_unit(context.session_factory, [(f"purge:{t}", t) for t in teams], purge_if_due)
    purged = [counts for counts in done.results if counts is not None]
    rows = sum(sum(counts.values()) for counts in purged)
    return f"{len(purged)} uninstalled workspaces purged ({rows} rows){done.note()}"


JOBS = (
    Job(
        "uninstalled-purge",
        "purge the data of workspaces uninstalled longer ago than they keep it",
        60,
        purge_uninstalled,
    ),
)
