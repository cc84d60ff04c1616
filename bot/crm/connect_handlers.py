"""`/pacer crm connect zoho|fxiaoke`, `/pacer crm map` and `/pacer crm status` (admins).

`connect zoho` answers the admin alone with a link button to Zoho's consent page (the state bound to the
workspace and the admin, `connecting.start_zoho`); the browser comes back to `bot.crm.web`. `connect
fxiaoke` opens a modal (`fxiaoke.py`). `map` lists the CRM owners no member is matched to in the ack (no
Slack call before it), then tries their emails against the members' Slack emails and, when that matched
some, answers again with who is left; or it maps one by hand: `/pacer crm map <owner> @rep`."""

from __future__ import annotations

import httpx
from slack_bolt import App

from bot.audit import service as audit
from bot.crm import connecting, owners, status, syncing
from bot.crm.integrations.zoho import ZohoOAuth
from bot.crm.settings import CrmSettings
from bot.db import database_now
from bot.errors import Invalid
from bot.slack import blocks
from bot.slack.commands import ADMINS, CommandRequest, Commands, Group, mentions
from bot.slack.deps import Deps
from bot.slack.interaction import Interaction, NoMetadata, acts
from bot.text import join, mention, one_line

CONNECT_LINK = "crm_connect_link"
MAX_LISTED = 40


def register(app: App, deps: Deps, commands: Commands) -> None:
    from bot.crm import fxiaoke

    commands.add_group(
        Group.CRM,
        (30, "crm connect zoho", "crm.connect.zoho_help", ADMINS, connect_zoho),
        (31, "crm connect fxiaoke", "crm.connect.fxiaoke_help", ADMINS, fxiaoke.open_form),
        (40, "crm map [<owner> @rep]", "crm.map.help", ADMINS, map_owners),
        (50, "crm status", "crm.status.help", ADMINS, show_status),
    )
    fxiaoke.register(app, deps)

    @app.action(CONNECT_LINK)
    @acts(deps)
    def follow_link(request: Interaction[NoMetadata]) -> None:
        request.ack()  # the link opens in the browser; Slack still tells the app it was clicked


def connect_zoho(request: CommandRequest) -> None:
    app = CrmSettings().zoho_app()
    if app is None:
        raise Invalid("crm.connect.zoho_not_set_up")
    caller = request.caller
    with request.deps.session_factory.begin() as session:
        now = database_now(session)  # the callback may reach another process: both read this clock
        state = connecting.start_zoho(session, caller.team_id, caller.member.user_id, now=now)
    with httpx.Client() as http:  # building the URL calls nothing
        url = ZohoOAuth(app, http, CrmSettings().centres()).authorize_url(state)
    text = request.t("crm.connect.zoho_link")
    button = blocks.button(CONNECT_LINK, request.t("crm.connect.zoho_button"), primary=True) | {"url": url}
    request.reply(text, [blocks.section(text), {"type": "actions", "elements": [button]}])


def map_owners(request: CommandRequest) -> None:
    caller, deps = request.caller, request.deps
    if request.args:
        if len(request.args) != 2:
            raise Invalid("crm.map.usage")
        rep = deps.directory.active_member(caller.team_id, mentions(request.args[1:])[0])
        with deps.session_factory.begin() as session:
            owner = owners.map_by_hand(
                session, caller.team_id, request.args[0], session.merge(rep), now=deps.clock()
            )
            label = one_line(owner.email or owner.name or owner.external_id, 80)
            # the rep's Slack id as the subject: `pacer erase` relabels it (the owner's CRM id is no person)
            audit.record(
                session,
                caller.team_id,
                caller.member.id,
                "crm.map",
                rep.user_id,
                provider=owner.provider,
                owner=owner.external_id,
            )
        request.reply(request.t("crm.map.mapped", owner=label, rep=mention(rep.user_id)))
        return
    request.reply(*_unmapped(request))
    # After the ack: one users.info per member to look up (many, in a large workspace).
    emails = syncing.slack_emails(lambda team_id: request.client)
    with deps.session_factory.begin() as session:
        matched = syncing.match_members(session, caller.team_id, emails, now=deps.clock())
        if matched:
            audit.record(session, caller.team_id, caller.member.id, "crm.map", "by email", matched=matched)
    if matched:
        text, more = _unmapped(request)
        head = request.t("crm.map.matched", count=matched)
        request.respond(
            **blocks.message(
                join("\n", [head, text]), [blocks.section(head), *(more or [blocks.section(text)])]
            ),
            response_type="ephemeral",
            replace_original=False,
        )


def _unmapped(request: CommandRequest) -> tuple[str, list[blocks.Block]]:
    """The CRM owners no member is matched to, a line each (the first `MAX_LISTED`); or that none is."""
    with request.deps.session_factory() as session:
        left = owners.unmapped(session, request.caller.team_id)
        lines = [
            request.t(
                "crm.map.owner", name=one_line(o.name, 60), email=one_line(o.email, 80), id=o.external_id
            )
            for o in left[:MAX_LISTED]
        ]
    if not left:
        return request.t("crm.map.none"), []
    head = request.t("crm.map.unmapped", count=len(left))
    return head, [blocks.section(head), *blocks.sections_from_lines(lines, max_blocks=8)]


def show_status(request: CommandRequest) -> None:
    with request.deps.session_factory() as session:
        found = status.statuses(session, request.caller.team_id)
    if not found:
        request.reply(request.t("crm.status.none"))
        return
    lines = [status.line(item, request.locale) for item in found]
    head = request.t("crm.status.title")
    request.reply(head, [blocks.section(head), *blocks.sections_from_lines(lines, max_blocks=4)])
