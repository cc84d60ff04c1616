"""Contests (SPIFFs): reps ranked by attainment of one goal metric over a window (from Pacer's own goals and
check-ins: the ISO weeks whose Monday falls in it), and a leaderboard of the top N only — never a public
bottom — kept up to date in a channel (one message, edited in place) until the window ends, when it is final.
A contest pays a prize per rank, or per threshold of the metric's result over the window ("everyone who
reaches 10 deals wins 200 USD"): each rep wins the prize of the highest threshold they reach, and the board
shows only how many have reached each one. Setting one up is checked without Slack, each error under its
field. No Slack.

Places (the board's rule, stated on it too): only a result above 0 is ranked, so a rep with nothing yet is
never shown (no public bottom) and never wins. Ranking is standard competition ranking ("1, 2, 2, 4"):
reps tied on attainment share a place, and the next place skips as many as shared it. The board names at
most N reps; when a tie at the last place shown would run past N, the first N by name are named and the
others tied at that place are counted ("+k tied"), not named. A place's prize goes to every rep tied at
it, named or counted, as long as the place itself is within the top N (a place below N holds nobody).
At the end each winner gets their own DM (`bot.incentives.contest_awards`), and sees the contest, won or
ended, in their own view for 30 days."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
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
from bot.goals.numbers import plain_amount, read_amount, read_whole
from bot.incentives import attainment
from bot.incentives.attainment import Figure
from bot.incentives.models import Contest, PrizeKind
from bot.incentives.plans import NAME_MAX, check_admin
from bot.roster.models import Member
from bot.roster.policy import Caller
from bot.workspaces.models import Workspace

PRIZE_LINE = re.compile(r"^\s*(\d{1,2})\s*[:.)]\s*(\S.{0,79})$")
THRESHOLD_LINE = re.compile(r"^\s*([^:]{1,40}?)\s*:\s*(\S.{0,79})$")
MAX_DAYS = 366
MAX_THRESHOLDS = 10
MAX_RUNNING = 5  # threshold contests shown in a rep's own view


@dataclass(frozen=True)
class ContestAnswers:
    name: str | None = None
    metric: str | None = None
    starts_on: str | None = None
    ends_on: str | None = None
    channel: str | None = None
    top_n: str | None = None
    prize_kind: str | None = None
    prizes: str | None = None
    thresholds: str | None = None


@dataclass(frozen=True)
class ContestInput:
    name: str
    metric: Metric
    starts_on: date
    ends_on: date
    channel: str
    top_n: int
    prizes: dict[int, str]
    prize_kind: PrizeKind = PrizeKind.RANK
    thresholds: tuple[Threshold, ...] = ()


@dataclass(frozen=True)
class Threshold:
    """A result of the metric over the window (in the rep's goals' unit) and the prize for reaching it."""

    at: Decimal
    prize: str


@dataclass(frozen=True)
class Place:
    rank: int
    rep: Member
    attainment: Decimal
    total: Decimal | None = None  # the result over the window, when the rep's goals share one unit


@dataclass(frozen=True)
class Reached:
    """A threshold on the board: how many reps have reached it (at least it), never who has not."""

    threshold: Threshold
    count: int


@dataclass(frozen=True)
class Standing:
    """One rep's place against a threshold contest's thresholds (their own view): their result so far, the
    highest threshold reached and the next one (None: none reached / the top one reached)."""

    contest: Contest
    total: Decimal | None  # None: no target of the metric in the window, or its goals have several units
    unit: str
    reached: Threshold | None
    next: Threshold | None


def read_prizes(text: str, top_n: int) -> dict[int, str] | Invalid:
    """Lines "1: 500 USD" (a rank within the top N, each once), in any order; the first bad row named."""
    prizes: dict[int, str] = {}
    for row, line in enumerate([line for line in text.splitlines() if line.strip()], 1):
        match = PRIZE_LINE.match(line)
        if match is None or not 1 <= int(match[1]) <= top_n or int(match[1]) in prizes:
            return Invalid("incentives.contest.prize_line", row=row, top=top_n)
        prizes[int(match[1])] = match[2].strip()
    return prizes


def read_thresholds(text: str) -> tuple[Threshold, ...] | Invalid:
    """Lines "10: 200 USD" (a result above zero, then its prize), each above the one before; at least one,
    at most `MAX_THRESHOLDS`; the first bad row named."""
    rows = [line for line in text.splitlines() if line.strip()]
    if not rows:
        return Invalid("incentives.contest.thresholds_needed", max=MAX_THRESHOLDS)
    if len(rows) > MAX_THRESHOLDS:
        return Invalid("incentives.contest.thresholds_many", max=MAX_THRESHOLDS)
    found: list[Threshold] = []
    for row, line in enumerate(rows, 1):
        match = THRESHOLD_LINE.match(line)
        at = read_amount(match[1], positive=True) if match else None
        if match is None or at is None:
            return Invalid("incentives.contest.threshold_line", row=row)
        if found and at <= found[-1].at:
            return Invalid("incentives.contest.threshold_order", row=row, previous=row - 1)
        found.append(Threshold(at, match[2].strip()))
    return tuple(found)


def _prizes(
    answers: ContestAnswers, top_n: int | None, errors: FieldErrors
) -> tuple[PrizeKind, dict[int, str], tuple[Threshold, ...]] | None:
    """The prizes of the kind chosen, each error under its own field; the other kind's field must be empty."""
    try:
        kind = PrizeKind(answers.prize_kind or PrizeKind.RANK.value)
    except ValueError:
        errors["prize_kind"] = "incentives.contest.prize_kind"
        return None
    if kind is PrizeKind.RANK:
        if (answers.thresholds or "").strip():
            errors["thresholds"] = "incentives.contest.thresholds_unused"
        prizes = read_prizes(answers.prizes or "", top_n or 10)
        if isinstance(prizes, Invalid):
            errors["prizes"] = prizes
            return None
        return kind, prizes, ()
    if (answers.prizes or "").strip():
        errors["prizes"] = "incentives.contest.prizes_unused"
    thresholds = read_thresholds(answers.thresholds or "")
    if isinstance(thresholds, Invalid):
        errors["thresholds"] = thresholds
        return None
    return kind, {}, thresholds


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
    prizes = _prizes(answers, top_n, errors)
    if errors or metric is None or starts is None or ends is None or top_n is None or prizes is None:
        return errors
    kind, by_rank, thresholds = prizes
    return ContestInput(name, metric, starts, ends, answers.channel or "", top_n, by_rank, kind, thresholds)


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
        prize_kind=data.prize_kind,
        prizes="\n".join(
            [f"{rank}: {prize}" for rank, prize in sorted(data.prizes.items())]
            + [f"{plain_amount(t.at)}: {t.prize}" for t in data.thresholds]
        ),
        created_by_id=caller.member.id,
        created_at=now,
    )
    session.add(contest)
    session.flush()
    return contest


def prizes_of(contest: Contest) -> dict[int, str]:
    """The prize per rank ({} for a contest with prizes per threshold)."""
    if contest.prize_kind is not PrizeKind.RANK:
        return {}
    found = read_prizes(contest.prizes, contest.top_n)
    return {} if isinstance(found, Invalid) else found


def thresholds_of(contest: Contest) -> tuple[Threshold, ...]:
    """The thresholds, lowest first (() for a contest with prizes per rank)."""
    if contest.prize_kind is not PrizeKind.THRESHOLD:
        return ()
    found = read_thresholds(contest.prizes)
    return () if isinstance(found, Invalid) else found


def figures(
    session: Session, contest: Contest, *, through: date, rep_id: int | None = None
) -> dict[int, Figure]:
    """Each rep (or only `rep_id`) with a target of the contest's metric in its window's weeks so far."""
    end = min(calendar.iso_week_start(contest.ends_on), calendar.iso_week_start(through))
    weeks = (calendar.iso_week_start(contest.starts_on + 6 * calendar.DAY), end)
    return attainment.figures_in(session, Scope(contest.team_id, rep_id=rep_id), contest.metric, weeks)


def total_of(figure: Figure) -> Decimal | None:
    """What a threshold is compared with: the rep's result over the window, when their goals of the metric
    share one unit (None otherwise: sums of different currencies mean nothing)."""
    single = figure.single()
    return single[2] if single is not None else None


def totals_of(found: Mapping[int, Figure]) -> dict[int, Decimal | None]:
    """Each rep's result over the window (`total_of`), by rep id."""
    return {rep_id: total_of(figure) for rep_id, figure in found.items()}


def highest_reached(total: Decimal | None, thresholds: Sequence[Threshold]) -> Threshold | None:
    """The highest threshold `total` reaches (exactly at it counts), or None."""
    if total is None:
        return None
    return next((t for t in reversed(thresholds) if total >= t.at), None)


def threshold_winners(
    totals: Mapping[int, Decimal | None], thresholds: Sequence[Threshold]
) -> list[tuple[Threshold, tuple[int, ...]]]:
    """Each threshold with the reps who win its prize — those whose highest threshold reached it is, each rep
    under one threshold only — best result first (ties by id); lowest threshold first."""
    won: dict[Decimal, list[tuple[Decimal, int]]] = {t.at: [] for t in thresholds}
    for rep_id, total in totals.items():
        best = highest_reached(total, thresholds)
        if best is not None and total is not None:
            won[best.at].append((total, rep_id))
    return [(t, tuple(rep for _, rep in sorted(won[t.at], key=lambda w: (-w[0], w[1])))) for t in thresholds]


def reached(totals: Mapping[int, Decimal | None], thresholds: Sequence[Threshold]) -> list[Reached]:
    """How many reps have reached each threshold (at least it): counts only, never a name."""
    values = [v for v in totals.values() if v is not None]
    return [Reached(t, sum(1 for v in values if v >= t.at)) for t in thresholds]


def leaderboard(session: Session, contest: Contest, *, through: date) -> list[Place]:
    """Every rep holding a place within the top N by attainment over the window's weeks so far (`ranked`);
    reps with no target in the window are not ranked. Three statements."""
    return ranked(session, contest, figures(session, contest, through=through))


def ranked(session: Session, contest: Contest, found: Mapping[int, Figure]) -> list[Place]:
    """Every rep of `found` holding a place within the top N, with each one's result over the window: a
    result above 0 only, ties sharing a place ("1, 2, 2, 4"; names break them for the order shown). A tie
    at the last place may make this longer than N: `on_board` names N of them. One statement."""
    scored = {
        rep_id: f.attainment for rep_id, f in found.items() if f.attainment is not None and f.attainment > 0
    }
    if not scored:
        return []
    reps = {m.id: m for m in session.scalars(select(Member).where(Member.id.in_(list(scored))))}
    ranked = sorted(scored.items(), key=lambda item: (-item[1], reps[item[0]].display_name, item[0]))
    places: list[Place] = []
    for index, (rep_id, value) in enumerate(ranked):
        rank = places[-1].rank if places and places[-1].attainment == value else index + 1
        if rank > contest.top_n:
            break
        places.append(Place(rank, reps[rep_id], value, total_of(found[rep_id])))
    return places


def on_board(places: Sequence[Place], top_n: int) -> tuple[list[Place], int]:
    """The places the board names (at most `top_n`), and how many more reps are tied at the last one
    named (counted on the board, never named). Past `top_n`, `ranked` holds only reps tied with the last."""
    return list(places[:top_n]), max(len(places) - top_n, 0)


def standings(session: Session, team_id: str, rep_id: int, *, today: date) -> list[Standing]:
    """A rep's own place in the workspace's threshold contests running today (started, not yet final):
    their result so far, the highest threshold reached and what the next one takes. One statement, and
    two or three per contest."""
    running = session.scalars(
        select(Contest)
        .where(Contest.team_id == team_id, Contest.prize_kind == PrizeKind.THRESHOLD)
        .where(Contest.ended_at.is_(None), Contest.starts_on <= today)
        .order_by(Contest.ends_on, Contest.id)
        .limit(MAX_RUNNING)
    ).all()
    found: list[Standing] = []
    for contest in running:
        thresholds = thresholds_of(contest)
        figure = figures(session, contest, through=min(today, contest.ends_on), rep_id=rep_id).get(rep_id)
        single = figure.single() if figure is not None else None
        total = total_of(figure) if figure is not None else None
        best = highest_reached(total, thresholds)
        above = [t for t in thresholds if total is not None and t.at > total]
        unit = single[0] if single is not None else ""
        found.append(Standing(contest, total, unit, best, above[0] if above else None))
    return found


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
