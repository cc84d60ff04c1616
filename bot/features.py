"""The one list of Pacer's features. App creation registers each feature's listeners and commands from it,
and the scheduler and `pacer jobs` take their jobs from it: a new feature is one line here, not an edit
to the app factory and the scheduler. A plain explicit list, not plugin discovery: greppable and typed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from slack_bolt import App

from bot.checkins import handlers as checkins
from bot.checkins import jobs as checkin_jobs
from bot.delivery import jobs as delivery_jobs
from bot.digests import handlers as digests
from bot.digests import jobs as digest_jobs
from bot.escalations import handlers as escalations
from bot.escalations import jobs as escalation_jobs
from bot.feedback import handlers as feedback
from bot.feedback import jobs as feedback_jobs
from bot.goals import handlers as goals
from bot.home import handlers as home
from bot.interactions import jobs as interaction_jobs
from bot.roster import handlers as roster
from bot.roster import jobs as roster_jobs
from bot.scheduler.job import Job
from bot.slack.commands import Commands
from bot.slack.deps import Deps
from bot.workspaces import handlers as workspaces

Register = Callable[[App, Deps, Commands], None]


@dataclass(frozen=True)
class Feature:
    """A feature as the rest of Pacer sees it: its name, how it plugs into the app (listeners and
    `/pacer` subcommands), and its scheduled jobs (data, so `pacer jobs list` needs no running app)."""

    name: str
    register: Register | None = None
    jobs: Sequence[Job] = ()


def _home(app: App, deps: Deps, commands: Commands) -> None:
    home.register(app, deps)  # the Home tab has no subcommand


FEATURES: tuple[Feature, ...] = (
    Feature("workspaces", workspaces.register),
    Feature("roster", roster.register, roster_jobs.JOBS),
    Feature("checkins", checkins.register, checkin_jobs.JOBS),
    Feature("goals", goals.register),
    Feature("digests", digests.register, digest_jobs.JOBS),
    Feature("feedback", feedback.register, feedback_jobs.JOBS),
    Feature("escalations", escalations.register, escalation_jobs.JOBS),
    Feature("home", _home),
    Feature("interactions", jobs=interaction_jobs.JOBS),
    Feature("delivery", jobs=delivery_jobs.JOBS),
)


def all_jobs() -> dict[str, Job]:
    """Every feature's jobs by name, in the order of the list."""
    return {job.name: job for feature in FEATURES for job in feature.jobs}
