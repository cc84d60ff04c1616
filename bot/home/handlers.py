"""`app_home_opened` publishes the Home tab, assembled from the sections every feature contributes (see
`bot.slack.sections`), for the user's role; data changes publish it again."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from slack_bolt import App, BoltContext
from slack_sdk import WebClient

from bot.digests import messages as digest_messages
from bot.events import CheckInRecorded
from bot.goals import service as goals
from bot.goals import views as goal_views
from bot.i18n import t
from bot.roster.models import Member
from bot.roster.policy import can_post_digest
from bot.roster.service import Caller, rep_and_manager
from bot.slack.answers import tell
from bot.slack.clients import NotInstalled
from bot.slack.deps import Deps
from bot.slack.ids import Action
from bot.slack.interaction import Interaction, NoMetadata, opens
from bot.slack.sections import HomeContext, home_tab
from bot.workspaces.views import setup_view

logger = logging.getLogger(__name__)


def home_view(deps: Deps, caller: Caller) -> dict[str, Any]:
    """The caller's Home tab, from the Home sections of every feature in the list."""
    with deps.session_factory() as session:
        return home_tab(deps.pages.home, HomeContext(session, caller, deps.clock()))


def publish(deps: Deps, client: WebClient, team_id: str, user_ids: Iterable[str]) -> None:
    """Publish the Home tab again for these users; a failure is logged, never shown (it is a refresh)."""
    for user_id in user_ids:
        try:
            view = home_view(deps, deps.caller(team_id, user_id))
            client.views_publish(user_id=user_id, view=view)
        except Exception:
            logger.exception("could not refresh the home tab of %s", user_id)


def _new_goal_modal(deps: Deps, caller: Caller, rep_id: int) -> dict[str, Any]:
    """The goal modal for a rep in the caller's team table, starting today."""
    with deps.session_factory() as session:
        rep = session.get_one(Member, rep_id)
        goals.check_can_set(caller, rep)
    return goal_views.goal_modal(
        rep.user_id,
        caller.locale,
        values={"start_date": deps.clock().date().isoformat()},
        metadata={"rep": rep.id, "goal": None},
    )


def publish_in(deps: Deps, team_id: str, user_ids: Iterable[str]) -> None:
    """`publish` outside a Slack request (after a commit, on a domain event): with the workspace's own
    client (OAuth mode), since no request brought one; nothing when Pacer left the workspace."""
    try:
        client = deps.client_for(team_id)
    except NotInstalled:
        logger.info("no home tab refresh in workspace %s: Pacer is not installed there", team_id)
        return
    publish(deps, client, team_id, user_ids)


def refresh_rep(deps: Deps, team_id: str, rep_id: int) -> None:
    """The Home tabs of a rep and their manager again, after an event about the rep's data committed."""
    with deps.session_factory() as session:
        rep = session.get(Member, rep_id)
        people = rep_and_manager(session, rep) if rep is not None else []
    publish_in(deps, team_id, people)


def register(app: App, deps: Deps) -> None:
    deps.on_change = lambda team_id, user_ids: publish_in(deps, team_id, user_ids)
    deps.events.subscribe(CheckInRecorded, lambda event: refresh_rep(deps, event.team_id, event.rep_id))

    @app.event("app_home_opened")
    def on_home_opened(event: dict[str, Any], context: BoltContext, client: WebClient) -> None:
        if event.get("tab", "home") == "home" and context.team_id:
            publish(deps, client, str(context.team_id), [str(event["user"])])

    @app.action(Action.HOME_NEW_GOAL.value)
    @opens(deps)
    def open_new_goal(request: Interaction[NoMetadata]) -> None:
        request.open(_new_goal_modal(deps, request.caller, request.value(int)))

    @app.action(Action.HOME_SETUP.value)
    @opens(deps)
    def open_setup(request: Interaction[NoMetadata]) -> None:
        view = setup_view(deps, request.caller)
        if request.caller.is_admin():
            request.open(view)
        else:
            request.ack()

    @app.action(Action.HOME_POST_DIGEST.value)
    @opens(deps)
    def post_digest(request: Interaction[NoMetadata]) -> None:
        request.ack()  # Slack sends the press only once the person confirmed the dialog naming the channel
        caller = request.caller
        if not can_post_digest(caller):
            return
        with deps.session_factory.begin() as session:
            channel = digest_messages.post_as_asked(
                session, caller, request.value(str), now=deps.clock(), sections=deps.pages.digest
            )
        deps.kick()
        tell(request.client, caller.member.user_id, t("digest.posting", caller.locale, channel=channel))
