"""The review conversation's buttons: the rep proposes a slot from their DM, the manager confirms it, and
either marks it held afterwards. Each press acts once (`claim`; a slot proposed again sends nothing); what
goes to the other person goes through the outbox with a once-only key. Rules: `bot.reviews.conversation`."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from slack_bolt import App
from sqlalchemy.orm import Session

from bot import calendar
from bot.db.scoped import get_in_workspace
from bot.delivery.service import enqueue
from bot.errors import Stale
from bot.reviews import conversation, talk_messages, talk_views
from bot.reviews.models import ReviewConversation, ReviewCycle
from bot.roster.models import Member
from bot.slack.deps import Deps
from bot.slack.idempotency import claim
from bot.slack.interaction import Interaction, NoMetadata, acts
from bot.workspaces.models import Workspace

MAX_EPOCH = 4_102_444_800  # 2100-01-01: a button's time beyond it is forged


def _id_and_time(value: str) -> tuple[int, datetime]:
    first, epoch = value.split(":")
    seconds = int(epoch)
    if not 0 < seconds < MAX_EPOCH:
        raise ValueError(value)
    return int(first), datetime.fromtimestamp(seconds, UTC)


def _talk(session: Session, talk_id: int, team_id: str) -> tuple[ReviewConversation, ReviewCycle]:
    talk = get_in_workspace(session, ReviewConversation, talk_id, team_id=team_id, missing=Stale())
    return talk, session.get_one(ReviewCycle, talk.cycle_id)


def propose(request: Interaction[NoMetadata]) -> None:
    """The rep's slot: kept, shown on their scorecard, and sent to the manager to confirm."""
    request.ack()
    cycle_id, at = request.value(_id_and_time)
    caller, now = request.caller, request.deps.clock()
    with request.deps.session_factory.begin() as session:
        claim(session)
        cycle = get_in_workspace(session, ReviewCycle, cycle_id, team_id=caller.team_id, missing=Stale())
        rep, workspace = session.get_one(Member, caller.member.id), session.get_one(Workspace, caller.team_id)
        talk, _ = conversation.propose(session, cycle, rep, at, now=now)
        manager = session.get_one(Member, talk.manager_id or 0)
        enqueue(session, [talk_messages.to_manager(cycle, talk, rep, manager, workspace)], now=now)
        talk_messages.show_on_scorecard(session, cycle, rep, talk, workspace, now=now)
        said = talk_views.proposed_to_rep(
            talk.starts_at, manager.user_id, calendar.member_zone(rep, workspace), caller.locale
        )
    request.deps.kick()
    request.replace_message(said)


def confirm(request: Interaction[NoMetadata]) -> None:
    """The manager confirms: both get the confirmation with "Conversation held"."""
    request.ack()
    talk_id, at = request.value(_id_and_time)
    caller, now = request.caller, request.deps.clock()
    with request.deps.session_factory.begin() as session:
        claim(session)
        talk, cycle = _talk(session, talk_id, caller.team_id)
        manager, workspace = (
            session.get_one(Member, caller.member.id),
            session.get_one(Workspace, caller.team_id),
        )
        conversation.confirm(session, cycle, talk, manager, at, now=now)
        rep = session.get_one(Member, talk.rep_id)
        enqueue(session, [talk_messages.confirmed(cycle, talk, rep, manager, workspace)], now=now)
        talk_messages.show_on_scorecard(session, cycle, rep, talk, workspace, now=now)
        said = talk_views.confirmed(
            talk, rep.user_id, calendar.member_zone(manager, workspace), caller.locale
        )
    request.deps.kick()
    request.replace_message(said)


def held(request: Interaction[NoMetadata]) -> None:
    """The rep or the manager marks the conversation held (once; the second press says who did)."""
    request.ack()
    talk_id = request.value(int)
    caller, now = request.caller, request.deps.clock()
    with request.deps.session_factory.begin() as session:
        claim(session)
        talk, cycle = _talk(session, talk_id, caller.team_id)
        me, workspace = session.get_one(Member, caller.member.id), session.get_one(Workspace, caller.team_id)
        if conversation.mark_held(session, cycle, talk, me, now=now):
            rep = session.get_one(Member, talk.rep_id)
            talk_messages.show_on_scorecard(session, cycle, rep, talk, workspace, now=now)
        by = session.get_one(Member, talk.held_by_id or me.id)
        said = talk_views.held(talk, by.user_id, calendar.member_zone(me, workspace), caller.locale)
    request.deps.kick()
    request.replace_message(said)


def register(app: App, deps: Deps) -> None:
    @app.action(re.compile(rf"^{talk_views.PROPOSE}_\d$"))
    @acts(deps)
    def propose_talk(request: Interaction[NoMetadata]) -> None:
        propose(request)

    @app.action(talk_views.CONFIRM)
    @acts(deps)
    def confirm_talk(request: Interaction[NoMetadata]) -> None:
        confirm(request)

    @app.action(talk_views.HELD)
    @acts(deps)
    def mark_talk_held(request: Interaction[NoMetadata]) -> None:
        held(request)
