"""The demo's recognition (`pacer demo`, bot/demo/seed.py calls `seed_recognition`): the workspace's
values and recognition channel, kudos between teammates and from managers over last month, last week
and this week, and last month's rep of the month for each team, so a newcomer sees kudos on the Home tab,
shout-outs in the digest and a badge at once. Rows are written as given (no posts go out)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot import calendar
from bot.recognition.models import Badge, Kudos, RecognitionSettings, Status
from bot.roster.models import Member
from bot.workspaces.models import Workspace

VALUES = "teamwork,customer-first,grit"
REASONS = (
    ("Shared your objection-handling notes with the whole team", "teamwork"),
    ("Stayed late to fix the Globex quote before the deadline", "customer-first"),
    ("Booked three meetings in a week full of cancellations", "grit"),
    ("Covered my calls while I was off sick", "teamwork"),
)
AGO = (calendar.DAY * 2, calendar.WEEK, calendar.WEEK * 4)  # this week, last week, last month


def _kudos(
    session: Session, workspace: Workspace, reps: Sequence[Member], manager: Member, now: datetime
) -> None:
    """Each rep gets a kudos this week, last week and last month, from the manager or a teammate."""
    for n, rep in enumerate(reps):
        giver = manager if n % 2 == 0 else reps[(n + 1) % len(reps)]
        for m, ago in enumerate(AGO):
            reason, value = REASONS[(n + m) % len(REASONS)]
            at = now - ago
            kudos = Kudos(
                team_id=workspace.team_id,
                giver_id=giver.id,
                receiver_id=rep.id,
                points=5 + 5 * ((n + m) % 3),
                reason=reason,
                kudos_values=value,
                public=True,
                status=Status.ACCEPTED,
                month=calendar.local_month(giver, workspace, at),
                created_at=at,
            )
            session.add(kudos)


def seed_recognition(
    session: Session, admin: Member, teams: Sequence[Sequence[Member]], *, channel: str, now: datetime
) -> None:
    """Settings, kudos and badges for `teams` (each a manager's reps, at least 2)."""
    session.add(RecognitionSettings(team_id=admin.team_id, kudos_values=VALUES, channel_id=channel))
    workspace = session.get_one(Workspace, admin.team_id)
    for reps in teams:
        manager = session.get_one(Member, reps[0].manager_id)
        _kudos(session, workspace, reps, manager, now)
        last_month = calendar.previous_month(calendar.local_month(manager, workspace, now))
        badge = Badge(
            team_id=admin.team_id,
            month=last_month,
            scope=f"team:{manager.id}",
            rep_id=reps[0].id,
            vendor_id=reps[0].vendor_id,
            chosen_by_id=manager.id,
            created_at=now,
        )
        session.add(badge)
    session.flush()
