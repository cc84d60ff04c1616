"""The goal DMs as outbox messages: their kinds, their keys and their payloads. A goal's DM is keyed by
the goal, its version and the person, so each version asks (and tells) each person once.

What reps answer is not one DM each to their manager: it is one message per *batch*, kept up to date
("12 of 30 agreed — waiting on: …") through `bot.delivery.service.revise`. A batch is the goals a
manager's reps were set (by the manager or an admin, not proposed by the rep) for the same period (the
same start and end dates) in the same ISO week (UTC) of the goal's creation: 200 goals set for Q1 on
Monday are one message; more goals for Q1 set the week after are a second one.

The batch message is revised *after* the answer (or the goal's edit) commits, never inside it: revising
holds the message's outbox row until its transaction ends, and thirty reps agreeing at once would queue
thirty transactions (and thirty pooled connections, and the listener threads that acknowledge clicks) on
that one row. The answer raises `BatchChanged`; `BatchRevisions` (subscribed by the goals' `register`)
collects them on the events' background thread and revises each batch once per burst, rendered from what
is committed by then, so every answer is counted (see `bot.delivery.service.revise`)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from bot import calendar
from bot.db import SessionFactory
from bot.delivery.service import Outgoing, enqueue, find, revise
from bot.events import Event, Events, raise_after_commit
from bot.goals import views
from bot.goals.models import Goal, GoalStatus
from bot.i18n import Locale, t
from bot.roster.models import Member
from bot.roster.service import Caller, current_manager, locale_of
from bot.slack import blocks
from bot.slack.ids import Action
from bot.text import Mrkdwn, join, mention
from bot.workspaces.models import Workspace

APPROVAL = "goal-approval"  # to the manager: approve the rep's proposal
AGREEMENT = "goal-agreement"  # to the rep: agree to the manager's goal
APPROVED = "goal-approved"  # to the rep: the manager approved
AGREED = "goal-agreed"  # to the manager: the rep agreed
DISCUSS = "goal-discuss"  # to the manager: the rep wants to discuss
BATCH = "goal-batch"  # to the manager: how their reps answered a batch of goals, kept up to date
KINDS = (APPROVAL, AGREEMENT, APPROVED, AGREED, DISCUSS, BATCH)
NAMES_SHOWN = 12  # names in "waiting on: …" before "+N more"
DISCUSSIONS_SHOWN = 20  # goals to discuss shown with their Edit button (two blocks each; 3 + 40 + 1 ≤ 50)
IN_BATCH = (GoalStatus.AWAITING_AGREEMENT, GoalStatus.DISCUSSING, GoalStatus.ACTIVE)


def key(kind: str, goal: Goal, to: Member) -> str:
    """One message of a kind per goal version and person: a new version asks again, a repeat does not."""
    return f"{kind}:{goal.id}:v{goal.version}:{to.user_id}"


def dm(goal: Goal, to: Member, kind: str, payload: dict[str, Any]) -> Outgoing:
    return Outgoing.dm(to, key=key(kind, goal, to), kind=kind, payload=payload, period=str(goal.id))


def ask_next(session: Session, goal: Goal, by: Caller) -> list[Outgoing]:
    """Who must answer now: the rep agrees to a manager's goal; the manager approves a rep's proposal."""
    rep = session.get_one(Member, goal.rep_id)
    manager, workspace = current_manager(session, rep), session.get_one(Workspace, rep.team_id)
    if goal.status is GoalStatus.PROPOSED and manager is not None:
        payload = views.approval_message(goal, rep.user_id, locale_of(manager, workspace))
        return [dm(goal, manager, APPROVAL, payload)]
    if goal.status is GoalStatus.AWAITING_AGREEMENT:
        if manager is not None:
            changed(session, goal, manager, start=False, now=goal.created_at)
        payload = views.agreement_message(goal, by.member.user_id, locale_of(rep, workspace))
        return [dm(goal, rep, AGREEMENT, payload)]
    return []


def approved_notice(goal: Goal, locale: Locale) -> dict[str, Any]:
    """To the rep, in their language: their proposal was approved."""
    return blocks.notice(t("goal.approved_notice", locale, title=goal.title))


def notify(session: Session, goal: Goal, to: Member, kind: str, *, now: datetime) -> None:
    """Tell `to` what happened: a rep's agreement or wish to discuss updates their manager's batch message
    (after this transaction commits); the rep told of an approval gets a DM of its own."""
    if kind in {AGREED, DISCUSS}:
        changed(session, goal, to, start=True, now=now)
        return
    note = approved_notice(goal, locale_of(to, session.get_one(Workspace, to.team_id)))
    enqueue(session, [dm(goal, to, kind, note)], now=now)


@dataclass(frozen=True)
class BatchChanged(Event):
    """A goal of a manager's batch changed (answered, edited): its message is to be revised. `start`:
    post it if it is not out yet (an answer); else only a message already out is revised (an edit)."""

    team_id: str
    key: str
    manager_id: int
    goal_id: int
    start: bool
    now: datetime


@dataclass(frozen=True)
class BatchesDue(Event):
    """The batches collected by `BatchRevisions` are to be revised now."""


def changed(session: Session, goal: Goal, manager: Member, *, start: bool, now: datetime) -> None:
    """Revise the manager's batch message about `goal` once this transaction has committed."""
    key = batch_key(manager, goal)
    raise_after_commit(session, BatchChanged(manager.team_id, key, manager.id, goal.id, start, now))


class BatchRevisions:
    """Coalesces `BatchChanged` events: each batch is revised once after a burst of them. The first event
    of a burst queues a `BatchesDue` behind the events already queued, so one revision renders every
    answer committed before it; an event arriving during a revision queues the next one."""

    def __init__(
        self, session_factory: SessionFactory, events: Events, *, kick: Callable[[], None] = lambda: None
    ) -> None:
        self.session_factory, self.events, self.kick = session_factory, events, kick
        self._lock = threading.Lock()
        self._due: dict[tuple[str, str], BatchChanged] = {}

    def subscribe(self) -> None:
        self.events.subscribe(BatchChanged, self.collect)
        self.events.subscribe(BatchesDue, lambda _: self.revise())

    def collect(self, event: BatchChanged) -> None:
        with self._lock:
            first = not self._due
            known = self._due.get((event.team_id, event.key))
            self._due[(event.team_id, event.key)] = (
                event if known is None else replace(known, start=known.start or event.start)
            )
        if first:
            self.events.dispatch(BatchesDue())

    def revise(self) -> None:
        with self._lock:
            due, self._due = list(self._due.values()), {}
        for event in due:
            with self.session_factory.begin() as session:
                revise_batch(session, event)
        if due:
            self.kick()  # the sender sends (or, once it settled, updates) the messages


def revise_batch(session: Session, event: BatchChanged) -> None:
    """Post or update the batch message of `event`'s goal, from the current state of its goals."""
    goal, manager = session.get(Goal, event.goal_id), session.get(Member, event.manager_id)
    if goal is None or manager is None or goal.team_id != event.team_id:
        return
    started = find(session, team_id=event.team_id, key=event.key)
    if started is None and not event.start:
        return  # an edit in a batch whose message is not out: nothing to count it in
    batch_notice(session, goal, manager, now=started.created_at if started is not None else event.now)


def batch_week(goal: Goal) -> date:
    return calendar.iso_week_start(goal.created_at.date())


def batch_key(manager: Member, goal: Goal) -> str:
    """One message per manager, period and week the goals were set in."""
    return f"{BATCH}:{manager.user_id}:{goal.start_date}:{goal.end_date}:{batch_week(goal)}"


def batch_notice(session: Session, goal: Goal, manager: Member, *, now: datetime) -> None:
    """Post, or update in place, the manager's message about `goal`'s batch, rendered from the current
    state of every goal in it (see `revise` for why that is rendered after the row is held)."""
    workspace = session.get_one(Workspace, manager.team_id)
    message = Outgoing.dm(
        manager, key=batch_key(manager, goal), kind=BATCH, payload={}, period=str(goal.start_date)
    )
    week, start, end = batch_week(goal), goal.start_date, goal.end_date

    def render() -> dict[str, Any]:
        return batch_message(
            batch(session, manager, start, end, week), start, end, locale_of(manager, workspace)
        )

    revise(session, message, render, now=now)


def batch(session: Session, manager: Member, start: date, end: date, week: date) -> list[tuple[Goal, str]]:
    """The goals of a batch with their rep's user id, in the order they were set."""
    first = datetime.combine(week, time.min, tzinfo=calendar.UTC)
    rows = session.execute(
        select(Goal, Member.user_id)
        .join(Member, Member.id == Goal.rep_id)
        .where(
            Goal.team_id == manager.team_id,
            Member.manager_id == manager.id,
            Member.on_team.is_(True),
            Goal.start_date == start,
            Goal.end_date == end,
            Goal.created_at >= first,
            Goal.created_at < first + calendar.WEEK,
            Goal.status.in_(IN_BATCH),
            or_(Goal.created_by_id.is_(None), Goal.created_by_id != Goal.rep_id),
        )
        .order_by(Goal.id)
    )
    return [(goal, user_id) for goal, user_id in rows]


def names(user_ids: Sequence[str], locale: Locale, *, shown: int = NAMES_SHOWN) -> Mrkdwn:
    """Mentions of the first `shown` people, then "+N more"."""
    listed = [mention(user_id) for user_id in user_ids[:shown]]
    if len(user_ids) > shown:
        listed.append(t("coalesce.more", locale, count=len(user_ids) - shown))
    return join(", ", listed)


def batch_message(goals: list[tuple[Goal, str]], start: date, end: date, locale: Locale) -> dict[str, Any]:
    """The manager's summary: how many agreed, who is still waiting, who would like to discuss (each with
    the goal's Edit button, up to DISCUSSIONS_SHOWN); a plain text fallback says the same in words."""
    agreed = [user for goal, user in goals if goal.status is GoalStatus.ACTIVE]
    waiting = [user for goal, user in goals if goal.status is GoalStatus.AWAITING_AGREEMENT]
    discussing = [(goal, user) for goal, user in goals if goal.status is GoalStatus.DISCUSSING]
    period = views.period_text(start, end, locale)
    title = t("coalesce.goals_title", locale, period=period, agreed=len(agreed), total=len(goals))
    lines: list[Mrkdwn] = [title]
    if waiting:
        lines.append(t("coalesce.waiting", locale, names=names(waiting, locale)))
    if discussing:
        lines.append(t("coalesce.discussing", locale, names=names([u for _, u in discussing], locale)))
    if not waiting and not discussing:
        lines.append(t("coalesce.all_agreed", locale))
    body = [blocks.section(line) for line in lines]
    for goal, user in discussing[:DISCUSSIONS_SHOWN]:
        text = t("coalesce.discuss_goal", locale, rep=user, title=goal.title)
        edit = blocks.button(Action.GOAL_EDIT.value, t("goal.edit", locale), f"{goal.id}:{goal.version}")
        body += [
            blocks.section(text),
            {"type": "actions", "block_id": f"goal_actions:{goal.id}", "elements": [edit]},
        ]
        lines.append(text)
    if len(discussing) > DISCUSSIONS_SHOWN:
        body.append(blocks.context(t("coalesce.more", locale, count=len(discussing) - DISCUSSIONS_SHOWN)))
    return blocks.message(join("\n", lines), body)
