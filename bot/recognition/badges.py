"""Badges, the honour awards: "rep of the month" for a manager's team, a vendor's reps, or (an admin's)
the whole workspace, chosen by a manager from suggestions. A suggestion weighs the rep's attainment (the
pace to date from the goals' figures, as the digest computes it), their check-in streak and the kudos
they received that month. Choosing is once per scope and month; the badge is announced through the
outbox. No Slack."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot import calendar
from bot.checkins.models import CheckIn
from bot.delivery.service import enqueue
from bot.digests import service as digests
from bot.errors import Conflict, NotAllowed, Stale
from bot.recognition import messages
from bot.recognition.models import Badge
from bot.recognition.service import kudos_received
from bot.roster.models import Member, Vendor
from bot.roster.policy import Caller
from bot.workspaces.models import Workspace

KIND = "rep_of_month"
SUGGESTED = 3
STREAK_WEEKS = 8  # a streak counts up to this many weeks
PACE_CAP = Decimal("1.5")
WEIGHTS = (Decimal(50), Decimal(25), Decimal(25))  # attainment, streak, kudos: out of 100


@dataclass(frozen=True)
class BadgeScope:
    """Whose rep of the month: "team:<manager id>", "vendor:<vendor id>" (an admin's: all its reps),
    "vendor:<vendor id>:<manager id>" (a manager's reps of that vendor) or "workspace"."""

    key: str
    manager_id: int | None = None
    vendor_id: int | None = None

    def digest_scope(self, team_id: str) -> digests.Scope:
        return digests.Scope(team_id, self.manager_id, self.vendor_id)

    @classmethod
    def parse(cls, key: str) -> BadgeScope:
        kind, *numbers = key.split(":")
        if not all(n.isascii() and n.isdigit() and len(n) < 12 for n in numbers):
            raise Stale()
        ids = [int(n) for n in numbers]
        if kind == "workspace" and not ids:
            return cls(key)
        if kind == "team" and len(ids) == 1:
            return cls(key, ids[0], None)
        if kind == "vendor" and len(ids) in (1, 2):
            return cls(key, ids[1] if len(ids) == 2 else None, ids[0])
        raise Stale()


def scope_for(caller: Caller, vendor: Vendor | None) -> BadgeScope:
    """A manager's own team (or their reps of `vendor`); an admin's workspace (or all of `vendor`'s reps)."""
    if vendor is not None:
        if caller.is_admin():
            return BadgeScope(f"vendor:{vendor.id}", None, vendor.id)
        return BadgeScope(f"vendor:{vendor.id}:{caller.member.id}", caller.member.id, vendor.id)
    if caller.is_admin():
        return BadgeScope("workspace")
    return BadgeScope(f"team:{caller.member.id}", caller.member.id)


@dataclass(frozen=True)
class Suggestion:
    rep: Member
    vendor: str | None
    pace: Decimal | None
    streak: int
    kudos_points: int
    score: Decimal


def month_span(workspace: Workspace, month: date) -> tuple[datetime, datetime]:
    """The month from midnight on the 1st to midnight on the next 1st, in the workspace's zone."""
    return calendar.workspace_span(workspace, month, calendar.next_month(month))


def streaks(session: Session, team_id: str, rep_ids: list[int], last_week: date) -> dict[int, int]:
    """Each rep's run of weeks with a check-in, ending with `last_week` (one statement)."""
    first = last_week - calendar.WEEK * (STREAK_WEEKS - 1)
    rows = session.execute(
        select(CheckIn.rep_id, CheckIn.week_start)
        .where(
            CheckIn.team_id == team_id,
            CheckIn.rep_id.in_(rep_ids),
            CheckIn.week_start.between(first, last_week),
        )
        .distinct()
    )
    weeks: dict[int, set[date]] = {}
    for rep_id, week in rows:
        weeks.setdefault(rep_id, set()).add(week)
    found: dict[int, int] = {}
    for rep_id, done in weeks.items():
        week, count = last_week, 0
        while week in done:
            week, count = week - calendar.WEEK, count + 1
        found[rep_id] = count
    return found


def _score(pace: Decimal | None, streak: int, points: int, most: int) -> Decimal:
    attainment = min(pace or Decimal(0), PACE_CAP) / PACE_CAP
    kudos = Decimal(points) / most if most else Decimal(0)
    parts = (attainment, Decimal(min(streak, STREAK_WEEKS)) / STREAK_WEEKS, kudos)
    return sum((w * p for w, p in zip(WEIGHTS, parts, strict=True)), Decimal(0)).quantize(Decimal("0.1"))


def suggestions(session: Session, workspace: Workspace, scope: BadgeScope, month: date) -> list[Suggestion]:
    """The scope's best candidates for `month`, best first (at most `SUGGESTED`)."""
    last_week = calendar.iso_week_start(calendar.month_end(month))
    digest = digests.build(session, scope.digest_scope(workspace.team_id), last_week)
    rep_ids = [line.rep.id for line in digest.lines]
    runs = streaks(session, workspace.team_id, rep_ids, last_week)
    # Public kudos only, as on the leaderboard: a manager must not learn who was thanked privately.
    received = kudos_received(
        session, workspace.team_id, rep_ids, *month_span(workspace, month), public_only=True
    )
    most = max((r.points for r in received.values()), default=0)
    found = [
        Suggestion(
            line.rep,
            line.vendor,
            line.pace,
            runs.get(line.rep.id, 0),
            points,
            _score(line.pace, runs.get(line.rep.id, 0), points, most),
        )
        for line in digest.lines
        for points in [received[line.rep.id].points if line.rep.id in received else 0]
    ]
    return sorted(found, key=lambda s: (-s.score, s.rep.display_name, s.rep.id))[:SUGGESTED]


def _check_chooser(session: Session, chooser: Caller, rep_id: int, scope: BadgeScope, month: date) -> None:
    """The scope's manager (or an admin) choosing one of its reps, when no one was chosen yet."""
    if not chooser.is_admin() and scope.manager_id != chooser.member.id:
        raise NotAllowed("recognition.errors.badge_not_yours")
    if rep_id not in session.scalars(scope.digest_scope(chooser.team_id).rep_ids()).all():
        raise NotAllowed("recognition.errors.badge_not_in_scope")
    existing = session.scalars(
        select(Badge.rep_id).where(
            Badge.team_id == chooser.team_id,
            Badge.kind == KIND,
            Badge.month == month,
            Badge.scope == scope.key,
        )
    ).first()
    if existing is not None:
        raise Conflict("recognition.errors.badge_taken", user=session.get_one(Member, existing).user_id)


def award(
    session: Session,
    *,
    chooser: Caller,
    rep_id: int,
    month: date,
    scope: BadgeScope,
    workspace: Workspace,
    channel: str | None,
    now: datetime,
) -> Badge:
    """The chooser's rep of the month for `scope`, once; announced in the channel (else the rep's DM)."""
    _check_chooser(session, chooser, rep_id, scope, month)
    rep = session.get_one(Member, rep_id)
    badge = Badge(
        team_id=workspace.team_id,
        kind=KIND,
        month=month,
        scope=scope.key,
        rep_id=rep.id,
        vendor_id=rep.vendor_id,
        chosen_by_id=chooser.member.id,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(badge)
    except IntegrityError as error:  # chosen at the same moment by someone else
        raise Conflict("recognition.errors.badge_taken_now") from error
    vendor = session.get(Vendor, rep.vendor_id) if rep.vendor_id else None
    by = chooser.member.user_id
    post = messages.badge_announcement(badge, rep, vendor, chooser=by, workspace=workspace, channel=channel)
    enqueue(session, [post], now=now)
    return badge
