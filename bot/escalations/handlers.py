"""`/pacer escalate @rep [text]`, `/pacer escalations`; the escalation modal (also opened from a rep's
feedback), and the vendor's Acknowledge / Resolve."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt import App

from bot.db.scoped import get_in_workspace
from bot.delivery.service import enqueue
from bot.errors import FieldErrors, Invalid, PacerError, Stale
from bot.escalations import messages, service, views
from bot.escalations.models import Severity, Source
from bot.feedback.models import FieldFeedback
from bot.i18n import t
from bot.roster.models import Member, Vendor
from bot.roster.service import Caller
from bot.slack import blocks
from bot.slack.answers import tell
from bot.slack.commands import EVERYONE, MANAGERS, CommandRequest, Commands, Group, mentions
from bot.slack.deps import Deps
from bot.slack.forms import Form, reject
from bot.slack.idempotency import claim
from bot.slack.ids import Action, CallbackId, EscalationBlock
from bot.slack.interaction import Interaction, Metadata, NoMetadata, acts, opens


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
    metadata = {"source": source.value, "response_url": str(request.body.get("response_url") or "")}
    view = views.escalation_modal(request.locale, values=values, metadata=metadata)
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


class EscalationMetadata(Metadata):
    """The escalation modal's metadata: where it was started from, and where to confirm (the response
    URL of the command that opened it; else the person's DM with Pacer)."""

    source: Source | None = None
    response_url: str = ""


@dataclass(frozen=True)
class EscalateFrom:
    """An Escalate button's value: `rep:<member id>` (an "I need help" check-in) or `feedback:<id>`."""

    kind: str
    item_id: int

    @classmethod
    def parse(cls, value: str) -> EscalateFrom:
        kind, _, item_id = value.partition(":")
        return cls(kind, int(item_id))


ESCALATION_FORM = Form.of(service.EscalationForm, service.validate)


def submit(request: Interaction[EscalationMetadata]) -> None:
    deps, caller = request.deps, request.caller
    data = ESCALATION_FORM.from_view(request.view)
    if isinstance(data, FieldErrors):
        reject(request.ack, data, caller.locale, max=3000)
        return
    try:
        rep = deps.directory.active_member(caller.team_id, data.rep)
        service.check_can_escalate(caller, rep)
    except PacerError as error:
        reject(request.ack, FieldErrors(rep=error), caller.locale)
        return
    now = deps.clock()
    with deps.session_factory.begin() as session:
        claim(session)
        rep = session.get_one(Member, rep.id)
        vendor = service.vendor_of(session, rep)
        if data.involve_vendor and service.vendor_channel(vendor) is None:
            no_contact = Invalid("escalation.no_vendor_contact", user=rep.user_id)
            reject(request.ack, FieldErrors({EscalationBlock.VENDOR.value: no_contact}), caller.locale)
            return
        escalation = service.open_escalation(
            session,
            caller=caller,
            rep=rep,
            severity=data.severity,
            description=data.description,
            involve_vendor=data.involve_vendor,
            source=request.metadata.source or Source.COMMAND,
            now=now,
        )
        if data.involve_vendor:
            enqueue(session, [messages.to_vendor(session, escalation, rep, vendor, resent=False)], now=now)
        answer = opened_answer(escalation.id, rep, vendor if data.involve_vendor else None, caller)
    request.ack()
    deps.kick()
    tell(request.client, caller.member.user_id, answer, response_url=request.metadata.response_url)


def opened_answer(escalation_id: int, rep: Member, vendor: Vendor | None, caller: Caller) -> str:
    """What the person who escalated is told: recorded, and whether (and how) the vendor was told."""
    if vendor is None:
        return t("answers.escalation.recorded", caller.locale, id=escalation_id, rep=rep.user_id)
    key = (
        "answers.escalation.to_vendor_channel"
        if vendor.channel_id
        else "answers.escalation.to_vendor_contact"
    )
    return t(
        key,
        caller.locale,
        id=escalation_id,
        rep=rep.user_id,
        vendor=vendor.name,
        channel=vendor.channel_id or "",
        contact=vendor.contact_user_id or "",
    )


def answer(request: Interaction[NoMetadata]) -> None:
    """Acknowledge or Resolve: recorded once, the opener told, the message shows the new status."""
    request.ack()
    deps, caller = request.deps, request.caller
    action, escalation_id = Action(request.action_id), request.value(int)
    now = deps.clock()
    with deps.session_factory.begin() as session:
        claim(session)
        escalation, rep, vendor = service.for_action(session, caller, escalation_id)
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
    request.replace_message(message)
    deps.kick()


def register(app: App, deps: Deps, commands: Commands) -> None:
    commands.add_group(
        Group.FEEDBACK,
        (30, "escalate @rep [text]", "help.escalate", MANAGERS, escalate_command),
        (40, "escalations", "help.escalations", EVERYONE, list_command),
    )

    @app.action(Action.ESCALATE.value)
    @opens(deps)
    def open_escalation(request: Interaction[NoMetadata]) -> None:
        pressed, caller = request.value(EscalateFrom.parse), request.caller
        from_item = from_checkin_view if pressed.kind == "rep" else from_feedback_view
        request.open(from_item(deps, caller, pressed.item_id))

    @app.view(CallbackId.ESCALATION.value)
    @acts(deps, EscalationMetadata)
    def submit_escalation(request: Interaction[EscalationMetadata]) -> None:
        submit(request)

    @app.action(Action.ESCALATION_ACK.value)
    @app.action(Action.ESCALATION_RESOLVE.value)
    @acts(deps)
    def answer_escalation(request: Interaction[NoMetadata]) -> None:
        answer(request)
