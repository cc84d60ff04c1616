"""The CRM feature's listeners and `/pacer crm` subcommands: `crm import` sends the actuals template to
the admin's DM. (Connecting a CRM, owner mapping and sync status come from `bot.crm.integrations`.)"""

from __future__ import annotations

from importlib import resources

from slack_bolt import App

from bot import format as fmt
from bot.audit import service as audit
from bot.crm import connect_handlers, differences, figures, importing, messages, models, uploads
from bot.crm.sections import DIGEST_SECTIONS, HOME_SECTIONS
from bot.delivery.service import enqueue
from bot.errors import Invalid
from bot.roster.models import Member
from bot.slack.commands import ADMINS, CommandRequest, Commands, Group
from bot.slack.deps import Deps

# What bot/features.py names, so the feature stays one line there: its tables and catalogs.
__all__ = ["CATALOGS", "DIGEST_SECTIONS", "HOME_SECTIONS", "UPLOADS", "models", "register"]
CATALOGS = resources.files("bot.crm") / "i18n"
UPLOADS = (uploads.ACTUALS,)


def register(app: App, deps: Deps, commands: Commands) -> None:
    commands.add_group(
        Group.CRM,
        (10, "crm import", "crm.import.help", ADMINS, send_template),
        (20, "crm threshold <percent>", "crm.threshold.help", ADMINS, set_threshold),
        (25, "crm figures reported|crm", "crm.figures.help", ADMINS, set_figures),
    )
    uploads.register(app, deps)
    connect_handlers.register(app, deps, commands)


def send_template(request: CommandRequest) -> None:
    """`/pacer crm import`: the template CSV and how to fill it in, to the admin's DM (through the outbox)."""
    caller, deps = request.caller, request.deps
    now = deps.clock()
    with deps.session_factory.begin() as session:
        me = session.get_one(Member, caller.member.id)
        enqueue(session, messages.template(me, importing.template(), now=now, locale=caller.locale), now=now)
    request.reply(request.t("crm.import.sent"))


def set_threshold(request: CommandRequest) -> None:
    """`/pacer crm threshold <percent>`: how far a report may differ from the CRM before it is listed."""
    caller, deps = request.caller, request.deps
    if len(request.args) != 1:
        raise Invalid("crm.threshold.usage")
    with deps.session_factory.begin() as session:
        value = differences.set_threshold(session, caller.team_id, request.args[0], now=deps.clock())
        audit.record(session, caller.team_id, caller.member.id, "settings.crm", "threshold", percent=value)
    request.reply(request.t("crm.threshold.saved", threshold=fmt.percent(value / 100, caller.locale)))


def set_figures(request: CommandRequest) -> None:
    """`/pacer crm figures reported|crm`: where scorecards and incentives take sales figures from."""
    caller, deps = request.caller, request.deps
    if len(request.args) != 1:
        raise Invalid("crm.figures.usage")
    with deps.session_factory.begin() as session:
        chosen = figures.set_source(session, caller.team_id, request.args[0], now=deps.clock())
        audit.record(session, caller.team_id, caller.member.id, "settings.crm", "figures", source=chosen)
    request.reply(request.t(f"crm.figures.saved_{chosen.value}"))
