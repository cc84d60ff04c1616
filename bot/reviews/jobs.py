"""`reviews-open`: open each workspace's quarterly review on its day (the configured number of days
before the quarter ends, in the workspace's own zone). Opening is a database fact — one cycle per quarter
and workspace — so a missed or repeated tick opens it once.

`reviews-remind`: whoever owes something in the current stage (a self review, ratings asked of a peer, a
manager's reviews) gets one DM a day at their own 10:00 on working days, none after the stage's due date
and none once done; one outbox key per person and day makes it exactly once.

`reviews-ask`: a peer asked outside their working hours gets the ask at their next 10:00.

`reviews-charts`: the scorecard charts of a publishing the process did not live to finish (`resume`)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot import calendar
from bot.delivery.models import Delivery
from bot.delivery.service import enqueue
from bot.reviews import messages, peers, publishing, reminders, resume
from bot.reviews.models import ReviewCycle
from bot.reviews.reminders import Due
from bot.reviews.service import open_due_cycle
from bot.roster.models import Member
from bot.scheduler import Job, JobContext, each_workspace, for_each_unit
from bot.workspaces.models import Workspace


def open_cycles(context: JobContext, now: datetime) -> str:
    """Each workspace in a transaction of its own: open its review if today is on or after the day."""
    with context.session_factory() as session:
        workspaces = list(session.scalars(select(Workspace)))
        session.expunge_all()

    def open_one(session: Session, workspace: Workspace) -> bool:
        today = calendar.local_date(now, calendar.workspace_zone(workspace))
        return open_due_cycle(session, workspace.team_id, today, now=now) is not None

    done = for_each_unit(context.session_factory, [(f"reviews:{w.team_id}", w) for w in workspaces], open_one)
    return f"{done.results.count(True)} quarterly reviews opened{done.note()}"


def _reminders_due(session: Session, now: datetime) -> list[tuple[str, tuple[Due, Workspace, date]]]:
    """Each person owing something whose local 10:00 on a working day has come (until 18:00), on or
    before the stage's due date; a peer only once an ask reached them on an earlier day."""
    workspaces = {w.team_id: w for w in session.scalars(select(Workspace))}
    units = []
    for cycle in reminders.cycles_to_remind(session):
        workspace = workspaces[cycle.team_id]
        for owed in reminders.owing(session, cycle):
            today = calendar.reminder_day(owed.person, workspace, now, owed.due)
            if today is None:
                continue
            if owed.asked_at is not None and _asked_today(owed, owed.asked_at, workspace, today):
                continue
            units.append((messages.reminder_key(owed.person, today), (owed, workspace, today)))
    return units


def _asked_today(owed: Due, asked_at: datetime, workspace: Workspace, today: date) -> bool:
    """Whether the peer's first ask reaches them today (at their next working hour): no reminder yet."""
    reaches = calendar.next_working_hour(owed.person, workspace, asked_at)
    return reaches >= calendar.day_start(owed.person, workspace, today)


def remind(context: JobContext, now: datetime) -> str:
    """At most one reminder a person a day, each queued in a transaction of its own, once per key."""
    with context.session_factory() as session:
        units = _reminders_due(session, now)
        session.expunge_all()

    def queue(session: Session, unit: tuple[Due, Workspace, date]) -> int:
        owed, workspace, today = unit
        return enqueue(session, [messages.reminder(owed, workspace, today)], now=now)

    done = for_each_unit(context.session_factory, units, queue)
    return f"{len(units)} review reminders due, {sum(done.results)} new in the outbox{done.note()}"


Ask = tuple[ReviewCycle, Member, Member, Workspace]


def _asks_due(session: Session, now: datetime) -> list[tuple[str, Ask]]:
    """Unanswered asks whose rater's working hours have come (their own zone; until the peer due date)
    and whose DM is not in the outbox yet, keyed as the DM is."""
    workspaces = {w.team_id: w for w in session.scalars(select(Workspace))}
    due = {}
    for cycle, rep, rater in peers.unanswered_asks(session):
        workspace = workspaces[cycle.team_id]
        today = calendar.local_date(now, calendar.member_zone(rater, workspace))
        if today <= cycle.peer_due and calendar.next_working_hour(rater, workspace, now) == now:
            due[(cycle.team_id, messages.peer_ask_key(cycle, rep, rater))] = (cycle, rep, rater, workspace)
    queued = session.execute(
        select(Delivery.team_id, Delivery.key).where(
            Delivery.kind == messages.PEER_ASK, Delivery.key.in_([key for _, key in due])
        )
    )
    for team_id, key in queued:
        due.pop((team_id, key), None)
    return [(key, ask) for (_, key), ask in due.items()]


def ask_peers(context: JobContext, now: datetime) -> str:
    """Peers are asked at their own working hours (10:00 to 18:00 on a working day in their own zone): an
    ask made outside them waits here for the peer's next 10:00. Once per peer, rep and cycle."""
    with context.session_factory() as session:
        units = _asks_due(session, now)
        session.expunge_all()

    def queue(session: Session, ask: Ask) -> int:
        cycle, rep, rater, workspace = ask
        return enqueue(session, [messages.peer_ask(cycle, rep, rater, workspace)], now=now)

    done = for_each_unit(context.session_factory, units, queue)
    return f"{len(units)} peer asks due, {sum(done.results)} new in the outbox{done.note()}"


def resume_charts(context: JobContext, now: datetime) -> str:
    """Charts a publishing did not live to queue (the process died after it committed): drawn and queued
    in batches, each in a transaction of its own; once per key."""
    with context.session_factory() as session:
        missing = resume.missing_charts(session, now)
    size = publishing.CHART_BATCH
    batches = [(f"charts:{n}", missing[n : n + size]) for n in range(0, len(missing), size)]

    def queue(session: Session, batch: list[publishing.ChartToDraw]) -> int:
        return publishing.queue_charts(session, batch, now=now)

    done = for_each_unit(context.session_factory, batches, queue)
    return f"{len(missing)} scorecard charts missing, {sum(done.results)} new in the outbox{done.note()}"


JOBS = [
    Job("reviews-open", "open each workspace's quarterly review on its day", 60, each_workspace(open_cycles)),
    Job(
        "reviews-ask",
        "ask each peer to rate at their own 10:00 on a working day",
        15,
        each_workspace(ask_peers),
    ),
    Job(
        "reviews-remind",
        "remind whoever owes review input, once a day at their 10:00",
        60,
        each_workspace(remind),
    ),
    Job(
        "reviews-charts",
        "finish the scorecard charts of a publishing cut short",
        10,
        each_workspace(resume_charts),
    ),
]
