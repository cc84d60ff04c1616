"""`/pacer kudos badge [vendor <name>]`: a manager's suggestions for last month's rep of the month (their
team, or their reps of a vendor; an admin's: the workspace or all of a vendor's reps), and **Choose**."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from slack_bolt import App

from bot import calendar
from bot.errors import Invalid
from bot.i18n import t
from bot.recognition import allowance
from bot.recognition.badge_views import suggestions_message
from bot.recognition.badges import BadgeScope, award, scope_for, suggestions
from bot.recognition.settings import load_config
from bot.recognition.views import RecognitionIds, month_label
from bot.roster import service as roster
from bot.roster.models import Member
from bot.slack import blocks
from bot.slack.commands import MANAGERS, CommandRequest, Commands, Group
from bot.slack.deps import Deps
from bot.slack.idempotency import claim
from bot.slack.interaction import Interaction, NoMetadata, acts
from bot.text import channel_mention
from bot.workspaces.models import Workspace

USAGE = "kudos badge [vendor <name>]"


@dataclass(frozen=True)
class Choice:
    """A **Choose** button's value: "<rep id>|<month>|<scope>"."""

    rep_id: int
    month: date
    scope: BadgeScope

    @classmethod
    def parse(cls, value: str) -> Choice:
        rep, month, scope = value.split("|")
        chosen = date.fromisoformat(month)
        if chosen.day != 1 or not rep.isascii() or not rep.isdigit() or len(rep) > 12:
            raise ValueError(value)
        return cls(int(rep), chosen, BadgeScope.parse(scope))


def register(app: App, deps: Deps, commands: Commands) -> None:
    commands.add_group(Group.RECOGNITION, (30, USAGE, "recognition.help.badge", MANAGERS, badge_command))

    @app.action(RecognitionIds.CHOOSE_BADGE.value)
    @acts(deps)
    def choose_badge(request: Interaction[NoMetadata]) -> None:
        request.ack()
        request.replace_message(choose(request, request.value(Choice.parse)))


def badge_command(request: CommandRequest) -> None:
    if request.args and (request.args[0].lower() != "vendor" or len(request.args) < 2):
        raise Invalid("recognition.errors.usage", usage=USAGE)
    deps, caller = request.deps, request.caller
    with deps.session_factory() as session:
        name = " ".join(request.args[1:])
        vendor = roster.vendor_named(session, team_id=caller.team_id, name=name) if name else None
        workspace = session.get_one(Workspace, caller.team_id)
        me = session.get_one(Member, caller.member.id)
        month = calendar.previous_month(allowance.month_of(me, workspace, deps.clock()))
        scope = scope_for(caller, vendor)
        message = suggestions_message(
            suggestions(session, workspace, scope, month), month, scope.key, caller.locale
        )
    request.reply(message["text"], message.get("blocks"))


def choose(request: Interaction[NoMetadata], choice: Choice) -> dict[str, object]:
    """Award the badge once; what the manager's message says afterwards."""
    deps, caller = request.deps, request.caller
    with deps.session_factory.begin() as session:
        claim(session)
        workspace = session.get_one(Workspace, caller.team_id)
        channel = load_config(session, caller.team_id).channel_id
        badge = award(
            session,
            chooser=caller,
            rep_id=choice.rep_id,
            month=choice.month,
            scope=choice.scope,
            workspace=workspace,
            channel=channel,
            now=deps.clock(),
        )
        rep = session.get_one(Member, badge.rep_id).user_id
    deps.kick()
    deps.on_change(caller.team_id, [rep])
    where = channel_mention(channel) if channel else t("recognition.badge.by_dm", caller.locale)
    month = month_label(choice.month, caller.locale)
    return blocks.notice(t("recognition.badge.chosen", caller.locale, rep=rep, month=month, where=where))
