"""Contests (SPIFFs): reps ranked by attainment of one goal metric over a window (from Pacer's own goals and
check-ins: the ISO weeks whose Monday falls in it), a prize per rank, and a leaderboard of the top N only —
never a public bottom — kept up to date in a channel (one message, edited in place) until the window ends,
when it is final. Setting one up is checked without Slack, each error under its field. No Slack."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.digests.service import Scope
from bot.errors import FieldErrors, Invalid
from bot.goals.dates import read_date
from bot.goals.models import Metric
from bot.goals.numbers import read_whole
from bot.incentives import attainment
from bot.incentives.models import Contest
from bot.incentives.plans import NAME_MAX, check_admin
from bot.roster.models import Member
from bot.roster.policy import Caller
from bot.workspaces.models import Workspace

PRIZE_LINE = re.compile(r"^\s*(\d{1,2})\s*[:.)]\s*(\S.{0,79})$")
MAX_DAYS = 366


@dataclass(frozen=True)
class ContestAnswers:
    name: str | None = None
    metric: str | None = None
    starts_on: str | None = None
    ends_on: str | None = None
    channel: str | None = None
    top_n: str | None = None
    prizes: str | None = None


@dataclass(frozen=True)
class ContestInput:
    name: str
    metric: Metric
    starts_on: date
    ends_on: date
    channel: str
    top_n: int
    prizes: dict[int, str]


@dataclass(frozen=True)
class Place:
    rank: int
    rep: Member
    attainment: Decimal


def read_prizes(text: str, top_n: int) -> dict[int, str] | Invalid:
    """Lines "1: 500 USD" (a rank within the top N, each once), in any order; the first bad row named."""
    prizes: dict[int, str] = {}
    for row, line in enumerate([line for line in text.splitlines() if line.strip()], 1):
        match = PRIZE_LINE.match(line)
        if match is None or not 1 <= int(match[1]) <= top_n or int(match[1]) in prizes:
            return Invalid("incentives.contest.prize_line", row=row, top=top_n)
        prizes[int(match[1])] = match[2].strip()
    return prizes


def check_contest(answers: ContestAnswers, *, today: date) -> ContestInput | FieldErrors:
    errors = FieldErrors()
    name = (answers.name or "").strip()
    if not name or len(name) > NAME_MAX:
        errors["name"] = Invalid("incentives.plan.name", max=NAME_MAX)
    try:
        metric: Metric | None = Metric(answers.metric or "")
    except ValueError:
        metric, errors["metric"] = None, "incentives.plan.metric"
    starts, ends = read_date(answers.starts_on), read_date(answers.ends_on)
    if starts is None:
        errors["starts_on"] = "incentives.contest.date"
    if ends is None or (starts is not None and not 0 <= (ends - starts).days <= MAX_DAYS) or ends < today:
        errors["ends_on"] = Invalid("incentives.contest.window", days=MAX_DAYS)
    if not answers.channel:
        errors["channel"] = "incentives.contest.channel"
    top_n = read_whole(answers.top_n, range(1, 11))
    if top_n is None:
        errors["top_n"] = "incentives.contest.top_n"
    prizes = read_prizes(answers.prizes or "", top_n or 10)
    if isinstance(prizes, Invalid):
        errors["prizes"] = prizes
    if (
        errors
        or metric is None
        or starts is None
        or ends is None
        or top_n is None
        or isinstance(prizes, Invalid)
    ):
        return errors
    return ContestInput(name, metric, starts, ends, answers.channel or "", top_n, prizes)


def name_taken(session: Session, team_id: str, name: str) -> bool:
    return (
        session.scalar(select(Contest.id).where(Contest.team_id == team_id, Contest.name == name)) is not None
    )


def save_contest(session: Session, caller: Caller, data: ContestInput, *, now: datetime) -> Contest:
    check_admin(caller)
    contest = Contest(
        team_id=caller.team_id,
        name=data.name,
        metric=data.metric,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        channel_id=data.channel,
        top_n=data.top_n,
        prizes="\n".join(f"{rank}: {prize}" for rank, prize in sorted(data.prizes.items())),
        created_by_id=caller.member.id,
        created_at=now,
    )
    session.add(contest)
    session.flush()
    return contest


def prizes_of(contest: Contest) -> dict[int, str]:
    found = read_prizes(contest.prizes, contest.top_n)
    return {} if isinstance(found, Invalid) else found


def leaderboard(session: Session, contest: Contest, *, through: date) -> list[Place]:
    """The top N by attainment over the window's weeks so far (ties share a rank; names break them for the
    order shown); reps with no target in the window are not ranked. Three statements."""
    end = min(calendar.iso_week_start(contest.ends_on), calendar.iso_week_start(through))
    weeks = (calendar.iso_week_start(contest.starts_on + 6 * calendar.DAY), end)
    found = attainment.figures_in(session, Scope(contest.team_id), contest.metric, weeks)
    scored = {rep_id: f.attainment for rep_id, f in found.items() if f.attainment is not None}
    reps = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(list(scored))))}
    ranked = sorted(scored.items(), key=lambda item: (-item[1], reps[item[0]].display_name, item[0]))
    places: list[Place] = []
    for index, (rep_id, value) in enumerate(ranked):
        rank = places[-1].rank if places and places[-1].attainment == value else index + 1
        if rank > contest.top_n:
            break
        places.append(Place(rank, reps[rep_id], value))
    return places


def due(session: Session, now: datetime) -> list[tuple[Contest, Workspace, date]]:
    """Contests to post or update now: started and not ended in their workspace's zone, or ended and not
    yet given their final leaderboard; with the workspace and its local day."""
    rows = session.execute(
        select(Contest, Workspace)
        .join(Workspace, Workspace.team_id == Contest.team_id)
        .where(Contest.ended_at.is_(None))
    )
    found = []
    for contest, workspace in rows:
        today = calendar.local_date(now, calendar.workspace_zone(workspace))
        if today >= contest.starts_on:
            found.append((contest, workspace, today))
    return found
