"""`/pacer help` lists what the caller's role may run, and the router's roles are the README's: each role's
help is checked against the README's command table (transcribed below), and the README lists exactly the
router's commands."""

from __future__ import annotations

import html
import re
from pathlib import Path
from unittest.mock import MagicMock

import pytest

from bot.features import FEATURES
from bot.roster.models import Member, Role
from bot.roster.policy import Caller
from bot.slack import commands as router
from bot.slack.commands import Commands, help_blocks
from tests.support.people import ADMIN, MARIA, REP_EN
from tests.support.slack_peer import SlackPeer

README = Path(__file__).resolve().parents[2] / "README.md"
EVERYONE = [
    "help",
    "language en|zh",
    "country <code>",
    "goal [@rep]",
    "goal edit <id>",
    "goal close <id>",
    "goals [@rep]",
    "away <YYYY-MM-DD> to <YYYY-MM-DD>",
    "back",
    "status [@rep | vendor <name>]",
    "feedback list",
    "escalations",  # a vendor's contact, whatever their role; others are told who may
]
ADMINS_AND_MANAGERS = [
    "vendor add <name> [@contact]",
    "vendor list",
    "vendor channel <name> #channel",
    "team",
    "team add @rep [@rep…] [vendor <name>] [manager @manager]",
    "team remove @rep",
    "digest preview",
    "digest post",
    "feedback @rep",
    "escalate @rep [text]",
]
HELP = {
    Role.REP: [*EVERYONE, "checkin", "feedback"],
    Role.MANAGER: [*EVERYONE, *ADMINS_AND_MANAGERS, "team channel #channel"],
    Role.ADMIN: [
        *EVERYONE,
        *ADMINS_AND_MANAGERS,
        "checkin",
        "setup",
        "manager add @user",
        "manager remove @user",
    ],
}


def all_commands() -> Commands:
    commands = Commands()
    router.register(MagicMock(), MagicMock(), commands)
    for feature in FEATURES:
        if feature.register is not None:
            feature.register(MagicMock(), MagicMock(), commands)
    return commands


def usages(help_text: str) -> list[str]:
    """The usage at the start of each help line (`/pacer usage` — what it does), unescaped."""
    found = re.findall(r"^`/pacer ([^`]*)` — ", help_text, flags=re.MULTILINE)
    return sorted(html.unescape(usage) for usage in found)


def caller(role: Role) -> Caller:
    return Caller(member=Member(id=1, team_id="T1", user_id="U1", role=Role.REP), role=role, locale="en")


@pytest.mark.parametrize("role", list(Role))
def test_help_lists_what_the_role_may_run(role: Role) -> None:
    text, _ = help_blocks(all_commands(), caller(role))
    assert usages(text) == sorted(HELP[role])


def words(usage: str) -> tuple[str, ...]:
    return tuple(re.findall(r"^(?:[a-z]+(?: |$))*", usage)[0].split())


def test_the_readme_lists_exactly_the_routers_commands() -> None:
    text = README.read_text(encoding="utf-8")
    table = text[text.index("## Using it in Slack") : text.index("Admins are Slack workspace owners")]
    in_readme = {words(usage) for usage in re.findall(r"`/pacer ([^`]*)`", table)}
    in_router = {sub.words for sub in all_commands().subcommands}
    assert in_readme == in_router


@pytest.mark.e2e
@pytest.mark.parametrize(("user", "role"), [(REP_EN, Role.REP), (MARIA, Role.MANAGER), (ADMIN, Role.ADMIN)])
def test_help_over_http_for_each_role(slack: SlackPeer, user: str, role: Role) -> None:
    if role is Role.MANAGER:
        slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    text = slack.command("help", user_id=user).json()["text"]
    assert f"(you are a {role.value})" in text
    assert usages(text) == sorted(HELP[role])
