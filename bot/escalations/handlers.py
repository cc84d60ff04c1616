"""`/pacer escalate @rep [text]`, `/pacer escalations`; the escalation modal (also opened from a rep's
feedback), and the vendor's Acknowledge / Resolve."""

from __future__ import annotations

import json
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond

from bot.db.scoped import get_in_workspace
from bot.delivery.service import enqueue
from bot.errors import Invalid, PacerError, Stale
from bot.escalations import messages, service, views
from bot.escalations.models import Severity, Source
from bot.feedback.models import FieldFeedback
from bot.i18n import t
from bot.roster.models import Member
from bot.roster.service import Caller
from bot.slack import blocks
from bot.slack.commands import EVERYONE, MANAGERS, CommandRequest, Commands, mentions
from bot.slack.deps import Deps
from bot.slack.errors import reported_after_ack
from bot.slack.idempotency import acts_once, claim
from bot.slack.ids import Action, CallbackId, EscalationBlock
from bot.slack.state import values_of


def escalate_command(request: CommandRequest) -> None:
    if not request.args:
        raise Invalid("escalation.usage")
    rep_id = mentions(request.args[:1])[0]
    rep = request.deps.directory.active_member(request.caller.team_id, rep_id)
    text = " ".join(request.args[1:])
    source = Source.COMMAND
    with request.deps.session_factory() as session:
        service.check_can_escalate(request.caller, session.merge(rep))
        if not text:
            text = service.latest_help(session, rep) or ""
            source = Source.CHECKIN if text else Source.COMMAND
    values = {"rep": rep.user_id, "description": text, "severity": Severity.MEDIUM.value}
    view = views.escalation_modal(request.locale, values=values, metadata={"source": source.value})
    request.ack()
    request.client.views_open(trigger_id=request.body["trigger_id"], view=view)


def list_command(request: CommandRequest) -> None:
    with request.deps.session_factory() as session:
        text, body = views.listing(service.visible(session, request.caller), request.locale)
    request.reply(text, body)


def from_checkin_view(deps: Deps, caller: Caller, rep_id: int) -> dict[str, Any]:
    """The modal started from a rep's "I need help" check-in: their blockers as the description."""
    with deps.session_factory() as session:
        rep = get_in_workspace(
            session, Member, rep_id, team_id=caller.team_id, missing=Invalid("escalation.usage")
        )
        service.check_can_escalate(caller, rep)
        text = service.latest_help(session, rep) or ""
    values = {"rep": rep.user_id, "description": text, "severity": Severity.MEDIUM.value}
    return views.escalation_modal(caller.locale, values=values, metadata={"source": Source.CHECKIN.value})


def from_feedback_view(deps: Deps, caller: Caller, feedback_id: int) -> dict[str, Any]:
    """The modal started from a rep's named feedback: its problems as the description."""
    with deps.session_factory() as session:
        gone = Invalid("escalation.feedback_gone")
        item = get_in_workspace(session, FieldFeedback, feedback_id, team_id=caller.team_id, missing=gone)
        if item.author_id is None:
            raise gone
        rep = session.get_one(Member, item.author_id)
        service.check_can_escalate(caller, rep)
        values = {"rep": rep.user_id, "description": item.problems, "severity": Severity.MEDIUM.value}
    return views.escalation_modal(caller.locale, values=values, metadata={"source": Source.FEEDBACK.value})


def submit(deps: Deps, ack: Ack, view: dict[str, Any], caller: Caller) -> None:
    metadata = json.loads(view.get("private_metadata") or "{}")
    values = values_of(view)
    form = service.EscalationForm(**{n: values.get(n) for n in service.EscalationForm.__dataclass_fields__})
    errors: dict[str, str] = {
        name: t(key, caller.locale, max=3000) for name, key in service.validate(form).items()
    }
    rep = None
    if form.rep and not errors:
        try:
            rep = deps.directory.active_member(caller.team_id, form.rep)
            service.check_can_escalate(caller, rep)
        except PacerError as error:
            errors["rep"] = t(error.key, caller.locale, **error.values)
    if errors or rep is None:
        ack(**blocks.field_errors(errors))
        return
    now = deps.clock()
    with deps.session_factory.begin() as session:
        claim(session)
        rep = session.get_one(Member, rep.id)
        vendor = service.vendor_of(session, rep)
        involve = bool(form.involve_vendor)
        if involve and service.vendor_channel(vendor) is None:
            message = t("escalation.no_vendor_contact", caller.locale, user=rep.user_id)
            ack(**blocks.field_errors({EscalationBlock.VENDOR.value: message}))
            return
        escalation = service.open_escalation(
            session,
            caller=caller,
            rep=rep,
            severity=Severity(str(form.severity)),
            description=str(form.description),
            involve_vendor=involve,
            source=Source(metadata.get("source") or Source.COMMAND.value),
            now=now,
        )
        if involve:
            enqueue(session, [messages.to_vendor(session, escalation, rep, vendor, resent=False)], now=now)
    ack()
    deps.kick()


def answer(deps: Deps, body: dict[str, Any], caller: Caller, respond: Respond) -> None:
    """Acknowledge or Resolve: recorded once, the opener told, the message shows the new status."""
    action = Action(body["actions"][0]["action_id"])
    now = deps.clock()
    with deps.session_factory.begin() as session:
        claim(session)
        escalation, rep, vendor = service.for_action(session, caller, int(body["actions"][0]["value"]))
        step = service.acknowledge if action is Action.ESCALATION_ACK else service.resolve
        if not step(session, escalation, caller.member.user_id, now):
            last, actor, at = service.last_step(session, escalation)
            who = blocks.mention(actor) if actor else "—"
            raise Stale(f"escalation.already_{last}", id=escalation.id, who=who, at=at or now)
        opener = session.get(Member, escalation.opened_by_id) if escalation.opened_by_id else None
        if opener is not None and opener.user_id != caller.member.user_id:
            locale = messages.locale_for(session, rep.team_id, opener.user_id)
            note = messages.step_notice(escalation, opener, caller.member.user_id, rep, locale)
            enqueue(session, [note], now=now)
        message = views.vendor_message(
            escalation, rep.user_id, opener.user_id if opener else None, vendor, caller.locale
        )
    respond(**message, replace_original=True)
    deps.kick()


def register(app: App, deps: Deps, commands: Commands) -> None:
    commands.add("escalate @rep [text]", help_key="help.escalate", roles=MANAGERS, handler=escalate_command)
    commands.add("escalations", help_key="help.escalations", roles=EVERYONE, handler=list_command)

    @app.action(Action.ESCALATE.value)
    @reported_after_ack(deps)
    def open_from_feedback(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        value, caller = str(body["actions"][0]["value"]), deps.caller_of(body, context)
        kind, _, item_id = value.partition(":")
        view = (from_checkin_view if kind == "rep" else from_feedback_view)(deps, caller, int(item_id))
        ack()
        deps.client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.view(CallbackId.ESCALATION.value)
    @reported_after_ack(deps)
    @acts_once(deps)
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        submit(deps, ack, view, deps.caller_of(body, context))

    @app.action(Action.ESCALATION_ACK.value)
    @app.action(Action.ESCALATION_RESOLVE.value)
    @reported_after_ack(deps)
    @acts_once(deps)
    def on_answer(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        ack()
        answer(deps, body, deps.caller_of(body, context), respond)
