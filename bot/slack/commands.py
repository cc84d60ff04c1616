"""The `/pacer` router: split the text, find the subcommand, check the caller's role, run its handler."""

from __future__ import annotations

import itertools
import re
import shlex
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from slack_bolt import Ack, App, BoltContext, Respond
from slack_sdk import WebClient

from bot.errors import Invalid, NotAllowed
from bot.i18n import Locale, t
from bot.roster.models import Role
from bot.roster.service import Caller
from bot.slack import blocks
from bot.slack.deps import Deps
from bot.slack.errors import reported_after_ack
from bot.slack.state import clean
from bot.text import join, render

MENTION = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
EVERYONE = frozenset(Role)
MANAGERS = frozenset({Role.ADMIN, Role.MANAGER})
ADMINS = frozenset({Role.ADMIN})
REPS = frozenset({Role.REP})
ONLY_MANAGERS = frozenset({Role.MANAGER})  # about a manager's own team, which an admin does not have
COMMAND_TEXT_MAX = 4000  # more than any subcommand needs; longer text is refused before it is split


@dataclass
class CommandRequest:
    """One `/pacer` invocation, already verified, parsed and attributed to a caller."""

    caller: Caller
    args: list[str]
    body: dict[str, Any]
    ack: Ack
    client: WebClient
    respond: Respond
    deps: Deps

    @property
    def locale(self) -> Locale:
        return self.caller.locale

    def reply(self, text: str, extra_blocks: list[blocks.Block] | None = None) -> None:
        """Answer the caller only (ephemeral), in the acknowledgement itself."""
        self.ack(**blocks.message(text, extra_blocks), response_type="ephemeral")

    def t(self, key: str, **values: Any) -> str:
        return t(key, self.caller.locale, **values)


Handler = Callable[[CommandRequest], None]


class Group(StrEnum):
    """The tasks `/pacer help` groups commands by, in the order it shows them."""

    CHECKINS = "checkins"
    GOALS = "goals"
    TEAM = "team"
    FEEDBACK = "feedback"
    REVIEWS = "reviews"
    TRAINING = "training"
    RECOGNITION = "recognition"
    INCENTIVES = "incentives"
    CRM = "crm"
    SETTINGS = "settings"


GROUPS = tuple(Group)


@dataclass(frozen=True)
class Subcommand:
    words: tuple[str, ...]
    usage: str  # the syntax after `/pacer`, not translated
    help_key: str  # what it does, translated
    roles: frozenset[Role]
    handler: Handler
    group: Group = Group.SETTINGS
    rank: int = 50  # within its group, the common ones first (lowest rank)

    @property
    def name(self) -> str:
        return " ".join(self.words)


@dataclass
class Commands:
    subcommands: list[Subcommand] = field(default_factory=list)
    help_cache: dict[tuple[Role, Locale], tuple[str, list[blocks.Block]]] = field(default_factory=dict)

    def add(
        self,
        usage: str,
        *,
        help_key: str,
        roles: frozenset[Role],
        handler: Handler,
        group: Group = Group.SETTINGS,
        rank: int = 50,
    ) -> None:
        """`group` is the task `/pacer help` shows it under; `rank` puts the common ones first in it."""
        words = tuple(itertools.takewhile(lambda word: word.isalpha() and word.islower(), usage.split()))
        self.subcommands.append(Subcommand(words, usage, help_key, roles, handler, group, rank))
        self.help_cache.clear()
        # The longest match wins: "team add" before "team".
        self.subcommands.sort(key=lambda sub: len(sub.words), reverse=True)

    def add_group(self, group: Group, *entries: tuple[int, str, str, frozenset[Role], Handler]) -> None:
        """Several commands of one help group: each `(rank, usage, help key, roles, handler)`."""
        for rank, usage, help_key, roles, handler in entries:
            self.add(usage, help_key=help_key, roles=roles, handler=handler, group=group, rank=rank)

    def match(self, tokens: list[str], role: Role | None = None) -> tuple[Subcommand | None, list[str]]:
        """The subcommand the tokens name, and its arguments. When two share their words (`feedback @rep`
        for managers, `feedback` for reps: one handler, told apart in the help), the one `role` may run."""
        lowered = [token.lower() for token in tokens]
        named = [sub for sub in self.subcommands if tuple(lowered[: len(sub.words)]) == sub.words]
        if not named:
            return None, tokens
        longest = [sub for sub in named if len(sub.words) == len(named[0].words)]
        sub = next((sub for sub in longest if role in sub.roles), longest[0])
        return sub, tokens[len(sub.words) :]

    def allowed(self, role: Role) -> list[Subcommand]:
        """What `role` may run, by group, the common ones first within each."""
        return sorted(
            (sub for sub in self.subcommands if role in sub.roles),
            key=lambda sub: (GROUPS.index(sub.group), sub.rank, sub.usage),
        )

    def grouped(self, role: Role) -> list[tuple[Group, list[Subcommand]]]:
        """`allowed(role)` by group, in `GROUPS` order; a group with nothing the role may run is left out."""
        return [
            (group, subs)
            for group, found in itertools.groupby(self.allowed(role), key=lambda sub: sub.group)
            if (subs := list(found))
        ]


def split_args(text: str) -> list[str]:
    """Words of the command text; quotes group words ("Acme Sales"), a stray quote is kept literally.
    Control characters are dropped first; text over `COMMAND_TEXT_MAX` is refused (bounded work)."""
    if len(text) > COMMAND_TEXT_MAX:
        raise Invalid("command.too_long", max=COMMAND_TEXT_MAX)
    text = clean(text, COMMAND_TEXT_MAX)
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


def user_id_of(token: str) -> str | None:
    match = MENTION.match(token)
    return match.group(1) if match else None


def mentions(tokens: Iterable[str]) -> list[str]:
    """The user ids mentioned, in order; a word that is not a mention raises Invalid."""
    ids: list[str] = []
    for token in tokens:
        user_id = user_id_of(token)
        if user_id is None:
            raise Invalid("command.not_a_mention", word=token)
        if user_id not in ids:
            ids.append(user_id)
    return ids


def role_names(roles: frozenset[Role], locale: Locale) -> str:
    names = [t(f"role.plural.{role.value}", locale) for role in Role if role in roles]
    return t("list.or", locale, first=join(", ", names[:-1]), last=names[-1]) if len(names) > 1 else names[0]


def help_blocks(commands: Commands, caller: Caller) -> tuple[str, list[blocks.Block]]:
    """What the caller's role may run, by task, in their language; built once per role and language."""
    key = (caller.role, caller.locale)
    if key not in commands.help_cache:
        locale = caller.locale
        title = t("help.title", locale, role=t(f"role.{caller.role.value}", locale))
        text_lines: list[str] = [title]
        body = [blocks.header(title)]
        for group, subs in commands.grouped(caller.role):
            heading = t("help_groups.heading", locale, group=t(f"help_groups.{group.value}", locale))
            lines = [
                render("`/pacer {usage}` — {what}", usage=sub.usage, what=t(sub.help_key, locale))
                for sub in subs
            ]
            text_lines += [heading, *lines]
            body += blocks.sections_from_lines([heading, *lines], max_blocks=8)
        body.append(blocks.context(t("help.footer", locale)))
        commands.help_cache[key] = (join("\n", text_lines), body[: blocks.MESSAGE_BLOCKS_MAX])
    return commands.help_cache[key]


def register(app: App, deps: Deps, commands: Commands) -> None:
    def show_help(request: CommandRequest) -> None:
        text, body = help_blocks(commands, request.caller)
        request.reply(text, body)

    commands.add_group(Group.SETTINGS, (90, "help", "help.help", EVERYONE, show_help))

    @app.command("/pacer")
    @reported_after_ack(deps)
    def dispatch(
        ack: Ack, body: dict[str, Any], client: WebClient, respond: Respond, context: BoltContext
    ) -> None:
        caller = deps.caller_of(body, context)  # also kept for the error handler
        tokens = split_args(str(body.get("text") or ""))  # bounded: see COMMAND_TEXT_MAX
        sub, args = commands.match(tokens, caller.role)
        request = CommandRequest(caller, args, body, ack, client, respond, deps)
        if sub is None:
            return show_help(request)
        if caller.role not in sub.roles:
            raise NotAllowed("error.only_roles", who=role_names(sub.roles, caller.locale), command=sub.name)
        sub.handler(request)
