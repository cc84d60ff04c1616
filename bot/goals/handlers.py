"""`/pacer goal`, `goals`, `goal edit|close`; the goal modal; the goal DM buttons."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from slack_bolt import App
from sqlalchemy.orm import Session

from bot import calendar
from bot.db.scoped import get_in_workspace
from bot.delivery.service import enqueue
from bot.errors import FieldErrors, Invalid, Stale
from bot.goals import form, messages, service, views
from bot.goals.models import Goal, GoalStatus
from bot.goals.numbers import ID_RANGE, format_amount, read_whole
from bot.i18n import t
from bot.roster.models import Member
from bot.roster.service import Caller, current_manager, rep_and_manager
from bot.slack import blocks
from bot.slack.answers import tell
from bot.slack.commands import EVERYONE, CommandRequest, Commands, Group, mentions
from bot.slack.deps import Deps
from bot.slack.forms import Form, reject
from bot.slack.idempotency import claim
from bot.slack.ids import Action, CallbackId
from bot.slack.interaction import Interaction, Metadata, NoMetadata, acts, opens
from bot.slack.state import values_of
from bot.text import join


def open_goal_modal(request: CommandRequest, rep: Member, goal: Goal | None) -> None:
    values = views.goal_values(goal) if goal else {"start_date": request.deps.clock().date().isoformat()}
    metadata = {"rep": rep.id, "goal": goal.id if goal else None, "response_url": _response_url(request)}
    view = views.goal_modal(rep.user_id, request.locale, values=values, metadata=metadata)
    request.ack()
    request.client.views_open(trigger_id=request.body["trigger_id"], view=view)


def _response_url(request: CommandRequest) -> str:
    """Where the command was run, so that the modal's confirmation goes back there."""
    return str(request.body.get("response_url") or "")


def goal_command(request: CommandRequest) -> None:
    ids = mentions(request.args)
    named = request.deps.directory.active_member(request.caller.team_id, ids[0]) if ids else None
    with request.deps.session_factory() as session:
        rep = session.merge(named) if named is not None else session.get_one(Member, request.caller.member.id)
        service.check_can_set(request.caller, rep)
    open_goal_modal(request, rep, None)


def _goal_id(request: CommandRequest) -> int:
    goal_id = read_whole(request.args[0].lstrip("#"), ID_RANGE) if len(request.args) == 1 else None
    if goal_id is None:
        raise Invalid("goal.id_needed")
    return goal_id


def goal_edit(request: CommandRequest) -> None:
    with request.deps.session_factory() as session:
        goal = service.goal_for_caller(session, request.caller, _goal_id(request))
        rep = session.get_one(Member, goal.rep_id)
    open_goal_modal(request, rep, goal)


def goal_close(request: CommandRequest) -> None:
    with request.deps.session_factory.begin() as session:
        goal = service.goal_for_caller(session, request.caller, _goal_id(request))
        service.close(goal, now=request.deps.clock())
    request.reply(request.t("goal.closed_now", id=goal.id, title=goal.title))


def goals_command(request: CommandRequest) -> None:
    ids = mentions(request.args)
    rep = request.deps.directory.member(request.caller.team_id, ids[0]) if ids else None
    with request.deps.session_factory() as session:
        rows = service.visible_goals(
            session,
            caller=request.caller,
            rep=session.merge(rep) if rep else None,
            through=calendar.last_ended_week(request.deps.clock().date()),
        )
        text, body = views.goals_list(rows, request.locale)
    request.reply(text, body)


class GoalMetadata(Metadata):
    """The goal modal's metadata: whose goal, which goal (None: a new one), and the target whose stretch
    warning the person has seen (saving that target again keeps it), and where the command that opened it
    was run (its response URL: the confirmation goes there; else to the person's DM with Pacer)."""

    rep: int
    goal: int | None = None
    confirmed: str | None = None
    response_url: str = ""


@dataclass(frozen=True)
class GoalVersion:
    """A goal DM button's value, `<goal id>:<version>`: a button on an older version is told apart."""

    goal_id: int
    version: int

    @classmethod
    def parse(cls, value: str) -> GoalVersion:
        goal_id, version = value.split(":")
        return cls(int(goal_id), int(version))


GOAL_FORM = Form.of(form.GoalForm, form.validate)


def save_goal(request: Interaction[GoalMetadata]) -> None:
    """The goal modal's submission: field errors, a stretch warning to confirm, or the goal saved and
    the next person asked."""
    deps, caller, metadata = request.deps, request.caller, request.metadata
    data = GOAL_FORM.from_view(request.view, today=deps.clock().date())
    if isinstance(data, FieldErrors):
        reject(request.ack, data, caller.locale, max=form.TEXT_MAX)
        return
    now = deps.clock()
    with deps.session_factory.begin() as session:
        claim(session)
        rep = get_in_workspace(
            session, Member, metadata.rep, team_id=caller.team_id, missing=Invalid("goal.rep_gone")
        )
        goal = service.goal_for_caller(session, caller, metadata.goal) if metadata.goal else None
        best = service.best_comparable(session, rep_id=rep.id, data=data, exclude=goal.id if goal else None)
        if service.is_stretch(best, data.target) and metadata.confirmed != str(data.target):
            request.ack(response_action="update", view=_stretch_modal(request, rep, data, best))
            return
        edited = goal is not None
        goal = (
            service.edit(session, caller=caller, goal=goal, data=data, today=now.date())
            if goal
            else service.create(session, caller=caller, rep=rep, data=data)
        )
        enqueue(session, messages.ask_next(session, goal, caller), now=now)
        people, answer = (
            rep_and_manager(session, rep),
            saved_answer(session, goal, rep, caller, edited=edited),
        )
    request.ack()
    deps.kick()
    tell(request.client, caller.member.user_id, answer, response_url=metadata.response_url)
    deps.on_change(caller.team_id, people)


def saved_answer(session: Session, goal: Goal, rep: Member, caller: Caller, *, edited: bool) -> str:
    """What the person who saved the goal is told: saved, and who is asked to answer it next."""
    locale, title = caller.locale, goal.title
    manager = current_manager(session, rep)
    if goal.status is GoalStatus.PROPOSED and manager is not None:
        if manager.id == caller.member.id:  # the manager changed the rep's proposal: theirs to approve
            return t("answers.goal.proposal_saved", locale, title=title, rep=rep.user_id)
        return t("answers.goal.to_manager", locale, title=title, manager=manager.user_id)
    if goal.status is GoalStatus.AWAITING_AGREEMENT and rep.id != caller.member.id:
        return t(f"answers.goal.{'edit' if edited else 'new'}_to_rep", locale, title=title, rep=rep.user_id)
    return t("answers.goal.saved", locale, title=title)


def _stretch_modal(
    request: Interaction[GoalMetadata], rep: Member, data: form.GoalInput, best: Decimal | None
) -> dict[str, Any]:
    """The same modal with a warning: the target is a stretch over the rep's best comparable period."""
    locale = request.locale
    warning = t(
        "goal.stretch",
        locale,
        rep=rep.user_id,
        best=format_amount(best or Decimal(0), data.unit, locale),
        ratio=round(data.target / (best or 1), 1),
    )
    values = {k: v for k, v in values_of(request.view).items() if v}
    metadata = request.metadata.model_dump(exclude_unset=True) | {"confirmed": str(data.target)}
    return views.goal_modal(rep.user_id, locale, values=values, warning=warning, metadata=metadata)


def _decide(
    session: Session, action: Action, goal: Goal, caller: Caller, *, version: int, now: datetime, rep: Member
) -> tuple[str, Member | None, str]:
    """Apply the decision; returns the clicker's confirmation, who to tell and what kind of news it is."""
    if action is Action.GOAL_APPROVE:
        service.approve(goal, caller, rep, version=version, now=now)
        return t("goal.approved", caller.locale, title=goal.title, rep=rep.user_id), rep, messages.APPROVED
    manager = current_manager(session, rep)  # who manages the rep now, not who did when it was made
    me = session.get_one(Member, caller.member.id)
    if action is Action.GOAL_AGREE:
        service.agree(goal, me, version=version, now=now)
        return t("goal.agreed", caller.locale, title=goal.title), manager, messages.AGREED
    service.discuss(goal, me, version=version)
    return t("goal.discussing", caller.locale, title=goal.title), manager, messages.DISCUSS


def answer(request: Interaction[NoMetadata]) -> None:
    """Agree, Discuss or Approve on a goal DM; the message is replaced by what was decided. The
    manager's batch message is revised after this commits (`messages.BatchChanged`), so clicks never
    queue on its row."""
    request.ack()
    deps, caller = request.deps, request.caller
    action, pressed = Action(request.action_id), request.value(GoalVersion.parse)
    now = deps.clock()
    with deps.session_factory.begin() as session:  # a `Stale` goal: the error handler says what is true
        claim(session)
        goal = get_in_workspace(
            session, Goal, pressed.goal_id, team_id=caller.team_id, missing=Stale("answers.stale.goal_gone")
        )
        rep = session.get_one(Member, goal.rep_id)
        done, tell, kind = _decide(session, action, goal, caller, version=pressed.version, now=now, rep=rep)
        if tell is not None:
            messages.notify(session, goal, tell, kind, now=now)
        people = rep_and_manager(session, rep)
    request.replace_message(blocks.notice(join("\n", [done, views.summary(goal, caller.locale)])))
    deps.kick()
    deps.on_change(caller.team_id, people)


def open_edit(request: Interaction[NoMetadata]) -> None:
    """A goal DM's Edit: the goal modal with the goal's values, for its manager (or an admin)."""
    goal_id = request.value(lambda value: int(value.split(":")[0]))
    with request.deps.session_factory() as session:
        goal = service.goal_for_caller(session, request.caller, goal_id)
        rep = session.get_one(Member, goal.rep_id)
    values, metadata = views.goal_values(goal), {"rep": rep.id, "goal": goal.id}
    request.open(views.goal_modal(rep.user_id, request.locale, values=values, metadata=metadata))


def register(app: App, deps: Deps, commands: Commands) -> None:
    messages.BatchRevisions(deps.session_factory, deps.events, kick=deps.kick).subscribe()
    commands.add_group(
        Group.GOALS,
        (10, "goals [@rep]", "help.goals", EVERYONE, goals_command),
        (20, "goal [@rep]", "help.goal", EVERYONE, goal_command),
        (30, "goal edit <id>", "help.goal_edit", EVERYONE, goal_edit),
        (40, "goal close <id>", "help.goal_close", EVERYONE, goal_close),
    )

    @app.view(CallbackId.GOAL.value)
    @acts(deps, GoalMetadata)
    def submit_goal(request: Interaction[GoalMetadata]) -> None:
        save_goal(request)

    @app.action(Action.GOAL_AGREE.value)
    @app.action(Action.GOAL_DISCUSS.value)
    @app.action(Action.GOAL_APPROVE.value)
    @acts(deps)
    def answer_goal(request: Interaction[NoMetadata]) -> None:
        answer(request)

    @app.action(Action.GOAL_EDIT.value)
    @opens(deps)
    def open_goal_edit(request: Interaction[NoMetadata]) -> None:
        open_edit(request)
