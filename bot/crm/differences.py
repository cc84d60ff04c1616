"""Where a rep's report and the CRM disagree: the check-ins of some weeks whose result differs from the CRM
figure kept beside it by more than the workspace's threshold (percent of the CRM's figure). Shown to the
rep's manager (and admins) on their Home tab and in a DM when the digest goes out (`notices`), never in a
channel; the digest marks only which figures the rep confirmed from the CRM (`kept_figures`). The threshold
is a workspace setting (0 to 1000 percent, default 10). No Slack."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, localcontext
from typing import Any

from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import Session

from bot.checkins.models import CheckIn
from bot.crm.models import DEFAULT_THRESHOLD, CheckinSource, CrmSettings
from bot.errors import Invalid
from bot.goals.models import Goal, GoalStatus
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

    def material(self, limit: Decimal) -> bool:
        """Differs by more than `limit` (a fraction of the CRM's figure); any difference from a CRM 0."""
        return self.reported != self.crm and (self.ratio is None or abs(self.ratio) > limit)

    @property
    def order(self) -> tuple[Decimal, str]:
        """Largest difference first (from a CRM 0 before all), then by rep."""
        return (-(abs(self.ratio) if self.ratio is not None else Decimal(10**9)), self.rep)


@dataclass(frozen=True)
class _Found:
    manager_id: int | None
    difference: Difference


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


def _differing(session: Session, team_id: str, weeks: Collection[date], *where: Any) -> list[_Found]:
    """The check-ins of `weeks` (of the reps `where` selects) that differ from the CRM by more than the
    workspace's threshold, each with its rep's manager, largest difference first."""
    limit = threshold(session, team_id) / HUNDRED
    query = (
        select(CheckIn, CheckinSource, Goal.title, Goal.unit, Member.display_name, Member.user_id)
        .add_columns(Member.manager_id)
        .join(CheckinSource, CheckinSource.checkin_id == CheckIn.id)
        .join(Goal, Goal.id == CheckIn.goal_id)
        .join(Member, Member.id == CheckIn.rep_id)
        .where(CheckIn.team_id == team_id, CheckIn.week_start.in_(set(weeks)), *where)
    )
    found = [
        _Found(
            manager_id,
            Difference(
                name or user_id,
                title,
                checkin.week_start,
                checkin.result,
                source.crm_amount,
                unit,
                source.reason,
            ),
        )
        for checkin, source, title, unit, name, user_id, manager_id in session.execute(query)
    ]
    differing = [f for f in found if f.difference.material(limit)]
    return sorted(differing, key=lambda f: f.difference.order)


def material(session: Session, caller: Caller, weeks: Collection[date]) -> list[Difference]:
    """The caller's reps' check-ins of `weeks` that differ from the CRM by more than the threshold (an
    admin: every rep's), largest difference first."""
    mine = () if caller.is_admin() else (Member.manager_id == caller.member.id,)
    return [found.difference for found in _differing(session, caller.team_id, weeks, *mine)]


def by_manager(session: Session, team_id: str, week: date) -> dict[int, list[Difference]]:
    """The week's material differences of every rep who has a manager, by that manager's member id (what
    each manager is told privately when the digest goes out), largest difference first."""
    out: dict[int, list[Difference]] = defaultdict(list)
    for found in _differing(session, team_id, [week], Member.manager_id.is_not(None)):
        if found.manager_id is not None:
            out[found.manager_id].append(found.difference)
    return dict(out)


def kept_figures(
    session: Session, team_id: str, week: date, rep_ids: Select[Any]
) -> list[tuple[int, str, bool]]:
    """For the digest's source marks (`bot.digests.sources`): each (rep, unit) of the week whose check-ins
    had the CRM's figure beside them, and whether the rep kept it in every one. One statement."""
    kept = func.sum(case((CheckinSource.crm_amount == CheckIn.result, 1), else_=0))
    rows = session.execute(
        select(CheckIn.rep_id, Goal.unit, func.count(), func.count(CheckinSource.checkin_id), kept)
        .join(Goal, Goal.id == CheckIn.goal_id)
        .outerjoin(CheckinSource, CheckinSource.checkin_id == CheckIn.id)
        .where(CheckIn.team_id == team_id, CheckIn.week_start == week, CheckIn.rep_id.in_(rep_ids))
        .where(Goal.status == GoalStatus.ACTIVE)
        .group_by(CheckIn.rep_id, Goal.unit)
    )
    return [(rep_id, unit, total == int(same or 0)) for rep_id, unit, total, beside, same in rows if beside]
