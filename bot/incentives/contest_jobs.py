"""`incentives-leaderboard`: each running contest's leaderboard, one message per contest kept up to date in
its channel (`delivery.revise`: posted once, then edited); after its window, the final board, once (the
contest is marked ended in the same transaction, and its awards recorded in it), each winner's DM queued
from that record (`contest_awards`, once per contest and rep), and `ContestEnded` with its winners: every
rep at a prized place, or each rep who reached a threshold."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from bot import calendar
from bot.delivery.service import Outgoing, enqueue, revise
from bot.events import ContestEnded, raise_after_commit
from bot.incentives import contest_awards, contest_views, contests
from bot.incentives.models import Contest
from bot.roster.service import locale_of
from bot.scheduler import JobContext, for_each_unit
from bot.workspaces.models import Workspace

BOARD = "incentive-contest"


def board_key(contest: Contest) -> str:
    return f"{BOARD}:{contest.id}"


def update_boards(context: JobContext, now: datetime) -> str:
    with context.session_factory() as session:
        units = [(c.id, w.team_id) for c, w, _ in contests.due(session, now)]

    def update(session: Session, unit: tuple[int, str]) -> bool:
        contest = session.get_one(Contest, unit[0])
        if contest.ended_at is not None:  # ended by another run since `due` read it: nothing more to do
            return False
        workspace = session.get_one(Workspace, unit[1])
        return post(session, contest, workspace, now=now)

    done = for_each_unit(context.session_factory, [(f"contest:{c}", (c, w)) for c, w in units], update)
    return f"{len(units)} contest leaderboards updated, {done.results.count(True)} final{done.note()}"


def post(session: Session, contest: Contest, workspace: Workspace, *, now: datetime) -> bool:
    """Update the contest's board; True when it is the final one (its window has ended)."""
    today = calendar.local_date(now, calendar.workspace_zone(workspace))
    final = today > contest.ends_on
    locale = locale_of(None, workspace)
    found = contests.figures(session, contest, through=min(today, contest.ends_on))
    places = contests.ranked(session, contest, found)
    reached = contests.reached(contests.totals_of(found), contests.thresholds_of(contest))
    message = Outgoing(
        team_id=contest.team_id, key=board_key(contest), kind=BOARD, channel=contest.channel_id, payload={}
    )
    prizes = contests.prizes_of(contest)
    revise(
        session,
        message,
        lambda: contest_views.leaderboard_message(
            contest, places, prizes, locale, final=final, reached=reached
        ),
        now=now,
    )
    if final:
        contest.ended_at = now
        awards = contest_awards.record(
            session, contest, contest_awards.awards(contest, places, found), now=now
        )
        enqueue(session, contest_awards.dms(session, contest, awards, workspace), now=now)
        winners = tuple(award.rep_id for award in awards)
        raise_after_commit(session, ContestEnded(contest.team_id, contest.id, winners))
    return final
