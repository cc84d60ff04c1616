"""`/pacer feedback [@rep]`, `/pacer feedback list`; the prompt buttons, both feedback modals, and the
rep's Acknowledge and Reply."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from sqlalchemy.orm import Session

from bot import calendar
from bot.db.scoped import get_in_workspace
from bot.delivery.service import enqueue
from bot.errors import Invalid, Stale
from bot.feedback import messages, service, views
from bot.feedback.models import ManagerFeedback
from bot.i18n import Locale, t
from bot.roster.models import Member, Role
from bot.roster.service import Caller, language_of
from bot.slack import blocks
from bot.slack.commands import EVERYONE, CommandRequest, Commands, mentions
from bot.slack.deps import Deps
from bot.slack.errors import reported_after_ack
from bot.slack.idempotency import acts_once, claim
from bot.slack.ids import Action, CallbackId, FeedbackBlock
from bot.slack.state import values_of
from bot.workspaces.models import Workspace


def _locale(session: Session, member: Member) -> Locale:
    return language_of(member, session.get_one(Workspace, member.team_id))


def _month(deps: Deps, session: Session, member: Member) -> date:
    return calendar.local_month(member, session.get_one(Workspace, member.team_id), deps.clock())


def _key(deps: Deps, caller: Caller, month: date) -> str:
    secret = deps.settings.anonymity_secret()
    return service.author_key(secret, team_id=caller.team_id, user_id=caller.member.user_id, month=month)


def give_view(deps: Deps, caller: Caller, rep_id: int) -> dict[str, Any]:
    """The manager → rep modal, with last month's check-in figures for context."""
    with deps.session_factory() as session:
        rep = session.get(Member, rep_id)
        if rep is None:
            raise Invalid("feedback.rep_gone")
        service.check_can_give(caller, rep)
        shown = calendar.previous_month(_month(deps, session, session.get_one(Member, caller.member.id)))
        figures = service.month_figures(session, rep_id=rep.id, month=shown)
    return views.manager_modal(
        rep.user_id, shown, figures, caller.locale, values={}, metadata={"rep": rep_id}
    )


def share_view(deps: Deps, caller: Caller) -> dict[str, Any]:
    """The rep → company modal; this month's earlier answers, if any, to edit."""
    if caller.role is not Role.REP:
        raise Invalid("feedback.which_rep")
    with deps.session_factory() as session:
        month = _month(deps, session, session.get_one(Member, caller.member.id))
        item = service.find_own(session, team_id=caller.team_id, key=_key(deps, caller, month))
        values = views.field_values(item) if item else {}
    return views.field_modal(caller.locale, values=values, month=month)


def feedback_command(request: CommandRequest) -> None:
    ids = mentions(request.args)
    deps = request.deps
    if ids:
        rep = deps.directory.active_member(request.caller.team_id, ids[0])
        view = give_view(deps, request.caller, rep.id)
    else:
        view = share_view(deps, request.caller)
    request.ack()
    request.client.views_open(trigger_id=request.body["trigger_id"], view=view)


def list_command(request: CommandRequest) -> None:
    deps, caller = request.deps, request.caller
    with deps.session_factory() as session:
        this_month = _month(deps, session, session.get_one(Member, caller.member.id))
        months = [this_month]
        for _ in range(11):
            months.append(calendar.previous_month(months[-1]))
        keys = [_key(deps, caller, month) for month in months] if caller.role is Role.REP else []
        seen = service.visible(session, caller=caller, keys=keys, since=months[-1], before=this_month)
        text, body = views.listing(seen, caller.locale, can_escalate=caller.role is not Role.REP)
    request.reply(text, body)


def _errors(errors: dict[str, str], locale: Locale) -> dict[str, str]:
    return {name: t(key, locale, max=service.TEXT_MAX) for name, key in errors.items()}


def submit_give(deps: Deps, ack: Ack, view: dict[str, Any], caller: Caller) -> None:
    metadata = json.loads(view.get("private_metadata") or "{}")
    values = values_of(view)
    form = service.ManagerForm(**{n: values.get(n) for n in service.ManagerForm.__dataclass_fields__})
    answers = service.validate_manager(form)
    if isinstance(answers, dict):
        ack(**blocks.field_errors(_errors(answers, caller.locale)))
        return
    now = deps.clock()
    with deps.session_factory.begin() as session:
        claim(session)
        rep = get_in_workspace(
            session,
            Member,
            int(metadata["rep"]),
            team_id=caller.team_id,
            missing=Invalid("feedback.rep_gone"),
        )
        manager = session.get_one(Member, caller.member.id)
        item = service.give(
            session, caller=caller, rep=rep, answers=answers, month=_month(deps, session, manager)
        )
        dm = messages.to_rep(item, rep, caller.member.user_id, _locale(session, rep))
        enqueue(session, [dm], now=now)
    ack()
    deps.kick()


def submit_share(deps: Deps, ack: Ack, view: dict[str, Any], caller: Caller) -> None:
    values = values_of(view)
    form = service.FieldForm(**{n: values.get(n) for n in service.FieldForm.__dataclass_fields__})
    answers, errors = service.validate_field(form)
    if errors:
        ack(**blocks.field_errors(_errors(errors, caller.locale)))
        return
    with deps.session_factory.begin() as session:
        claim(session)
        rep = session.get_one(Member, caller.member.id)
        month = _month(deps, session, rep)
        service.share(session, rep=rep, key=_key(deps, caller, month), month=month, values=answers)
    # No confirmation DM: an outbox row would tie the rep to the moment of an anonymous answer.
    ack(response_action="update", view=views.thanks_modal(caller.locale))


def _feedback_manager(session: Session, item: ManagerFeedback) -> Member | None:
    return session.get(Member, item.manager_id) if item.manager_id is not None else None


def on_acknowledge(deps: Deps, body: dict[str, Any], caller: Caller, respond: Respond) -> None:
    now = deps.clock()
    with deps.session_factory.begin() as session:
        claim(session)
        item = service.own_feedback(session, caller, int(body["actions"][0]["value"]))
        if not service.acknowledge(session, item, now=now):
            raise Stale("feedback.already_acknowledged", at=item.acknowledged_at or now)
        manager = _feedback_manager(session, item)
        if manager is not None:
            note = messages.acknowledged(item, manager, caller.member.user_id, _locale(session, manager))
            enqueue(session, [note], now=now)
        message = views.to_rep(item, manager.user_id if manager else "—", caller.locale)
    respond(**message, replace_original=True)
    deps.kick()


def submit_reply(deps: Deps, ack: Ack, view: dict[str, Any], caller: Caller) -> None:
    metadata = json.loads(view.get("private_metadata") or "{}")
    errors: dict[str, str] = {}
    text = service.clean_text(values_of(view).get(FeedbackBlock.REPLY.value), "reply", errors, required=True)
    if errors:
        ack(**blocks.field_errors(_errors(errors, caller.locale)))
        return
    now = deps.clock()
    with deps.session_factory.begin() as session:
        claim(session)
        item = service.own_feedback(session, caller, int(metadata["feedback"]))
        item.reply = text
        manager = _feedback_manager(session, item)
        if manager is not None:
            locale = _locale(session, manager)
            note = messages.replied(item, manager, caller.member.user_id, text, locale=locale, now=now)
            enqueue(session, [note], now=now)
    ack()
    deps.kick()


def register(app: App, deps: Deps, commands: Commands) -> None:
    commands.add("feedback [@rep]", help_key="help.feedback", roles=EVERYONE, handler=feedback_command)
    commands.add("feedback list", help_key="help.feedback_list", roles=EVERYONE, handler=list_command)

    @app.action(Action.FEEDBACK_GIVE.value)
    @reported_after_ack(deps)
    def open_give(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        view = give_view(deps, deps.caller_of(body, context), int(body["actions"][0]["value"]))
        ack()
        deps.client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(Action.FEEDBACK_SHARE.value)
    @reported_after_ack(deps)
    def open_share(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        view = share_view(deps, deps.caller_of(body, context))
        ack()
        deps.client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(Action.FEEDBACK_ACK.value)
    @reported_after_ack(deps)
    @acts_once(deps)
    def acknowledge(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        ack()
        on_acknowledge(deps, body, deps.caller_of(body, context), respond)

    @app.action(Action.FEEDBACK_REPLY.value)
    @reported_after_ack(deps)
    def open_reply(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        caller = deps.caller_of(body, context)
        feedback_id = int(body["actions"][0]["value"])
        with deps.session_factory() as session:
            service.own_feedback(session, caller, feedback_id)
        ack()
        deps.client.views_open(
            trigger_id=body["trigger_id"], view=views.reply_modal(caller.locale, feedback_id)
        )

    @app.view(CallbackId.FEEDBACK_GIVE.value)
    @reported_after_ack(deps)
    @acts_once(deps)
    def on_give(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        submit_give(deps, ack, view, deps.caller_of(body, context))

    @app.view(CallbackId.FEEDBACK_SHARE.value)
    @reported_after_ack(deps)
    @acts_once(deps)
    def on_share(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        submit_share(deps, ack, view, deps.caller_of(body, context))

    @app.view(CallbackId.FEEDBACK_REPLY.value)
    @reported_after_ack(deps)
    @acts_once(deps)
    def on_reply(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        submit_reply(deps, ack, view, deps.caller_of(body, context))
