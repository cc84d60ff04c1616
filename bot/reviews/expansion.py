"""Market expansion from the weekly check-in: whether a rep's check-in asks for the week's new accounts
(a goal measured in new accounts, or the workspace asks every rep), and keeping the week's count with its
quarter's sum as the rep's figure from the check-ins (`InputSource.CHECKIN`), which the scorecard reads
after a manager's entry and an upload. No Slack."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot import calendar
from bot.goals.models import Metric
from bot.goals.numbers import read_whole
from bot.reviews.inputs import existing
from bot.reviews.models import InputKind, InputSource, ReviewInput, ReviewSettings, WeeklyAccounts
from bot.reviews.scorecards import quarter_span
from bot.reviews.service import find_cycle, quarter_of
from bot.roster.models import Member

FIELD = "new_accounts"  # the check-in modal's block id (setup_views.ACCOUNTS_FIELD)
COUNT_MAX = 10_000


def asks(session: Session, team_id: str, metrics: Iterable[Metric]) -> bool:
    """A rep's check-in asks for new accounts: one of their goals counts them, or the workspace asks all."""
    return Metric.NEW_ACCOUNTS in set(metrics) or asks_everyone(session, team_id)


def read_count(typed: str | None) -> int | str | None:
    """A typed count: None when left empty, the whole number, or the i18n key of what is wrong."""
    text = (typed or "").strip()
    if not text:
        return None
    count = read_whole(text, range(COUNT_MAX + 1))
    return "reviews.settings.accounts_invalid" if count is None else count


def given(session: Session, rep_id: int, week_start: date) -> int | None:
    row = session.scalars(
        select(WeeklyAccounts).where(WeeklyAccounts.rep_id == rep_id, WeeklyAccounts.week_start == week_start)
    ).one_or_none()
    return None if row is None else row.count


def week_quarter(week_start: date) -> str:
    """The quarter an ISO week's figures belong to: the one its Thursday is in."""
    return quarter_of(week_start + 3 * calendar.DAY)


def record_week(session: Session, rep: Member, week_start: date, count: int | None, *, now: datetime) -> None:
    """Keep (or, left empty, forget) the week's new accounts and update the quarter's sum; a quarter whose
    review is locked keeps the week's count, but its scorecard's figure stays as calibrated."""
    row = session.scalars(
        select(WeeklyAccounts).where(WeeklyAccounts.rep_id == rep.id, WeeklyAccounts.week_start == week_start)
    ).one_or_none()
    if count is None and row is not None:
        session.delete(row)
    elif count is not None:
        row = row or WeeklyAccounts(team_id=rep.team_id, rep_id=rep.id, week_start=week_start)
        row.count, row.recorded_at = count, now
        session.add(row)
    session.flush()
    quarter = week_quarter(week_start)
    cycle = find_cycle(session, rep.team_id, quarter)
    if cycle is None or not cycle.locked:
        _keep_sum(session, rep, quarter, now)


def _keep_sum(session: Session, rep: Member, quarter: str, now: datetime) -> None:
    start, end = quarter_span(quarter, None)
    total = session.scalar(
        select(func.sum(WeeklyAccounts.count)).where(
            WeeklyAccounts.rep_id == rep.id, WeeklyAccounts.week_start.between(start, end)
        )
    )
    found = existing(
        session, rep.team_id, quarter, rep.id, kind=InputKind.EXPANSION, source=InputSource.CHECKIN
    )
    if total is None:
        if found is not None:
            session.delete(found)
        return
    found = found or ReviewInput(
        team_id=rep.team_id,
        quarter=quarter,
        rep_id=rep.id,
        kind=InputKind.EXPANSION,
        source=InputSource.CHECKIN,
    )
    found.value, found.scale, found.note, found.recorded_at = Decimal(total), None, "", now
    session.add(found)
    session.flush()


def asks_everyone(session: Session, team_id: str) -> bool:
    row = session.get(ReviewSettings, team_id)
    return row is not None and row.ask_new_accounts


def save_asks_everyone(session: Session, team_id: str, ask: bool) -> None:
    """Whether every rep's check-in asks for new accounts (the settings row exists: `save_config` first)."""
    row = session.get(ReviewSettings, team_id) or ReviewSettings(team_id=team_id)
    row.ask_new_accounts = ask
    session.add(row)
    session.flush()
