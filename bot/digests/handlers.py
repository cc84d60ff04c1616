"""`/pacer digest preview|post`, `/pacer status [@rep | vendor <name>]`, and where digests are posted."""

from __future__ import annotations

import re
from datetime import date

from slack_bolt import App

from bot import calendar
from bot.delivery.service import enqueue
from bot.digests import extras, messages, posting, service, views, weeks
from bot.errors import Invalid, NotAllowed
from bot.goals import service as goals
from bot.goals import views as goal_views
from bot.i18n import t
from bot.roster.models import Member, Role
from bot.roster.policy import can_manage, can_post_digest
from bot.roster.service import find_member, locale_of, route_vendor, vendor_named
from bot.slack import blocks
from bot.slack.commands import (
    EVERYONE,
    MANAGERS,
    ONLY_MANAGERS,
    CommandRequest,
    Commands,
    Group,
    mentions,
    role_names,
)
from bot.slack.deps import Deps
from bot.slack.idempotency import claim
from bot.slack.ids import Action
from bot.slack.interaction import Interaction, NoMetadata, acts
from bot.text import Mrkdwn, join
from bot.workspaces.models import Workspace

CHANNEL = re.compile(r"^<#([CG][A-Z0-9]+)(?:\|[^>]*)?>$")


def last_week(deps: Deps, team_id: str) -> date:
    """The last ISO week that has ended, in the workspace's time zone."""
    with deps.session_factory() as session:
        return calendar.last_week(session.get_one(Workspace, team_id), deps.clock())


def preview(request: CommandRequest) -> None:
    with request.deps.session_factory() as session:
        parts = views.digest_messages(
            service.build(
                session, service.own_scope(request.caller), last_week(request.deps, request.caller.team_id)
            ),
            request.locale,
            title_key="digest.preview_title",
            sections=request.deps.pages.digest,
            session=session,
        )
    note = [] if len(parts) == 1 else [request.t("digest.preview_replies", count=len(parts) - 1)]
    request.reply(join("\n", [Mrkdwn(parts[0]["text"]), *note]), parts[0]["blocks"])  # text: already escaped


def post(request: CommandRequest) -> None:
    """Asks first: a message naming the channel, with Post and Cancel (or why it can't be posted)."""
    with request.deps.session_factory() as session:
        channel = messages.channel_to_post(session, request.caller, now=request.deps.clock())
    request.ack(**posting.ask_message(channel, request.locale), response_type="ephemeral")


def confirm_post(request: Interaction[NoMetadata]) -> None:
    """Post on the message `post` asked with: queued once, and the message says it is on its way."""
    request.ack()
    deps, caller, asked = request.deps, request.caller, request.value(str)
    if not can_post_digest(caller):
        raise NotAllowed("error.only_roles", who=role_names(MANAGERS, caller.locale), command="digest post")
    with deps.session_factory.begin() as session:
        claim(session)
        channel = messages.post_as_asked(session, caller, asked, now=deps.clock(), sections=deps.pages.digest)
    deps.kick()
    request.replace_message(blocks.notice(t("digest.posting", caller.locale, channel=channel)))


def cancel_post(request: Interaction[NoMetadata]) -> None:
    request.ack()
    with request.deps.session_factory.begin() as session:
        claim(session)
    request.replace_message(blocks.notice(t("answers.digest.cancelled", request.locale)))


def status(request: CommandRequest) -> None:
    """A manager's team (an admin's workspace), one rep or a vendor's reps, as the digest shows them; under
    one rep the caller may see (`can_manage`), what other features add (`extras.STATUS`: the CRM's open
    pipeline), in the caller's language."""
    caller, args = request.caller, request.args
    rep_ids = mentions(args) if args and args[0].lower() != "vendor" else []
    if caller.role is Role.REP or (rep_ids and rep_ids[0] == caller.member.user_id):
        return own_status(request)
    with request.deps.session_factory() as session:
        scope, seen = service.own_scope(request.caller), None
        if rep_ids:
            rep = request.deps.directory.member(caller.team_id, rep_ids[0])
            if not can_manage(caller, rep):
                raise NotAllowed("goal.not_your_rep", user=rep.user_id)
            scope = service.Scope(caller.team_id, rep_id=rep.id)
            seen = extras.RepStatus(caller.team_id, rep.id, rep.user_id, caller, request.deps.clock())
        elif args:
            if len(args) < 2:
                raise Invalid("status.vendor_name")
            vendor = vendor_named(session, team_id=caller.team_id, name=" ".join(args[1:]))
            scope = service.Scope(caller.team_id, manager_id=scope.manager_id, vendor_id=vendor.id)
        week = weeks.status_week(session, scope, request.deps.clock())  # this week on a goal's first days
        title = "status.in_progress.title" if week.in_progress else "status.title"
        parts = views.digest_messages(
            service.build(session, scope, week.start), request.locale, title_key=title
        )
        added = extras.status_parts(session, seen) if seen is not None else []
    request.reply(parts[0]["text"], views.under_status(parts[0]["blocks"], added, request.locale))


def own_status(request: CommandRequest) -> None:
    """A rep's own goals: result, pace, projection and what each week still needs; under them, what other
    features add (`extras.STATUS`: the CRM's open pipeline), as under their status seen by their manager."""
    caller = request.caller
    with request.deps.session_factory() as session:
        scope = service.Scope(caller.team_id, rep_id=caller.member.id)
        week = weeks.status_week(session, scope, request.deps.clock())
        rows = goals.visible_goals(session, caller=caller, rep=None, through=week.start)
        text, body = goal_views.goals_list(rows, request.locale)
        own = extras.RepStatus(
            caller.team_id, caller.member.id, caller.member.user_id, caller, request.deps.clock()
        )
        added = extras.status_parts(session, own)
    request.reply(text, views.under_status(body, added, request.locale))


def _channel_arg(word: str) -> str:
    match = CHANNEL.match(word)
    if match is None:
        raise Invalid("digest.channel_mention", word=word)
    return match.group(1)


def team_channel(request: CommandRequest) -> None:
    if len(request.args) != 1 or request.caller.role is not Role.MANAGER:
        raise Invalid("digest.team_channel_usage")
    channel = _channel_arg(request.args[0])
    with request.deps.session_factory.begin() as session:
        session.get_one(Member, request.caller.member.id).team_channel_id = channel
    request.reply(request.t("digest.team_channel_set", channel=channel))


def vendor_channel(request: CommandRequest) -> None:
    """Admins, or the manager whose team has all of the vendor's reps; the vendor's contact is told."""
    if len(request.args) < 2:
        raise Invalid("digest.vendor_channel_usage")
    channel = _channel_arg(request.args[-1])
    now = request.deps.clock()
    with request.deps.session_factory.begin() as session:
        vendor = vendor_named(session, team_id=request.caller.team_id, name=" ".join(request.args[:-1]))
        route_vendor(session, request.caller, vendor, channel)
        contact = (
            find_member(session, team_id=vendor.team_id, user_id=vendor.contact_user_id)
            if vendor.contact_user_id
            else None
        )
        if contact is not None and contact.active:
            locale = locale_of(contact, session.get_one(Workspace, contact.team_id))
            notice = messages.vendor_channel_notice(
                vendor, contact, request.caller.member.user_id, locale, now
            )
            enqueue(session, [notice], now=now)
    request.deps.kick()
    told = {"contact": contact.user_id} if contact is not None and contact.active else {}
    key = "answers.settings.vendor_contact_told" if told else "digest.vendor_channel_set"
    request.reply(request.t(key, vendor=vendor.name, channel=channel, **told))


def register(app: App, deps: Deps, commands: Commands) -> None:
    commands.add_group(Group.GOALS, (5, "status [@rep | vendor <name>]", "help.status", EVERYONE, status))
    commands.add_group(
        Group.TEAM,
        (20, "digest preview", "help.digest_preview", MANAGERS, preview),
        (25, "digest post", "help.digest_post", MANAGERS, post),
        (60, "team channel #channel", "help.team_channel", ONLY_MANAGERS, team_channel),
        (70, "vendor channel <name> #channel", "help.vendor_channel", MANAGERS, vendor_channel),
    )

    @app.action(Action.DIGEST_POST_CONFIRM.value)
    @acts(deps)
    def post_digest(request: Interaction[NoMetadata]) -> None:
        confirm_post(request)

    @app.action(Action.DIGEST_POST_CANCEL.value)
    @acts(deps)
    def cancel_digest(request: Interaction[NoMetadata]) -> None:
        cancel_post(request)
