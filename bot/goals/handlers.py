"""`/pacer goal`, `goals`, `goal edit|close`; the goal modal; the goal DM buttons."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from sqlalchemy.orm import Session

from bot import calendar
from bot.db.scoped import get_in_workspace
from bot.delivery.service import enqueue
from bot.errors import Invalid
from bot.goals import form, messages, service, views
from bot.goals.models import Goal
from bot.goals.numbers import ID_RANGE, format_amount, read_whole
from bot.i18n import Locale, t
from bot.roster.models import Member
from bot.roster.service import Caller, current_manager, language_of, rep_and_manager
from bot.slack import blocks
from bot.slack.commands import EVERYONE, CommandRequest, Commands, mentions
from bot.slack.deps import Deps
from bot.slack.errors import reported_after_ack
from bot.slack.idempotency import acts_once, claim
from bot.slack.ids import Action, CallbackId
from bot.slack.state import values_of
from bot.text import join
from bot.workspaces.models import Workspace


def _locale(session: Session, member: Member) -> Locale:
    return language_of(member, session.get_one(Workspace, member.team_id))


def open_goal_modal(request: CommandRequest, rep: Member, goal: Goal | None) -> None:
    values = views.goal_values(goal) if goal else {"start_date": request.deps.clock().date().isoformat()}
    metadata = {"rep": rep.id, "goal": goal.id if goal else None}
    view = views.goal_modal(rep.user_id, request.locale, values=values, metadata=metadata)
    request.ack()
    request.client.views_open(trigger_id=request.body["trigger_id"], view=view)


def goal_command(request: CommandRequest) -> None:
    ids = mentions(request.args)
    rep = (
        request.caller.member
        if not ids
        else request.deps.directory.active_member(request.caller.team_id, ids[0])
    )
    with request.deps.session_factory() as session:
        service.check_can_set(request.caller, session.merge(rep))
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


def submit_goal(deps: Deps, ack: Ack, body: dict[str, Any], view: dict[str, Any], caller: Caller) -> None:
    metadata = json.loads(view.get("private_metadata") or "{}")
    values = values_of(view)
    typed = form.GoalForm(**{name: values.get(name) for name in form.GoalForm.__dataclass_fields__})
    data = form.validate(typed, today=deps.clock().date())
    if not isinstance(data, form.GoalInput):
        ack(**blocks.field_errors({f: t(key, caller.locale, max=form.TEXT_MAX) for f, key in data.items()}))
        return
    now = deps.clock()
    with deps.session_factory.begin() as session:
        claim(session)
        rep = get_in_workspace(
            session, Member, int(metadata["rep"]), team_id=caller.team_id, missing=Invalid("goal.rep_gone")
        )
        goal = (
            service.goal_for_caller(session, caller, int(metadata["goal"])) if metadata.get("goal") else None
        )
        best = service.best_comparable(session, rep_id=rep.id, data=data, exclude=goal.id if goal else None)
        target_text = str(data.target)
        if (
            best is not None
            and service.is_stretch(best, data.target)
            and metadata.get("confirmed") != target_text
        ):
            warning = t(
                "goal.stretch",
                caller.locale,
                rep=rep.user_id,
                best=format_amount(best, data.unit, caller.locale),
                ratio=round(data.target / best, 1),
            )
            ack(
                response_action="update",
                view=views.goal_modal(
                    rep.user_id,
                    caller.locale,
                    values={k: v for k, v in values.items() if v},
                    warning=warning,
                    metadata=metadata | {"confirmed": target_text},
                ),
            )
            return
        goal = (
            service.edit(session, caller=caller, goal=goal, data=data, today=now.date())
            if goal
            else service.create(session, caller=caller, rep=rep, data=data)
        )
        enqueue(session, messages.ask_next(session, goal, caller), now=now)
        people = rep_and_manager(session, rep)
    ack()
    deps.kick()
    deps.on_change(caller.team_id, people)


def _decide(
    session: Session, action: Action, goal: Goal, caller: Caller, *, version: int, now: datetime, rep: Member
) -> tuple[str, Member | None, str, dict[str, Any]]:
    """Apply the decision; returns the clicker's confirmation and who to tell (and what)."""
    manager = current_manager(session, rep)  # who manages the rep now, not who did when it was made
    if action is Action.GOAL_APPROVE:
        service.approve(goal, caller, rep, version=version, now=now)
        note = messages.approved_notice(goal, _locale(session, rep))
        done = t("goal.approved", caller.locale, title=goal.title, rep=rep.user_id)
        return done, rep, messages.APPROVED, note
    me = session.get_one(Member, caller.member.id)
    if action is Action.GOAL_AGREE:
        service.agree(goal, me, version=version, now=now)
        note = messages.agreed_notice(goal, rep, _locale(session, manager)) if manager else {}
        return t("goal.agreed", caller.locale, title=goal.title), manager, messages.AGREED, note
    service.discuss(goal, me, version=version)
    note = messages.discuss_notice(goal, rep, _locale(session, manager)) if manager else {}
    return t("goal.discussing", caller.locale, title=goal.title), manager, messages.DISCUSS, note


def answer(deps: Deps, body: dict[str, Any], caller: Caller, respond: Respond) -> None:
    """Agree, Discuss or Approve on a goal DM; the message is replaced by what was decided."""
    action = Action(body["actions"][0]["action_id"])
    goal_id, version = (int(part) for part in str(body["actions"][0]["value"]).split(":"))
    now = deps.clock()
    with deps.session_factory.begin() as session:  # a `Stale` goal: the error handler says what is true
        claim(session)
        goal = get_in_workspace(session, Goal, goal_id, team_id=caller.team_id, missing=Invalid("goal.stale"))
        rep = session.get_one(Member, goal.rep_id)
        done, tell, kind, note = _decide(session, action, goal, caller, version=version, now=now, rep=rep)
        if tell is not None:
            enqueue(session, [messages.dm(goal, tell, kind, note)], now=now)
        people = rep_and_manager(session, rep)
    respond(**blocks.notice(join("\n", [done, views.summary(goal, caller.locale)])), replace_original=True)
    deps.kick()
    deps.on_change(caller.team_id, people)


def register(app: App, deps: Deps, commands: Commands) -> None:
    commands.add("goal [@rep]", help_key="help.goal", roles=EVERYONE, handler=goal_command)
    commands.add("goal edit <id>", help_key="help.goal_edit", roles=EVERYONE, handler=goal_edit)
    commands.add("goal close <id>", help_key="help.goal_close", roles=EVERYONE, handler=goal_close)
    commands.add("goals [@rep]", help_key="help.goals", roles=EVERYONE, handler=goals_command)

    @app.view(CallbackId.GOAL.value)
    @reported_after_ack(deps)
    @acts_once(deps)
    def on_submit(ack: Ack, body: dict[str, Any], view: dict[str, Any], context: BoltContext) -> None:
        caller = deps.caller_of(body, context)
        submit_goal(deps, ack, body, view, caller)

    @app.action(Action.GOAL_AGREE.value)
    @app.action(Action.GOAL_DISCUSS.value)
    @app.action(Action.GOAL_APPROVE.value)
    @reported_after_ack(deps)
    @acts_once(deps)
    def on_answer(ack: Ack, body: dict[str, Any], respond: Respond, context: BoltContext) -> None:
        ack()
        caller = deps.caller_of(body, context)
        answer(deps, body, caller, respond)

    @app.action(Action.GOAL_EDIT.value)
    @reported_after_ack(deps)
    def on_edit(ack: Ack, body: dict[str, Any], context: BoltContext) -> None:
        caller = deps.caller_of(body, context)
        goal_id = int(str(body["actions"][0]["value"]).split(":")[0])
        with deps.session_factory() as session:
            goal = service.goal_for_caller(session, caller, goal_id)
            rep = session.get_one(Member, goal.rep_id)
        view = views.goal_modal(
            rep.user_id,
            caller.locale,
            values=views.goal_values(goal),
            metadata={"rep": rep.id, "goal": goal.id},
        )
        ack()
        deps.client.views_open(trigger_id=body["trigger_id"], view=view)
