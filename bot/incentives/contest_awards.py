"""A contest's awards once it ends: each winner (a prized place, or a threshold reached) is recorded in
`ContestAward` in the transaction that ends the contest (once: one row per contest and rep), and told in a
private DM queued from that record, in their own language, once per contest and rep (the key). A rep's own
view reads the record for `ENDED_SHOWN_DAYS` ("You won …", else "Ended"), so what they see matches what they
were told even when late check-ins move the figures after the final board, and whatever becomes of the
outbox's rows."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.delivery.service import Outgoing
from bot.i18n import t
from bot.incentives import contest_views
from bot.incentives.attainment import Figure
from bot.incentives.contests import Place, prizes_of, threshold_winners, thresholds_of, totals_of
from bot.incentives.models import Contest, ContestAward, PrizeKind
from bot.roster.models import Member
from bot.roster.service import locale_of
from bot.slack import blocks
from bot.workspaces.models import Workspace

WON = "incentive-contest-won"  # to a winner: what they won
KINDS = (WON,)
MAX_ENDED = 5  # ended contests shown in a rep's own view
ENDED_SHOWN_DAYS = 30  # how long after its last day an ended contest stays in a rep's own view


@dataclass(frozen=True)
class Award:
    """A prize won at a contest's end: the rep, the prize, and what won it: a place (`rank`), or a
    threshold (`threshold`, in the rep's `unit`)."""

    rep_id: int
    prize: str
    rank: int | None = None
    threshold: Decimal | None = None
    unit: str = ""


def awards(contest: Contest, places: Sequence[Place], found: Mapping[int, Figure]) -> list[Award]:
    """The prizes won at the end, best first: each prized place's reps (every rep tied at it, by the rule
    in `bot.incentives.contests`: `places` is `ranked`, not only the names shown), or every threshold's
    winners (highest threshold first)."""
    if contest.prize_kind is PrizeKind.THRESHOLD:
        by_threshold = threshold_winners(totals_of(found), thresholds_of(contest))
        return [
            Award(rep, t.prize, threshold=t.at, unit=_unit(found[rep]))
            for t, reps in reversed(by_threshold)
            for rep in reps
        ]
    prizes = prizes_of(contest)
    return [Award(p.rep.id, prizes[p.rank], rank=p.rank) for p in places if p.rank in prizes]


def winners(contest: Contest, places: Sequence[Place], found: Mapping[int, Figure]) -> tuple[int, ...]:
    """The rep ids who win a prize at the end, best first (`awards`)."""
    return tuple(award.rep_id for award in awards(contest, places, found))


def _unit(figure: Figure) -> str:
    single = figure.single()
    return single[0] if single is not None else ""


def ended_contests(session: Session, team_id: str, *, today: date) -> list[Contest]:
    """The workspace's contests whose final board is posted and whose last day is at most
    `ENDED_SHOWN_DAYS` before `today`, latest first (at most `MAX_ENDED`). One statement."""
    return list(
        session.scalars(
            select(Contest)
            .where(Contest.team_id == team_id, Contest.ended_at.is_not(None))
            .where(Contest.ends_on >= today - ENDED_SHOWN_DAYS * calendar.DAY)
            .order_by(Contest.ends_on.desc(), Contest.id.desc())
            .limit(MAX_ENDED)
        )
    )


def won_key(contest: Contest, rep_id: int) -> str:
    return f"{WON}:{contest.id}:{rep_id}"


def record(
    session: Session, contest: Contest, awards: Sequence[Award], *, now: datetime
) -> list[ContestAward]:
    """Write the contest's awards, in the caller's transaction (the one marking it ended); a second
    attempt for the same contest and rep breaks the unique key and rolls that transaction back."""
    rows = [
        ContestAward(
            team_id=contest.team_id,
            contest_id=contest.id,
            rep_id=a.rep_id,
            rank=a.rank,
            threshold=a.threshold,
            unit=a.unit,
            prize=a.prize,
            awarded_at=now,
        )
        for a in awards
    ]
    session.add_all(rows)
    session.flush()
    return rows


def dms(
    session: Session, contest: Contest, awards: Sequence[ContestAward], workspace: Workspace
) -> list[Outgoing]:
    """Each winner's DM from their recorded award, in their language. One statement (none without
    winners)."""
    if not awards:
        return []
    reps = {
        m.id: m
        for m in session.scalars(
            select(Member).where(Member.team_id == contest.team_id, Member.id.in_([a.rep_id for a in awards]))
        )
    }
    found = []
    for award in awards:
        rep = reps[award.rep_id]
        locale = locale_of(rep, workspace)
        if award.threshold is not None:
            threshold = contest_views.threshold_text(award.threshold, locale, award.unit)
            text = t(
                "incentives.contest.won_threshold",
                locale,
                name=contest.name,
                threshold=threshold,
                prize=award.prize,
            )
        else:
            text = t(
                "incentives.contest.won_rank", locale, name=contest.name, rank=award.rank, prize=award.prize
            )
        found.append(Outgoing.dm(rep, key=won_key(contest, rep.id), kind=WON, payload=blocks.notice(text)))
    return found


def recent(session: Session, team_id: str, rep_id: int, *, today: date) -> list[tuple[Contest, str | None]]:
    """The workspace's recently ended contests (`ended_contests`), each with the prize recorded for the
    rep (None: they won nothing). Two statements (one without ended contests)."""
    ended = ended_contests(session, team_id, today=today)
    if not ended:
        return []
    rows = session.execute(
        select(ContestAward.contest_id, ContestAward.prize).where(
            ContestAward.team_id == team_id,
            ContestAward.rep_id == rep_id,
            ContestAward.contest_id.in_([c.id for c in ended]),
        )
    )
    prizes = {contest_id: prize for contest_id, prize in rows}
    return [(contest, prizes.get(contest.id)) for contest in ended]
