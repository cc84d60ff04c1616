"""What `/pacer crm status` and `pacer crm status` show of each CRM connection: the last sync, rows read,
the last error and the next try — never a credential (the sealed column is not even read here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import format as fmt
from bot.crm.integrations.models import CrmConnection
from bot.i18n import Locale, t
from bot.text import Mrkdwn, one_line


@dataclass(frozen=True)
class Status:
    team_id: str
    provider: str
    last_sync_at: datetime | None
    rows_read: int
    last_error: str
    failures: int
    next_try_at: datetime | None


def statuses(session: Session, team_id: str | None = None) -> list[Status]:
    """One per connection: of one workspace, or (the command line) of every workspace."""
    query = select(
        CrmConnection.team_id,
        CrmConnection.provider,
        CrmConnection.last_sync_at,
        CrmConnection.rows_read,
        CrmConnection.last_error,
        CrmConnection.failures,
        CrmConnection.next_try_at,
    ).order_by(CrmConnection.team_id, CrmConnection.provider)
    if team_id is not None:
        query = query.where(CrmConnection.team_id == team_id)
    return [
        Status(
            r.team_id, r.provider.value, r.last_sync_at, r.rows_read, r.last_error, r.failures, r.next_try_at
        )
        for r in session.execute(query)
    ]


def _moment(at: datetime | None, locale: Locale) -> Mrkdwn | str:
    if at is None:
        return t("crm.status.never", locale)
    fallback = f"{fmt.day_text(at.date(), locale)} {fmt.time_text(at, locale)} UTC"
    return fmt.slack_date(at, "{date_short_pretty} {time}", fallback)


def line(status: Status, locale: Locale) -> str:
    values = {
        "crm": t(f"crm.provider.{status.provider}", locale),
        "last": _moment(status.last_sync_at, locale),
        "rows": fmt.count(status.rows_read, locale),
        "next": _moment(status.next_try_at, locale),
    }
    if status.last_error:
        return t(
            "crm.status.line_error",
            locale,
            error=one_line(status.last_error, 200),
            failures=fmt.count(status.failures, locale),
            **values,
        )
    return t("crm.status.line", locale, **values)


def plain(status: Status) -> str:
    """The command line's row: tab-separated, UTC instants in ISO 8601."""

    def when(at: datetime | None) -> str:
        return at.astimezone(UTC).isoformat(timespec="minutes") if at else "-"

    error = one_line(status.last_error, 200) or "-"
    return "\t".join(
        (
            status.team_id,
            status.provider,
            when(status.last_sync_at),
            str(status.rows_read),
            error,
            when(status.next_try_at),
        )
    )
