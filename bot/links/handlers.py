"""What bot/features.py names for the links between features: `register` connects the hooks and
subscribes to the domain events that grant courses (a published review, a manager's feedback, an approved
payout, an ended contest). Each subscriber works in its own transaction, after the one that raised it."""

from __future__ import annotations

from importlib import resources

from slack_bolt import App

from bot.events import ContestEnded, FeedbackGiven, FeedbackKind, PayoutApproved, ReviewPublished
from bot.links import crm, development, evidence, feedback, seats
from bot.slack.commands import Commands
from bot.slack.deps import Deps

CATALOGS = resources.files("bot.links") / "i18n"


def connect() -> None:
    """Every hook, idempotent: the manager review's and the feedback's choices and names, the scorecard's
    evidence, the incentives' course seats, the CRM's figures for scorecards and incentives and its part of
    the check-in and of a rep's `/pacer status`."""
    development.connect()
    feedback.connect()
    evidence.connect()
    seats.connect()
    crm.connect()


def register(app: App, deps: Deps, commands: Commands) -> None:
    connect()
    events = deps.events

    def on_published(event: ReviewPublished) -> None:
        with deps.session_factory.begin() as session:
            development.assign_published(
                session, event.team_id, event.cycle_id, by_id=event.by_id, now=deps.clock()
            )

    def on_feedback(event: FeedbackGiven) -> None:
        if event.kind is FeedbackKind.MANAGER:
            with deps.session_factory.begin() as session:
                feedback.assign_named(session, event.team_id, event.feedback_id, now=deps.clock())

    def on_payout(event: PayoutApproved) -> None:
        with deps.session_factory.begin() as session:
            seats.grant_plan_seat(session, event, now=deps.clock())

    def on_contest(event: ContestEnded) -> None:
        with deps.session_factory.begin() as session:
            seats.grant_contest_seats(session, event, now=deps.clock())

    events.subscribe(ReviewPublished, on_published)
    events.subscribe(FeedbackGiven, on_feedback)
    events.subscribe(PayoutApproved, on_payout)
    events.subscribe(ContestEnded, on_contest)
