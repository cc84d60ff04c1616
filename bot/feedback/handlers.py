"""`/pacer feedback [@rep]`, `/pacer feedback list`; the prompt buttons, both feedback modals, and the
rep's Acknowledge and Reply."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from slack_bolt import App
from sqlalchemy.orm import Session

from bot import calendar
from bot.db.scoped import get_in_workspace
from bot.delivery.service import enqueue
from bot.errors import FieldErrors, Invalid, Stale
from bot.feedback import development, messages, service, views
from bot.feedback.models import ManagerFeedback
from bot.i18n import t
from bot.roster.models import Member, Role
from bot.roster.policy import can_share_feedback
from bot.roster.service import Caller, locale_of
from bot.slack.answers import tell
from bot.slack.commands import EVERYONE, MANAGERS, REPS, CommandRequest, Commands, Group, mentions
from bot.slack.deps import Deps
from bot.slack.forms import Form, reject
from bot.slack.idempotency import claim
from bot.slack.ids import Action, CallbackId, FeedbackBlock
from bot.slack.interaction import Interaction, Metadata, NoMetadata, acts, opens
from bot.workspaces.models import Workspace


def _month(deps: Deps, session: Session, member: Member) -> date:
    return calendar.local_month(member, session.get_one(Workspace, member.team_id), deps.clock())


def _key(deps: Deps, caller: Caller, month: date) -> str:
    secret = deps.settings.anonymity_secret()
    return service.author_key(secret, team_id=caller.team_id, user_id=caller.member.user_id, month=month)


def give_view(deps: Deps, caller: Caller, rep_id: int, *, response_url: str = "") -> dict[str, Any]:
    """The manager → rep modal, with last month's check-in figures for context; its confirmation goes to
    `response_url` (where the command was run), else to the manager's DM with Pacer."""
    with deps.session_factory() as session:
        rep = session.get(Member, rep_id)
        if rep is None:
            raise Invalid("feedback.rep_gone")
        service.check_can_give(caller, rep)
        shown = calendar.previous_month(_month(deps, session, session.get_one(Member, caller.member.id)))
        figures = service.month_figures(session, rep_id=rep.id, month=shown)
        courses = development.choices(session, caller.team_id, caller.locale)
    return views.manager_modal(
        rep.user_id,
        shown,
        figures,
        caller.locale,
        values={},
        metadata={"rep": rep_id, "response_url": response_url},
        courses=courses,
    )


def share_view(deps: Deps, caller: Caller) -> dict[str, Any]:
    """The rep → company modal; this month's earlier answers, if any, to edit."""
    if not can_share_feedback(caller):
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
        view = give_view(
            deps, request.caller, rep.id, response_url=str(request.body.get("response_url") or "")
        )
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


class GiveMetadata(Metadata):
    """The manager → rep modal's metadata: the rep it is for, and where to confirm (a response URL)."""

    rep: int
    response_url: str = ""


class ReplyMetadata(Metadata):
    """The reply modal's metadata: the feedback replied to."""

    feedback: int


@dataclass(frozen=True)
class ReplyForm:
    reply: str | None


def check_reply(form: ReplyForm) -> str | FieldErrors:
    errors: dict[str, str] = {}
    text = service.clean_text(form.reply, FeedbackBlock.REPLY.value, errors, required=True)
    return FieldErrors(errors) if errors else text


GIVE_FORM = Form.of(service.ManagerForm, service.check_give)
SHARE_FORM = Form.of(service.FieldForm, service.validate_field)
REPLY_FORM = Form.of(ReplyForm, check_reply)


def submit_give(request: Interaction[GiveMetadata]) -> None:
    deps, caller = request.deps, request.caller
    answers = GIVE_FORM.from_view(request.view)
    if isinstance(answers, FieldErrors):
        reject(request.ack, answers, caller.locale, max=service.TEXT_MAX)
        return
    now = deps.clock()
    with deps.session_factory.begin() as session:
        claim(session)
        rep = get_in_workspace(
            session,
            Member,
            request.metadata.rep,
            team_id=caller.team_id,
            missing=Invalid("feedback.rep_gone"),
        )
        manager = session.get_one(Member, caller.member.id)
        item = service.give(
            session,
            caller=caller,
            rep=rep,
            answers=answers.texts,
            month=_month(deps, session, manager),
            course_id=answers.course_id,
        )
        dm = messages.to_rep(
            item, rep, caller.member.user_id, locale_of(rep, session.get_one(Workspace, rep.team_id))
        )
        enqueue(session, [dm], now=now)
    request.ack()
    deps.kick()
    answer = t("answers.feedback.given", caller.locale, rep=rep.user_id)
    tell(request.client, caller.member.user_id, answer, response_url=request.metadata.response_url)


def submit_share(request: Interaction[NoMetadata]) -> None:
    deps, caller = request.deps, request.caller
    answers = SHARE_FORM.from_view(request.view)
    if isinstance(answers, FieldErrors):
        reject(request.ack, answers, caller.locale, max=service.TEXT_MAX)
        return
    with deps.session_factory.begin() as session:
        claim(session)
        rep = session.get_one(Member, caller.member.id)
        month = _month(deps, session, rep)
        service.share(session, rep=rep, key=_key(deps, caller, month), month=month, values=answers)
    # No confirmation DM: an outbox row would tie the rep to the moment of an anonymous answer.
    request.ack(response_action="update", view=views.thanks_modal(caller.locale))


def _feedback_manager(session: Session, item: ManagerFeedback) -> Member | None:
    return session.get(Member, item.manager_id) if item.manager_id is not None else None


def record_acknowledgement(request: Interaction[NoMetadata]) -> None:
    request.ack()
    deps, caller = request.deps, request.caller
    feedback_id, now = request.value(int), deps.clock()
    with deps.session_factory.begin() as session:
        claim(session)
        item = service.own_feedback(session, caller, feedback_id)
        if not service.acknowledge(session, item, now=now):
            raise Stale("feedback.already_acknowledged", at=item.acknowledged_at or now)
        manager = _feedback_manager(session, item)
        if manager is not None:
            note = messages.acknowledged(
                item,
                manager,
                caller.member.user_id,
                locale_of(manager, session.get_one(Workspace, manager.team_id)),
            )
            enqueue(session, [note], now=now)
        message = views.to_rep(item, manager.user_id if manager else "—", caller.locale)
    request.replace_message(message)
    deps.kick()


def submit_reply(request: Interaction[ReplyMetadata]) -> None:
    deps, caller = request.deps, request.caller
    text = REPLY_FORM.from_view(request.view)
    if isinstance(text, FieldErrors):
        reject(request.ack, text, caller.locale, max=service.TEXT_MAX)
        return
    now = deps.clock()
    with deps.session_factory.begin() as session:
        claim(session)
        item = service.own_feedback(session, caller, request.metadata.feedback)
        item.reply = text
        manager = _feedback_manager(session, item)
        if manager is not None:
            locale = locale_of(manager, session.get_one(Workspace, manager.team_id))
            note = messages.replied(item, manager, caller.member.user_id, text, locale=locale, now=now)
            enqueue(session, [note], now=now)
    request.ack()
    deps.kick()
    answer = (
        t("answers.feedback.replied", caller.locale, manager=manager.user_id)
        if manager is not None
        else t("answers.feedback.reply_saved", caller.locale)
    )
    tell(request.client, caller.member.user_id, answer)


def open_reply(request: Interaction[NoMetadata]) -> None:
    """The rep's Reply on feedback addressed to them."""
    feedback_id = request.value(int)
    with request.deps.session_factory() as session:
        service.own_feedback(session, request.caller, feedback_id)
    request.open(views.reply_modal(request.locale, feedback_id))


def add_commands(commands: Commands) -> None:
    commands.add_group(
        Group.FEEDBACK,
        (10, "feedback @rep", "help.feedback_give", MANAGERS, feedback_command),
        (10, "feedback", "help.feedback_share", REPS, feedback_command),
        (20, "feedback list", "help.feedback_list", EVERYONE, list_command),
    )


def register(app: App, deps: Deps, commands: Commands) -> None:
    add_commands(commands)

    @app.action(Action.FEEDBACK_GIVE.value)
    @opens(deps)
    def open_feedback_give(request: Interaction[NoMetadata]) -> None:
        request.open(give_view(deps, request.caller, request.value(int)))

    @app.action(Action.FEEDBACK_SHARE.value)
    @opens(deps)
    def open_feedback_share(request: Interaction[NoMetadata]) -> None:
        request.open(share_view(deps, request.caller))

    @app.action(Action.FEEDBACK_ACK.value)
    @acts(deps)
    def acknowledge_feedback(request: Interaction[NoMetadata]) -> None:
        record_acknowledgement(request)

    @app.action(Action.FEEDBACK_REPLY.value)
    @opens(deps)
    def open_feedback_reply(request: Interaction[NoMetadata]) -> None:
        open_reply(request)

    @app.view(CallbackId.FEEDBACK_GIVE.value)
    @acts(deps, GiveMetadata)
    def submit_feedback_give(request: Interaction[GiveMetadata]) -> None:
        submit_give(request)

    @app.view(CallbackId.FEEDBACK_SHARE.value)
    @acts(deps)
    def submit_feedback_share(request: Interaction[NoMetadata]) -> None:
        submit_share(request)

    @app.view(CallbackId.FEEDBACK_REPLY.value)
    @acts(deps, ReplyMetadata)
    def submit_feedback_reply(request: Interaction[ReplyMetadata]) -> None:
        submit_reply(request)
