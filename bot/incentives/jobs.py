"""`incentives-close`: at each plan's period end (the day after its last, in the workspace's zone) its
payouts are computed, once — the plan row is held and an already computed plan left alone — and the reps'
DMs and the approvers' notes (the reps' managers and every admin, PACER_ADMINS included) go through the
outbox with once-only keys.

`incentives-leaderboard`: each running contest's top-N board kept up to date in its channel, then final
(bot/incentives/contest_jobs.py)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot.incentives.computing import compute_plan, due_plans
from bot.incentives.contest_jobs import update_boards
from bot.scheduler import Job, JobContext, each_workspace, for_each_unit


def close_plans(context: JobContext, now: datetime) -> str:
    """Each due plan in a transaction of its own."""
    with context.session_factory() as session:
        due = due_plans(session, now)

    def close(session: Session, plan_id: int) -> int:
        return compute_plan(session, plan_id, now=now, admins=context.settings.pacer_admins)

    done = for_each_unit(context.session_factory, [(f"incentives:{p}", p) for p in due], close)
    return f"{len(due)} incentive plans due, {sum(done.results)} payouts computed{done.note()}"


JOBS: tuple[Job, ...] = (
    Job(
        "incentives-close",
        "compute incentive payouts at each plan's period end",
        15,
        each_workspace(close_plans),
    ),
    Job(
        "incentives-leaderboard",
        "keep each running contest's leaderboard up to date",
        60,
        each_workspace(update_boards),
    ),
)
