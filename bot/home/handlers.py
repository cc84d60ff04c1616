"""`app_home_opened` publishes the Home tab for the user's role; data changes publish it again."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from slack_bolt import Ack, App, BoltContext
from slack_sdk import WebClient

from bot import calendar
from bot.checkins.service import checkins_of
from bot.digests import service as digests
from bot.digests.handlers import last_week, own_scope, post_digest
from bot.goals import service as goals
from bot.goals import views as goal_views
from bot.home import views
from bot.i18n import t
from bot.roster.models import Member, Role
from bot.roster.service import Caller
from bot.slack.deps import Deps
from bot.slack.errors import reported_after_ack
from bot.slack.ids import Action
from bot.workspaces.handlers import setup_view
from bot.workspaces.models import Workspace
from bot.workspaces.views import settings_of

logger = logging.getLogger(__name__)


def home_view(deps: Deps, caller: Caller) -> dict[str, Any]:
    if caller.role is Role.REP:
        return _rep_home(deps, caller)
    with deps.session_factory() as session:
        digest = digests.build(session, own_scope(caller), last_week(deps, caller.team_id))
        ids = {line.rep.user_id: line.rep.id for line in digest.lines}
        manager = views.manager_home(digest, caller.locale, team_rep_ids=ids)
        if not caller.is_admin():
            return manager
        return views.admin_home(
            settings_of(session.get_one(Workspace, caller.team_id)), caller.locale, manager
        )


def _rep_home(deps: Deps, caller: Caller) -> dict[str, Any]:
    now = deps.clock()
    with deps.session_factory() as session:
        workspace = session.get_one(Workspace, caller.team_id)
        rep = session.get_one(Member, caller.member.id)
        zone = calendar.member_zone(rep, workspace)
        week = calendar.checkin_week(workspace, zone, now)
        checked_in = bool(checkins_of(session, rep_id=rep.id, week_start=week))
        rows = goals.visible_goals(
            session, caller=caller, rep=None, through=calendar.last_ended_week(now.date())
        )
    return views.rep_home(rows, week, checked_in, calendar.next_nudge(workspace, zone, now), caller.locale)


def publish(deps: Deps, client: WebClient, team_id: str, user_ids: Iterable[str]) -> None:
    """Publish the Home tab again for these users; a failure is logged, never shown (it is a refresh)."""
    for user_id in user_ids:
        try:
            view = home_view(deps, deps.caller(team_id, user_id))
            client.views_publish(user_id=user_id, view=view)
        except Exception:
            logger.exception("could not refresh the home tab of %s", user_id)


def register(app: App, deps: Deps) -> None:
    deps.on_change = lambda team_id, user_ids: publish(deps, deps.client, team_id, user_ids)

    @app.event("app_home_opened")
    def on_open(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("tab", "home") == "home" and context.team_id:
            publish(deps, client, str(context.team_id), [str(event["user"])])

    @app.action(Action.HOME_NEW_GOAL.value)
    @reported_after_ack(deps)
    def new_goal(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        caller = deps.caller_of(body, context)
        with deps.session_factory() as session:
            rep = session.get_one(Member, int(body["actions"][0]["value"]))
            goals.check_can_set(caller, rep)
        view = goal_views.goal_modal(
            rep.user_id,
            caller.locale,
            values={"start_date": deps.clock().date().isoformat()},
            metadata={"rep": rep.id, "goal": None},
        )
        ack()
        client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(Action.HOME_SETUP.value)
    @reported_after_ack(deps)
    def open_setup(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        caller = deps.caller_of(body, context)
        view = setup_view(deps, caller)
        ack()
        if caller.is_admin():
            client.views_open(trigger_id=body["trigger_id"], view=view)

    @app.action(Action.HOME_POST_DIGEST.value)
    @reported_after_ack(deps)
    def post(ack: Ack, body: dict[str, Any], client: WebClient, context: BoltContext) -> None:
        ack()
        caller = deps.caller_of(body, context)
        if caller.role is Role.REP:
            return
        channel = post_digest(deps, caller)
        client.chat_postMessage(
            channel=caller.member.user_id, text=t("digest.posting", caller.locale, channel=channel)
        )
