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
from bot.slack.commands import GROUPS, Commands, help_blocks
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
    "review [@rep]",
    "review peers @rep @peer…",
    "kudos @person [points] <reason> #value [private]",
    "incentives",
    "incentives ledger",  # admins, and a vendor's contact whatever their role; others are told who may
    "training [@rep | vendor <name> | course <name>]",
    "learn [<category>]",
    "export",  # admins, managers, and a vendor's contact whatever their role; others are told who may
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
    "review input @rep satisfaction|expansion <figure> [quarter <YYYYQn>] <note>",
    "review import",
    "scorecards [vendor <name>] [quarter <YYYYQn>]",
    "kudos badge [vendor <name>]",
    "train [@rep|team <name>|vendor <name>|everyone <course> due <YYYY-MM-DD> [optional] "
    "[recertify <N> days]]",
    "courses",
    "learn add <category> <url> <title>",
]
HELP = {
    Role.REP: [*EVERYONE, "checkin", "feedback", 'learn log <minutes> "<what>" [<takeaway>]'],
    Role.MANAGER: [*EVERYONE, *ADMINS_AND_MANAGERS, "team channel #channel"],
    Role.ADMIN: [
        *EVERYONE,
        *ADMINS_AND_MANAGERS,
        "checkin",
        "setup",
        "setup reviews",
        "kudos boost @manager <points>",
        "setup recognition",
        "crm import",
        "crm threshold <percent>",
        "crm connect zoho",
        "crm connect fxiaoke",
        "crm map [<owner> @rep]",
        "crm status",
        "crm figures reported|crm",
        "manager add @user",
        "manager remove @user",
        "incentives plan [<id>]",
        "incentives reopen <id>",
        "incentives history <id>",
        "incentives contest",
        "course import",
        "setup training [days <tue,thu>] [time <HH:MM>] [escalate <days>]",
        "audit [days]",
        "retention [days|off]",
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


GROUP_NAMES = {
    "en": [
        "Check-ins",
        "Goals",
        "Team",
        "Feedback",
        "Reviews",
        "Training",
        "Recognition",
        "Incentives",
        "CRM",
        "Settings",
    ],
    "zh": ["每周汇报", "目标", "团队", "反馈", "绩效评估", "培训", "表彰", "激励", "CRM 数据", "设置"],
}


def grouped_usages(help_text: str) -> dict[str, list[str]]:
    """The help's usages under each `*Group*` heading, in the order shown."""
    found: dict[str, list[str]] = {}
    heading = ""
    for line in help_text.splitlines():
        if re.fullmatch(r"\*[^*`]+\*", line):
            heading = line.strip("*")
            found[heading] = []
        elif match := re.match(r"^`/pacer ([^`]*)` — ", line):
            found[heading].append(html.unescape(match.group(1)))
    return found


@pytest.mark.parametrize("locale", ["en", "zh"])
@pytest.mark.parametrize("role", list(Role))
def test_help_groups_commands_by_task_and_leaves_out_empty_groups(role: Role, locale: str) -> None:
    who = Caller(member=Member(id=1, team_id="T1", user_id="U1", role=Role.REP), role=role, locale=locale)
    text, body = help_blocks(all_commands(), who)
    groups = grouped_usages(text)
    assert list(groups) == [name for name in GROUP_NAMES[locale] if name in groups]  # in task order
    assert sorted(u for usages_ in groups.values() for u in usages_) == sorted(HELP[role])
    assert all(groups.values()), "an empty group is left out"
    assert ("Team" in groups or "团队" in groups) is (role is not Role.REP)  # a rep runs no team command
    assert len(body) <= 50 and body[-1]["type"] == "context"


def test_the_common_commands_come_first_in_their_group() -> None:
    groups = grouped_usages(help_blocks(all_commands(), caller(Role.ADMIN))[0])
    assert groups["Check-ins"][0] == "checkin"
    assert groups["Goals"][:2] == ["status [@rep | vendor <name>]", "goals [@rep]"]
    assert groups["Team"][0] == "team"
    assert groups["Feedback"][0] == "feedback @rep"
    assert groups["Settings"][-1] == "help"


def readme_groups() -> dict[str, list[list[tuple[str, ...]]]]:
    """The README's command tables, one per `**Group**` heading: each row's commands (as words), in order."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Using it in Slack") : text.index("Admins are Slack workspace owners")]
    found: dict[str, list[list[tuple[str, ...]]]] = {}
    for heading, table in re.findall(r"^\*\*([^*]+)\*\*\n\n((?:\|.*\n)+)", section, flags=re.MULTILINE):
        cells = [row.split(" | ")[0] for row in table.splitlines()[2:]]
        found[heading] = [[words(usage) for usage in re.findall(r"`/pacer ([^`]*)`", cell)] for cell in cells]
    return found


def test_the_readme_groups_and_orders_commands_as_the_help_does() -> None:
    commands = all_commands()
    in_router: dict[str, list[tuple[str, ...]]] = {}
    for group in GROUPS:
        ordered = sorted(
            (s for s in commands.subcommands if s.group is group), key=lambda s: (s.rank, s.usage)
        )
        in_router[GROUP_NAMES["en"][GROUPS.index(group)]] = list(dict.fromkeys(s.words for s in ordered))
    in_readme = readme_groups()
    assert list(in_readme) == GROUP_NAMES["en"]
    for name, rows in in_readme.items():
        assert sorted({c for row in rows for c in row}) == sorted(in_router[name]), name
        # the rows come in the help's order (a row naming two commands sits where the first of them does)
        firsts = [min(in_router[name].index(c) for c in row) for row in rows]
        assert firsts == sorted(firsts), name


@pytest.mark.e2e
@pytest.mark.parametrize(("user", "role"), [(REP_EN, Role.REP), (MARIA, Role.MANAGER), (ADMIN, Role.ADMIN)])
def test_help_over_http_for_each_role(slack: SlackPeer, user: str, role: Role) -> None:
    if role is Role.MANAGER:
        slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    answer = slack.command("help", user_id=user).json()
    assert f"(you are a {role.value})" in answer["text"]
    # The blocks carry every command; the plain-text fallback (a notification's) may be cut at 3,000.
    shown = "\n".join(block["text"]["text"] for block in answer["blocks"] if block["type"] == "section")
    assert usages(shown) == sorted(HELP[role])
