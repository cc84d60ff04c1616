"""`/pacer kudos @rep [points] <reason> #value [private]`, `/pacer kudos boost @manager <points>` (admins)
and the admin's **Approve** / **Reject** of a held kudos."""

from __future__ import annotations

import re

from slack_bolt import App
from sqlalchemy import select

from bot import format as fmt
from bot.errors import Invalid, NotAllowed
from bot.i18n import t
from bot.recognition import allowance, giving, views
from bot.recognition.rules import Draft, read_words
from bot.recognition.settings import load_config
from bot.recognition.views import RecognitionIds
from bot.roster.models import Member
from bot.slack import blocks
from bot.slack.commands import ADMINS, EVERYONE, CommandRequest, Commands, Group, role_names, user_id_of
from bot.slack.deps import Deps
from bot.slack.idempotency import claim
from bot.slack.interaction import Interaction, NoMetadata, acts
from bot.workspaces.models import Workspace

BOARD_TOP = 5  # the month's most recognised `/pacer kudos` shows (never a bottom)


def register(app: App, deps: Deps, commands: Commands) -> None:
    commands.add_group(
        Group.RECOGNITION,
        (
            10,
            "kudos @person [points] <reason> #value [private]",
            "recognition.help.kudos",
            EVERYONE,
            give_command,
        ),
        (20, "kudos boost @manager <points>", "recognition.help.boost", ADMINS, boost_command),
    )

    @app.action(RecognitionIds.APPROVE.value)
    @acts(deps)
    def approve_kudos(request: Interaction[NoMetadata]) -> None:
        review_kudos(request, approve=True)

    @app.action(RecognitionIds.REJECT.value)
    @acts(deps)
    def reject_kudos(request: Interaction[NoMetadata]) -> None:
        review_kudos(request, approve=False)


def mentioned_id(request: CommandRequest, usage: str) -> str:
    """The Slack user id the first word mentions."""
    user_id = user_id_of(request.args[0]) if request.args else None
    if user_id is None:
        raise Invalid("recognition.errors.usage", usage=usage)
    return user_id


def mentioned(request: CommandRequest, usage: str) -> tuple[Member, list[str]]:
    """The person the first word mentions (asked of Slack if Pacer does not know them), and the rest."""
    user_id = mentioned_id(request, usage)
    return request.deps.directory.member(request.caller.team_id, user_id), request.args[1:]


def send_kudos(deps: Deps, caller_id: int, receiver: Member, draft: Draft) -> tuple[giving.Given, str | None]:
    """Give the kudos in one unit of work; the result and the recognition channel. The caller refreshes
    the receiver's Home (`deps.on_change`) once it has answered Slack."""
    with deps.session_factory.begin() as session:
        claim(session)  # a modal's submission acts once (nothing for a command)
        giver = session.get_one(Member, caller_id)
        workspace = session.get_one(Workspace, giver.team_id)
        config = load_config(session, giver.team_id)
        given = giving.give(
            session,
            giver=giver,
            receiver=session.get_one(Member, receiver.id),
            draft=draft,
            config=config,
            workspace=workspace,
            now=deps.clock(),
            admins=deps.settings.pacer_admins,
        )
        session.expunge(given.kudos)
    deps.kick()
    return given, config.channel_id


def show_overview(request: CommandRequest) -> None:
    """`/pacer kudos` alone: the caller's allowance left and the month's most recognised (top five)."""
    deps, caller = request.deps, request.caller
    with deps.session_factory() as session:
        me = session.get_one(Member, caller.member.id)
        month = allowance.month_of(me, session.get_one(Workspace, caller.team_id), deps.clock())
        balance = allowance.balance(session, me, month, load_config(session, caller.team_id))
        top = allowance.leaderboard(session, caller.team_id, month, top=BOARD_TOP)
        ids = [standing.member_id for standing in top]
        users = {
            m: u for m, u in session.execute(select(Member.id, Member.user_id).where(Member.id.in_(ids)))
        }
    found = [(users[standing.member_id], standing.points) for standing in top]
    request.reply(views.overview(balance, found, request.locale))


def give_command(request: CommandRequest) -> None:
    if not request.args:
        return show_overview(request)
    """Words that do not read are answered in the ack; else Slack is answered first, then the kudos is
    given (asking Slack about the receiver if Pacer does not know them yet) and the answer follows
    through the response URL once the receiver's Home is refreshed."""
    deps = request.deps
    user_id = mentioned_id(request, "kudos @person [points] <reason> #value [private]")
    draft = read_words(request.args[1:])
    request.ack()
    receiver = deps.directory.member(request.caller.team_id, user_id)
    given, channel = send_kudos(deps, request.caller.member.id, receiver, draft)
    deps.on_change(receiver.team_id, [receiver.user_id])
    answer = views.given_answer(given.kudos, receiver.user_id, given.balance, channel, request.locale)
    request.respond(**blocks.message(answer), response_type="ephemeral")


def boost_command(request: CommandRequest) -> None:
    manager, words = mentioned(request, "kudos boost @manager <points>")
    if len(words) != 1 or not re.fullmatch(r"[0-9]{1,6}", words[0]):
        raise Invalid("recognition.errors.boost_invalid", max=allowance.BOOST_MAX)
    deps = request.deps
    with deps.session_factory.begin() as session:
        by = session.get_one(Member, request.caller.member.id)
        target = session.get_one(Member, manager.id)
        workspace = session.get_one(Workspace, by.team_id)
        month = allowance.boost(
            session, by=by, manager=target, points=int(words[0]), workspace=workspace, now=deps.clock()
        )
        left = allowance.balance(session, target, month, load_config(session, by.team_id))
    request.reply(
        t(
            "recognition.boost.done",
            request.locale,
            user=manager.user_id,
            points=views.points(int(words[0]), request.locale),
            month=fmt.month_text(month, request.locale),
            left=views.points(left.left, request.locale),
        )
    )


def review_kudos(request: Interaction[NoMetadata], *, approve: bool) -> None:
    """An admin's Approve or Reject: the first decides; the message shows what was decided."""
    request.ack()
    kudos_id = request.value(int)
    caller = request.caller
    if not caller.is_admin():
        raise NotAllowed("error.only_roles", who=role_names(ADMINS, caller.locale), command="kudos review")
    deps = request.deps
    with deps.session_factory.begin() as session:
        claim(session)
        reviewer = session.get_one(Member, caller.member.id)
        workspace = session.get_one(Workspace, reviewer.team_id)
        kudos = giving.review(
            session,
            kudos_id=kudos_id,
            reviewer=reviewer,
            approve=approve,
            config=load_config(session, reviewer.team_id),
            workspace=workspace,
            now=deps.clock(),
        )
        giver, receiver = session.get_one(Member, kudos.giver_id), session.get_one(Member, kudos.receiver_id)
        message = views.reviewed_message(
            kudos, giver.user_id, receiver.user_id, reviewer.user_id, caller.locale
        )
    deps.kick()
    deps.on_change(caller.team_id, [caller.member.user_id])  # from the Home tab: its list goes
    request.replace_message(message)
