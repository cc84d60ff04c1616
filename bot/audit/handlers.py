"""`/pacer audit [days]`: an admin reads the latest admin actions."""

from __future__ import annotations

from importlib import resources

from slack_bolt import App
from sqlalchemy import select

from bot.audit import models, service, views
from bot.roster.models import Member
from bot.slack.commands import ADMINS, CommandRequest, Commands, Group
from bot.slack.deps import Deps

__all__ = ["CATALOGS", "models", "register"]
CATALOGS = resources.files("bot.audit") / "i18n"


def audit_command(request: CommandRequest) -> None:
    days = service.read_days(request.args)
    team_id = request.caller.team_id
    with request.deps.session_factory() as session:
        events = service.latest(session, team_id, days=days)
        ids = {event.actor_id for event in events if event.actor_id is not None}
        found = select(Member.id, Member.user_id).where(Member.team_id == team_id, Member.id.in_(ids))
        users: dict[int, str] = {row[0]: row[1] for row in session.execute(found)} if ids else {}
        shown = [(event, users.get(event.actor_id or 0)) for event in events]
    message = views.listing(shown, days, request.locale)
    request.ack(**message, response_type="ephemeral")


def register(app: App, deps: Deps, commands: Commands) -> None:
    commands.add_group(Group.SETTINGS, (70, "audit [days]", "audit.help.audit", ADMINS, audit_command))
