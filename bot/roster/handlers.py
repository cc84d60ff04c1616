"""Roster commands (`manager`, `vendor`, `team`, `language`, `country`, `away`, `back`) and the
`user_change` event."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, BoltContext

from bot import calendar
from bot import format as fmt
from bot.audit import service as audit
from bot.errors import Invalid
from bot.goals.dates import date_window, read_date
from bot.i18n import t
from bot.roster import service, views
from bot.roster.models import Member
from bot.slack import blocks
from bot.slack.commands import (
    ADMINS,
    EVERYONE,
    MANAGERS,
    CommandRequest,
    Commands,
    Group,
    mentions,
    user_id_of,
)
from bot.slack.deps import Deps
from bot.text import join
from bot.workspaces.models import Workspace

MENTIONS_MAX = 25  # people one command may name (a team added at once); the answer must come within 3 s


def _members(request: CommandRequest, user_ids: list[str]) -> list[Member]:
    """The people a command mentions, bounded: each unknown one is a `users.info` call before the answer."""
    if not user_ids:
        raise Invalid("command.mention_needed")
    if len(user_ids) > MENTIONS_MAX:
        raise Invalid("command.too_many_mentions", max=MENTIONS_MAX)
    return request.deps.directory.members(request.caller.team_id, user_ids)


def _one_member(request: CommandRequest) -> Member:
    members = _members(request, mentions(request.args))
    if len(members) != 1:
        raise Invalid("command.one_mention")
    return members[0]


def manager_add(request: CommandRequest) -> None:
    member = _one_member(request)
    with request.deps.session_factory.begin() as session:
        service.add_manager(session.merge(member))
        audit.record(session, member.team_id, request.caller.member.id, "role.manager", member.user_id)
    request.reply(request.t("manager.added", user=member.user_id))


def manager_remove(request: CommandRequest) -> None:
    member = _one_member(request)
    with request.deps.session_factory.begin() as session:
        orphans = service.remove_manager(session, session.merge(member), now=request.deps.clock())
        audit.record(session, member.team_id, request.caller.member.id, "role.rep", member.user_id, n=orphans)
    request.reply(request.t("manager.removed", user=member.user_id, reps=orphans))


def vendor_add(request: CommandRequest) -> None:
    words = list(request.args)
    contact = user_id_of(words[-1]) if words else None
    if contact is not None:
        words.pop()
        request.deps.directory.active_member(request.caller.team_id, contact)  # a real, active Slack user
    with request.deps.session_factory.begin() as session:
        vendor = service.add_vendor(
            session, team_id=request.caller.team_id, name=" ".join(words), contact_user_id=contact
        )
    request.reply(request.t("vendor.added", name=vendor.name))


def vendor_list(request: CommandRequest) -> None:
    with request.deps.session_factory() as session:
        text, body = views.vendor_list(
            service.list_vendors(session, team_id=request.caller.team_id), request.locale
        )
    request.reply(text, body)


def team_list(request: CommandRequest) -> None:
    caller = request.caller
    manager_id = None if caller.is_admin() else caller.member.id
    with request.deps.session_factory() as session:
        reps = service.team_members(session, team_id=caller.team_id, manager_id=manager_id)
        text, body = views.team_list(reps, request.locale, by_manager=caller.is_admin())
    request.reply(text, body)


def _parse_team_add(args: list[str]) -> tuple[list[str], str | None, str | None]:
    """`@a @b [vendor <name…>] [manager @m]` → (rep ids, vendor name, manager id)."""
    reps: list[str] = []
    vendor: list[str] | None = None
    manager: str | None = None
    words = iter(args)
    for word in words:
        keyword = word.lower()
        if keyword == "vendor":
            vendor = []
        elif keyword == "manager":
            manager = user_id_of(next(words, ""))
            if manager is None:
                raise Invalid("team.manager_mention")
        elif vendor is not None:
            vendor.append(word)
        else:
            reps.extend(mentions([word]))
    if vendor is not None and not vendor:
        raise Invalid("team.vendor_name")
    return reps, " ".join(vendor) if vendor is not None else None, manager


def team_add(request: CommandRequest) -> None:
    rep_ids, vendor_name, manager_id = _parse_team_add(request.args)
    team_id = request.caller.team_id
    reps = _members(request, rep_ids)
    manager = request.deps.directory.member(team_id, manager_id) if manager_id else None
    with request.deps.session_factory.begin() as session:
        boss = service.managing(request.caller, session.merge(manager) if manager else None)
        vendor = service.vendor_named(session, team_id=team_id, name=vendor_name) if vendor_name else None
        service.add_to_team(
            request.caller,
            reps=[session.merge(rep) for rep in reps],
            manager=boss,
            vendor=vendor,
            now=request.deps.clock(),
        )
    names = join(", ", [blocks.mention(rep.user_id) for rep in reps])
    request.reply(request.t("team.added", reps=names, manager=boss.user_id, count=len(reps)))


def team_remove(request: CommandRequest) -> None:
    rep = _one_member(request)
    with request.deps.session_factory.begin() as session:
        service.remove_from_team(request.caller, session.merge(rep), now=request.deps.clock())
    request.reply(request.t("team.removed", user=rep.user_id))


def language(request: CommandRequest) -> None:
    if len(request.args) != 1:
        raise Invalid("language.usage")
    code = request.args[0].lower()
    with request.deps.session_factory.begin() as session:
        member = session.get_one(Member, request.caller.member.id)  # the caller's row, to change
        service.set_language(member, code)
        language = service.locale_of(member, session.get_one(Workspace, member.team_id))
    request.reply(t("language.set", language))


def country(request: CommandRequest) -> None:
    """The member's own country for public holidays (`none` clears it: the workspace's applies)."""
    if len(request.args) != 1:
        raise Invalid("country.unknown", code=" ".join(request.args))
    code = request.args[0].upper()
    with request.deps.session_factory.begin() as session:
        member = session.get_one(Member, request.caller.member.id)
        member.country = service.country_code(code)
    reply = request.t("country.cleared") if member.country is None else request.t("country.set", country=code)
    request.reply(reply)


def away(request: CommandRequest) -> None:
    words = [w for w in request.args if w.lower() not in {"to", "until", "-", "–", "至", "到"}]
    first, last = [read_date(w) for w in words] if len(words) == 2 else (None, None)
    if first is None or last is None or last < first:
        raise Invalid("away.usage")
    earliest, latest = date_window(request.deps.clock().date())
    if not (earliest <= first and last <= latest):
        raise Invalid("away.range", earliest=earliest.isoformat(), latest=latest.isoformat())
    with request.deps.session_factory.begin() as session:
        member = session.get_one(Member, request.caller.member.id)
        member.away_from, member.away_until = first, last
        zone = calendar.member_zone(member, session.get_one(Workspace, member.team_id))
    start, end = (fmt.slack_day(day, zone, request.locale, "year") for day in (first, last))
    request.reply(request.t("away.set", start=start, end=end))


def back(request: CommandRequest) -> None:
    with request.deps.session_factory.begin() as session:
        member = session.get_one(Member, request.caller.member.id)
        member.away_from = member.away_until = None
    request.reply(request.t("away.back"))


def register(app: App, deps: Deps, commands: Commands) -> None:
    commands.add_group(
        Group.TEAM,
        (10, "team", "help.team", MANAGERS, team_list),
        (12, "team add @rep [@rep…] [vendor <name>] [manager @manager]", "help.team_add", MANAGERS, team_add),
        (14, "team remove @rep", "help.team_remove", MANAGERS, team_remove),
        (40, "vendor list", "help.vendor_list", MANAGERS, vendor_list),
        (42, "vendor add <name> [@contact]", "help.vendor_add", MANAGERS, vendor_add),
        (80, "manager add @user", "help.manager_add", ADMINS, manager_add),
        (82, "manager remove @user", "help.manager_remove", ADMINS, manager_remove),
    )
    commands.add_group(
        Group.CHECKINS,
        (20, "away <YYYY-MM-DD> to <YYYY-MM-DD>", "help.away", EVERYONE, away),
        (22, "back", "help.back", EVERYONE, back),
    )
    commands.add_group(
        Group.SETTINGS,
        (20, "language en|zh", "help.language", EVERYONE, language),
        (30, "country <code>", "help.country", EVERYONE, country),
    )

    @app.event("user_change")
    def on_user_change(event: dict[str, Any], context: BoltContext) -> None:
        team_id = context.team_id or event.get("user", {}).get("team_id")
        if team_id:
            deps.directory.refresh(str(team_id), event["user"])
