"""A contest's awards once it ends: each winner (a prized place, or a threshold reached) is told in a private
DM through the outbox, in their own language, once per contest and rep (the key); and that DM's outbox row
is the record a rep's own view reads for `ENDED_SHOWN_DAYS` ("You won …", else "Ended"), so what
they see matches what they were told even when late check-ins move the figures after the final board.
The row carries the prize under "award" (the sender reads only its text and blocks)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.delivery.models import Delivery
from bot.delivery.service import Outgoing
from bot.i18n import t
from bot.incentives import contest_views
from bot.incentives.attainment import Figure
from bot.incentives.contests import Place, prizes_of, threshold_winners, thresholds_of, totals_of
from bot.incentives.models import Contest, PrizeKind
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


def dms(session: Session, contest: Contest, awards: Sequence[Award], workspace: Workspace) -> list[Outgoing]:
    """Each winner's DM, in their language. One statement (none without winners)."""
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
        payload = blocks.notice(text) | {"award": {"contest": contest.id, "prize": award.prize}}
        found.append(
            Outgoing.dm(rep, key=won_key(contest, rep.id), kind=WON, payload=payload, period=str(contest.id))
        )
    return found


def recent(session: Session, team_id: str, rep_id: int, *, today: date) -> list[tuple[Contest, str | None]]:
    """The workspace's recently ended contests (`ended`), each with the prize the rep was told
    they won (None: they won nothing). Two statements (one without ended contests)."""
    ended = ended_contests(session, team_id, today=today)
    if not ended:
        return []
    rows = session.execute(
        select(Delivery.period, Delivery.payload).where(
            Delivery.team_id == team_id,
            Delivery.kind == WON,
            Delivery.member_id == rep_id,
            Delivery.period.in_([str(c.id) for c in ended]),
        )
    )
    prizes = {period: str((payload.get("award") or {}).get("prize", "")) for period, payload in rows}
    return [(contest, prizes.get(str(contest.id))) for contest in ended]
