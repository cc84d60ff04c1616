"""Where a rep's report and the CRM disagree: the check-ins of some weeks whose result differs from the CRM
figure kept beside it by more than the workspace's threshold (percent of the CRM's figure). Shown to the
rep's manager (and admins), never in a channel. The threshold is a workspace setting. No Slack."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, localcontext

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.checkins.models import CheckIn
from bot.crm.models import DEFAULT_THRESHOLD, CheckinSource, CrmSettings
from bot.errors import Invalid
from bot.goals.models import Goal
from bot.goals.numbers import WIDE, read_amount
from bot.roster.models import Member
from bot.roster.policy import Caller

MAX_THRESHOLD = Decimal(1000)
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class Difference:
    rep: str  # display name, else user id
    goal: str
    week_start: date
    reported: Decimal
    crm: Decimal
    unit: str
    reason: str

    @property
    def ratio(self) -> Decimal | None:
        """(reported − CRM) ÷ CRM; None when the CRM says 0."""
        if self.crm == 0:
            return None
        with localcontext(WIDE):
            return (self.reported - self.crm) / self.crm


def threshold(session: Session, team_id: str) -> Decimal:
    found = session.get(CrmSettings, team_id)
    return found.threshold if found is not None else DEFAULT_THRESHOLD


def set_threshold(session: Session, team_id: str, typed: str, *, now: datetime) -> Decimal:
    """The threshold typed ("10", "7.5%"): 0 to 1000 percent, else `Invalid`."""
    value = read_amount(typed.strip().removesuffix("%"))
    if value is None or value > MAX_THRESHOLD:
        raise Invalid("crm.threshold.invalid", value=typed[:20])
    found = session.get(CrmSettings, team_id) or CrmSettings(team_id=team_id)
    found.threshold, found.updated_at = value, now
    session.add(found)
    session.flush()
    return value


def material(session: Session, caller: Caller, weeks: Collection[date]) -> list[Difference]:
    """The caller's reps' check-ins of `weeks` that differ from the CRM by more than the threshold (an
    admin: every rep's), largest difference first."""
    limit = threshold(session, caller.team_id) / HUNDRED
    query = (
        select(CheckIn, CheckinSource, Goal.title, Goal.unit, Member.display_name, Member.user_id)
        .join(CheckinSource, CheckinSource.checkin_id == CheckIn.id)
        .join(Goal, Goal.id == CheckIn.goal_id)
        .join(Member, Member.id == CheckIn.rep_id)
        .where(CheckIn.team_id == caller.team_id, CheckIn.week_start.in_(set(weeks)))
    )
    if not caller.is_admin():
        query = query.where(Member.manager_id == caller.member.id)
    found = [
        Difference(
            name or user_id, title, checkin.week_start, checkin.result, source.crm_amount, unit, source.reason
        )
        for checkin, source, title, unit, name, user_id in session.execute(query)
    ]
    differing = [d for d in found if d.reported != d.crm and (d.ratio is None or abs(d.ratio) > limit)]
    return sorted(
        differing, key=lambda d: (-(abs(d.ratio) if d.ratio is not None else Decimal(10**9)), d.rep)
    )
