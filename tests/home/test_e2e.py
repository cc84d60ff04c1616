"""The Home tab per role, published on app_home_opened and again when the data behind it changes."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.checkins.models import Confidence
from bot.roster.models import Member, Role
from bot.workspaces.models import Workspace
from tests.factories import member, rep_with_goal
from tests.support.app_server import AppServer
from tests.support.home import actions, buttons_of, opened, row_of, texts
from tests.support.people import ADMIN, MARIA
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
WEEK = date(2026, 11, 30)


def seed(app_server: AppServer, emulator: SlackEmulator, *, locale: str = "en-US") -> None:
    """Maria (in `locale`) manages UH0 and UH1, each with a goal, and UH2 without one."""
    app_server.clock.set(datetime(2026, 12, 7, 10, tzinfo=UTC))  # Monday: last week's check-ins are open
    with app_server.session_factory.begin() as session:
        session.add(Workspace(team_id="T0000001", digest_channel_id="C0DIGEST"))
        session.flush()
        boss = member(session, MARIA, role=Role.MANAGER, slack_locale=locale)
        for n, result in enumerate((12, 4)):
            rep_with_goal(
                session,
                f"UH{n}",
                boss,
                None,
                {WEEK - timedelta(days=7): 10, WEEK: 10},
                {WEEK - timedelta(days=7): (result, Confidence.ON_TRACK, False, "")},
            )
            emulator.add_user(f"UH{n}", name=f"rep{n}")
        idle = member(session, "UH2")
        idle.on_team, idle.manager_id = True, boss.id
        emulator.add_user("UH2", name="rep2")


def test_each_role_gets_its_home(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> None:
    seed(app_server, emulator)
    rep = opened(slack, emulator, "UH0")
    assert "Your check-in for week 49" in texts(rep) and "Accounts opened this quarter" in texts(rep)
    # Slack's date formatting (each reader's own zone); the fallback in the rep's zone, no zone's name.
    nudge = (
        "Next check-in nudge: <!date^1797238800^{date_short_pretty} at {time}|Mon, Dec 14 at 9:00\u202fAM>"
    )
    shown = json.dumps(rep["blocks"], ensure_ascii=False)
    assert nudge in shown and "UTC" not in shown
    assert any(b.get("accessory", {}).get("action_id") == "checkin_open" for b in rep["blocks"])
    manager = opened(slack, emulator, MARIA)
    assert (
        "📋 Your team, week 49" in texts(manager)
        and "<@UH0>" in texts(manager)
        and "<@UH1>" in texts(manager)
    )
    ids = [button["action_id"] for button in actions(manager)]
    assert "home_post_digest" in ids and ids.count("home_new_goal") == 1  # only UH2 has no goal
    admin = opened(slack, emulator, ADMIN)
    assert "Digest: <#C0DIGEST>" in texts(admin)
    assert any(b.get("accessory", {}).get("action_id") == "home_setup" for b in admin["blocks"])
    assert "UH1" not in texts(rep)  # a rep's home shows only their own goals


def test_new_goal_from_the_home_tab(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> None:
    seed(app_server, emulator)
    manager = opened(slack, emulator, MARIA)
    (button,) = [b for b in actions({"blocks": row_of(manager, "UH2")}) if b["action_id"] == "home_new_goal"]
    click = slack.block_action(user_id=MARIA, action_id="home_new_goal", value=button["value"], view=manager)
    view = slack.opened_view(click)
    assert view["callback_id"] == "goal" and "<@UH2>" in view["blocks"][0]["text"]["text"]
    refused = slack.block_action(
        user_id="UH0", action_id="home_new_goal", value=button["value"], view=manager
    )
    assert refused.status == 200
    told = wait_for(lambda: emulator.messages.get("DUH0"), what="the refusal")
    assert "Reps can only propose goals for themselves" in told[-1]["text"]


def test_a_check_in_refreshes_the_homes(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    seed(app_server, emulator)
    home = opened(slack, emulator, "UH0")
    before = len(emulator.calls_to("views.publish"))
    (button,) = [
        b["accessory"] for b in home["blocks"] if b.get("accessory", {}).get("action_id") == "checkin_open"
    ]
    view = slack.opened_view(
        slack.block_action(user_id="UH0", action_id="checkin_open", value=button["value"], view=home)
    )
    goal_block = next(b["block_id"] for b in view["blocks"] if b.get("block_id", "").startswith("result:"))
    goal_id = goal_block.split(":")[1]
    assert (
        slack.view_submission(
            view, {goal_block: "11", f"confidence:{goal_id}": "on_track"}, user_id="UH0"
        ).status
        == 200
    )
    published = wait_for(
        lambda: (
            {c.params["user_id"] for c in emulator.calls_to("views.publish")[before:]} >= {"UH0", MARIA}
            or None
        ),
        what="both homes to refresh",
    )
    assert published
    assert "You've checked in for week 49" in texts(emulator.home_tabs["UH0"])


@pytest.mark.parametrize(
    ("locale", "words"),
    [
        ("en-US", ("📋 Your team, week 49", "*Last week*\n0 of 10", "*To date*\n12 of 20", "60% to date")),
        ("zh-CN", ("📋 你的团队，第 49 周", "*上周*\n0 / 10", "*截至目前*\n12 / 20", "截至目前 60%")),
    ],
)
def test_the_managers_home_is_a_table(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer, locale: str, words: tuple[str, ...]
) -> None:
    """A row per rep: status and pace bar, then the same figures in the same fields row after row (Slack
    lays fields out in two columns), and the buttons that apply to that rep."""
    seed(app_server, emulator, locale=locale)
    manager = opened(slack, emulator, MARIA)
    title, *cells = words
    assert manager["blocks"][0]["text"]["text"].startswith(title)
    uh0, uh1, uh2 = (row_of(manager, f"UH{n}") for n in range(3))
    assert "`▰▰▰▰▰▰▱▱▱▱`" in uh0[0]["text"]["text"] and "`▰▰▱▱▱▱▱▱▱▱`" in uh1[0]["text"]["text"]
    assert [cell["text"] for cell in uh0[0]["fields"]][:2] == cells[:2]
    assert cells[2] in uh0[0]["text"]["text"]
    assert [len(row[0]["fields"]) for row in (uh0, uh1)] == [3, 3]  # the same columns for every counted rep
    assert uh0[0]["text"]["text"].startswith("🔴") and uh2[0]["text"]["text"].startswith("⚪")
    assert buttons_of(uh0) == ["feedback_give"]  # it has a goal: no "New goal"
    assert buttons_of(uh2) == ["feedback_give", "home_new_goal"]  # two buttons: an actions block
    assert len(manager["blocks"]) <= 100


def test_give_feedback_from_the_home_tab_while_the_window_is_open(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    seed(app_server, emulator)  # Monday 7 December: the feedback window opened on the 1st at 10:00
    manager = opened(slack, emulator, MARIA)
    (button,) = [b for b in actions({"blocks": row_of(manager, "UH1")}) if b["action_id"] == "feedback_give"]
    view = slack.opened_view(
        slack.block_action(user_id=MARIA, action_id="feedback_give", value=button["value"], view=manager)
    )
    assert view["callback_id"] == "feedback_give" and "<@UH1>" in str(view["blocks"])
    give = {"strengths": "Great follow-up", "improve": "Qualify earlier", "next_step": "Demo", "rating": "4"}
    assert slack.view_submission(view, give, user_id=MARIA).json() == {}
    manager = opened(slack, emulator, MARIA)
    assert "feedback_give" not in buttons_of(row_of(manager, "UH1"))  # given this month
    assert "feedback_give" in buttons_of(row_of(manager, "UH0"))
    app_server.clock.set(datetime(2026, 12, 14, 10, tzinfo=UTC))  # the window has closed
    later = opened(slack, emulator, MARIA)
    assert "feedback_give" not in [b["action_id"] for b in actions(later)]
    assert buttons_of(row_of(later, "UH2")) == ["home_new_goal"]  # one button: the row's accessory
    assert row_of(later, "UH2")[0]["accessory"]["action_id"] == "home_new_goal"


def test_a_big_team_stays_within_the_home_tabs_100_blocks(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    seed(app_server, emulator)
    with app_server.session_factory.begin() as session:
        boss = session.scalars(select(Member).where(Member.user_id == MARIA)).one()
        for n in range(120):
            rep = member(session, f"UB{n:04d}")
            rep.on_team, rep.manager_id = True, boss.id
    manager = opened(slack, emulator, MARIA)  # each rep without a goal has two buttons: two blocks a row
    assert len(manager["blocks"]) <= 100
    tails = [b for b in manager["blocks"] if b["type"] == "context" and "of 123 reps" in str(b["elements"])]
    assert len(tails) == 1  # the team table's last block: other features' sections may follow it
    tail = tails[0]
    shown = int(tail["elements"][0]["text"].split()[1])
    assert shown == sum(
        1 for b in manager["blocks"] if b["type"] == "section" and "<@U" in b["text"]["text"][:12]
    )
    assert shown >= 25
