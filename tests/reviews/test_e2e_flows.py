"""The review's Slack flows over HTTP, as Slack drives them: a rep's self review, peers asked by a one-tap
DM (with or without a comment), the manager's review with its field errors, refusals for the wrong role
and for a rep rating themselves, in English and Chinese; on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.reviews import service
from bot.reviews.models import ManagerReview, PeerRating, ReviewChange, ReviewCycle, SelfReview
from bot.roster.models import Member
from bot.training.models import Category, Course
from tests.conftest import TEAM_ID
from tests.support.app_server import AppServer
from tests.support.e2e import at, dms
from tests.support.home import opened, texts
from tests.support.people import ADMIN, BEN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
FRED = "UREPFR"
SELF = {"wins": "Won Globex <!channel>", "lessons": "Qualify earlier", "support_wanted": "A demo account"}


def option(value: str) -> dict[str, Any]:
    return {"text": {"type": "plain_text", "text": value}, "value": value}


def review_modal(team: SlackPeer, emulator: SlackEmulator, text: str, *, user_id: str) -> dict[str, Any]:
    """`/pacer text`: the modal opens at once (its trigger id is fresh), then is filled in."""
    opened = team.open_modal(text, user_id=user_id)
    return wait_for(lambda: dict(v) if (v := emulator.views[opened["id"]]).get("callback_id") else None)


def levels(**chosen: str) -> dict[str, Any]:
    return {f"{name}_level": option(value) for name, value in chosen.items()}


@pytest.fixture
def team(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> SlackPeer:
    emulator.add_user(FRED, name="fred", real_name="Fred Rep", tz="Europe/Paris")
    app_server.clock.set(at(22, 12))
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"manager add <@{BEN}|ben>", user_id=ADMIN)
    slack.command(f"team add <@{REP_EN}> <@{REP_ZH}> <@{REP_LA}> <@{FRED}>", user_id=MARIA)
    with app_server.session_factory.begin() as session:
        service.open_cycle(session, TEAM_ID, "2026Q4", by=None, now=at(21, 12))
    return slack


def add_course(app_server: AppServer, title: str) -> int:
    with app_server.session_factory.begin() as session:
        course = Course(
            team_id=TEAM_ID, slug="negotiation", language="en", title=title, category=Category.SALES_SKILLS
        )
        course.content_hash = "0" * 64
        session.add(course)
        session.flush()
        return course.id


def advance_to_manager_review(app_server: AppServer) -> None:
    with app_server.session_factory.begin() as session:
        cycle = session.scalars(select(ReviewCycle)).one()
        for _ in range(3):  # open → self review → peer input → manager review
            service.advance(session, cycle, by=None, now=at(28, 12))


def asks(emulator: SlackEmulator, user_id: str) -> list[dict[str, Any]]:
    """The DMs asking `user_id` to rate a teammate in 2026Q4 (not their welcome to the team)."""
    return [message for message in dms(emulator, user_id) if "2026Q4" in message["text"]]


def member_id(app_server: AppServer, user_id: str) -> int:
    with app_server.session_factory() as session:
        return session.scalars(select(Member.id).where(Member.user_id == user_id)).one()


def rate_button(message: dict[str, Any], rating: str) -> dict[str, Any]:
    return next(
        element
        for block in message["blocks"]
        if block.get("block_id") == "rate"
        for element in block["elements"]
        if element["value"].endswith(f":{rating}")
    )


def test_self_review_then_peers_then_manager_review(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    view = review_modal(team, emulator, "review", user_id=REP_EN)
    shown = str(view["blocks"])
    assert "Your self review of 2026Q4" in shown and "No goals or check-ins this quarter: no data" in shown
    assert "Check-ins: no data (no weekly targets this quarter)" in shown and "Help requests: 0" in shown
    missing = team.view_submission(view, SELF | levels(sales="3"), user_id=REP_EN).json()
    assert missing["response_action"] == "errors"
    assert set(missing["errors"]) == {"satisfaction_level", "expansion_level", "teamwork_level"}
    typed = SELF | levels(sales="3", satisfaction="4", expansion="2", teamwork="5")
    assert team.view_submission(view, typed, user_id=REP_EN).json() == {}
    with app_server.session_factory() as session:
        saved = session.scalars(select(SelfReview)).one()
        assert (saved.sales_level, saved.teamwork_level, saved.wins) == (3, 5, SELF["wins"])

    reply = team.command(f"review peers <@{REP_EN}> <@{REP_ZH}> <@{REP_LA}> <@{FRED}>", user_id=MARIA)
    assert "to rate <@UREPEN>'s teamwork" in reply.json()["text"]
    # 12:00 UTC: Fred (Paris, 13:00) is asked at once; Li (Shanghai, 20:00) and Sam (Los Angeles, 04:00)
    # once their own working hours have come (10:00 to 18:00), by the reviews-ask job.
    assert "<@UREPZH>, <@UREPLA>: outside their working hours now" in reply.json()["text"]
    fred = wait_for(lambda: asks(emulator, FRED), what="Fred's ask")[-1]
    assert asks(emulator, REP_ZH) == [] and asks(emulator, REP_LA) == []
    app_server.run_job("reviews-ask", at(23, 1, 55))  # 09:55 in Shanghai; 17:55 on the 22nd in Los Angeles
    sam = wait_for(lambda: asks(emulator, REP_LA), what="Sam's ask")[-1]
    assert asks(emulator, REP_ZH) == []
    app_server.run_job("reviews-ask", at(23, 2))  # 10:00 in Shanghai
    li = wait_for(lambda: asks(emulator, REP_ZH), what="Li's ask")[-1]
    assert "季度评估" in li["text"] and "<@UREPEN>" in li["text"]
    app_server.run_job("reviews-ask", at(23, 2, 15))  # asked once: nothing more
    assert len(asks(emulator, REP_ZH)) == len(asks(emulator, REP_LA)) == len(asks(emulator, FRED)) == 1
    assert "quarterly review of 2026Q4" in fred["text"]
    home = texts(opened(team, emulator, REP_ZH))
    assert "季度评估 2026Q4" in home and "请在 12月28日 前为 <@UREPEN> 的团队协作打分" in home
    rita_home = texts(opened(team, emulator, REP_EN))
    assert "Your self review is in; you can change it until Dec 25" in rita_home
    assert "Rate the teamwork" not in rita_home
    for rater, message, rating in ((REP_ZH, li, "4"), (FRED, fred, "5")):
        button = rate_button(message, rating)
        team.block_action(
            user_id=rater,
            action_id="review_rate_5",
            value=button["value"],
            message=message,
            channel_id="D" + rater,
        )
    comment = team.opened_view(team.click(sam, "review_comment", user_id=REP_LA, channel_id="D" + REP_LA))
    bad = team.view_submission(comment, {"rating": option("9"), "comment": "x"}, user_id=REP_LA).json()
    assert set(bad["errors"]) == {"rating"}
    answer = {"rating": option("3"), "comment": "Shares leads <!here>"}
    assert team.view_submission(comment, answer, user_id=REP_LA).json() == {}
    with app_server.session_factory() as session:
        rated = wait_for(
            lambda: sorted(r for r in session.scalars(select(PeerRating.rating)) if r is not None) or None,
            what="three ratings",
        )
    assert rated == [3, 4, 5]
    assert len(dms(emulator, REP_ZH)) == 1  # asked once

    listing = team.command("review", user_id=MARIA).json()["text"]
    assert "Reviews of 2026Q4" in listing and "<@UREPEN>: self review done, peers 3 of 3" in listing

    maria_home = texts(opened(team, emulator, MARIA))
    assert "Self reviews 1 of 4 (due Dec 25) · peer ratings 3 of 3" in maria_home
    advance_to_manager_review(app_server)
    assert "4 manager reviews still to write" in texts(opened(team, emulator, MARIA))
    course_id = add_course(app_server, "Negotiation & closing")  # offered by the training feature (bot.links)
    view = review_modal(team, emulator, f"review <@{REP_EN}>", user_id=MARIA)
    shown = str(view["blocks"])
    assert "*Peer median:* 4 (3 of 3 peers have rated)" in shown
    assert "Won Globex &lt;!channel&gt;" in shown and "<!channel>" not in shown
    assert "> Shares leads &lt;!here&gt;" in shown and "<!here>" not in shown  # the manager's only
    assert "UREPLA" not in shown  # nor who wrote it
    admin = str(review_modal(team, emulator, f"review <@{REP_EN}>", user_id=ADMIN)["blocks"])
    assert "*Peer median:* 4" in admin and "Shares leads" not in admin  # an admin never reads comments
    final = levels(sales="3", satisfaction="4", expansion="2", teamwork="5")
    reasons = {
        "sales_reason": "No goals set",
        "satisfaction_reason": "Survey",
        "expansion_reason": "Two towns",
    }
    written = {"strengths": "Closing", "improvements": "Pipeline", "development_action": "Negotiation course"}
    missing = team.view_submission(view, final | reasons | written, user_id=MARIA).json()
    assert missing["response_action"] == "errors" and set(missing["errors"]) == {"teamwork_reason"}
    assert "reason is kept" in missing["errors"]["teamwork_reason"]
    both = final | reasons | written | {"teamwork_reason": "Led the team's handover"}
    offered = next(b for b in view["blocks"] if b.get("block_id") == "development_ref")["element"]
    groups = {g["label"]["text"]: [o["text"]["text"] for o in g["options"]] for g in offered["option_groups"]}
    assert groups == {"Nothing": ["Nothing"], "A training course": ["Negotiation & closing"]}
    assert offered["initial_option"]["value"] == "none"
    gone = {"development_ref": option("training:99999")}  # a course deleted since the modal opened
    stale = team.view_submission(view, both | gone, user_id=MARIA).json()
    assert stale["errors"] == {"development_ref": "That course or plan is no longer in Pacer: pick another."}
    typo = {"development_ref": option("training:12a")}
    assert set(team.view_submission(view, both | typo, user_id=MARIA).json()["errors"]) == {"development_ref"}
    linked = {"development_ref": option(f"training:{course_id}")}
    assert team.view_submission(view, both | linked, user_id=MARIA).json() == {}
    with app_server.session_factory() as session:
        review = session.scalars(select(ManagerReview)).one()
        assert (review.teamwork_level, review.teamwork_reason) == (5, "Led the team's handover")
        assert review.development_action == "Negotiation course"
        assert (review.development_kind, review.development_ref) == ("training", course_id)
        link = session.scalars(select(ReviewChange).where(ReviewChange.what == "development")).one()
        assert (link.before, link.after) == ("none", f"training:{course_id}")
        change = session.scalars(select(ReviewChange).where(ReviewChange.what == "level.teamwork")).one()
        assert (change.before, change.after, change.reason) == ("4", "5", "Led the team's handover")
    again = review_modal(team, emulator, f"review <@{REP_EN}>", user_id=MARIA)  # shows what was kept
    kept = {b["block_id"]: b.get("element") for b in again["blocks"] if "block_id" in b}
    assert kept["development_ref"]["initial_option"]["value"] == f"training:{course_id}"
    assert "development_kind" not in kept


def test_wrong_roles_and_a_rep_rating_themselves_are_refused(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    # Another manager, and a rep, can't review or pick peers for Rita.
    assert "not on your team" in team.command(f"review <@{REP_EN}>", user_id=BEN).json()["text"]
    assert "不在你的团队中" in team.command(f"review <@{REP_EN}>", user_id=REP_ZH).json()["text"]
    ben = team.command(f"review peers <@{REP_EN}> <@{REP_ZH}> <@{REP_LA}> <@{FRED}>", user_id=BEN).json()
    assert "not on your team" in ben["text"]
    outsider = team.command(
        f"review peers <@{REP_EN}> <@{REP_ZH}> <@{REP_LA}> <@{BEN}>", user_id=MARIA
    ).json()
    assert "UBEN is not on UREPEN's team" in outsider["text"]
    assert dms(emulator, REP_ZH) == []  # one refusal and nobody is asked
    assert "3 to 5" in team.command(f"review peers <@{REP_EN}> <@{REP_ZH}>", user_id=MARIA).json()["text"]
    # A forged one-tap rating of oneself is refused, politely, and nothing is kept.
    with app_server.session_factory.begin() as session:
        cycle = session.scalars(select(ReviewCycle)).one()
        cycle_id = cycle.id
    rita = member_id(app_server, REP_EN)
    team.block_action(
        user_id=REP_EN,
        action_id="review_rate_5",
        value=f"{cycle_id}:{rita}:5",
        message={"ts": "1.1", "text": "x"},
        channel_id="D" + REP_EN,
    )
    told = wait_for(
        lambda: [r for _, r in emulator.responses if "rate themselves" in str(r)], what="the refusal"
    )
    assert told
    with app_server.session_factory() as session:
        assert session.scalars(select(PeerRating)).all() == []
    # A manager has no self review; the self review closes with its stage.
    assert "Reviews of 2026Q4" in team.command("review", user_id=MARIA).json()["text"]
    advance_to_manager_review(app_server)
    assert "at the manager review stage" in team.command("review", user_id=REP_EN).json()["text"]
    assert (
        "at the manager review stage"
        in team.command(f"review peers <@{REP_EN}> <@{REP_ZH}> <@{REP_LA}> <@{FRED}>", user_id=REP_EN).json()[
            "text"
        ]
    )


def test_a_rep_proposes_peers_and_a_chinese_rep_sees_chinese(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    view = review_modal(team, emulator, "review", user_id=REP_ZH)
    assert view["title"]["text"] == "自评" and "你本季度的数据" in str(view["blocks"])
    typed = levels(sales="2", satisfaction="3", expansion="3", teamwork="4")
    assert team.view_submission(view, typed, user_id=REP_ZH).json() == {}
    told = wait_for(lambda: [e for e in emulator.ephemerals if e["recipient"] == REP_ZH], what="the answer")
    assert "自评已保存" in told[-1]["text"]
    reply = team.command(f"review peers <@{REP_ZH}> <@{REP_EN}> <@{REP_LA}> <@{FRED}>", user_id=REP_ZH).json()
    assert "已请" in reply["text"]
    rita = wait_for(lambda: dms(emulator, REP_EN), what="Rita's ask")[-1]
    assert "How well did they work with the team?" in rita["text"] and "<@UREPZH>" in rita["text"]
    # Asking again sends nothing more.
    team.command(f"review peers <@{REP_ZH}> <@{REP_EN}> <@{REP_LA}> <@{FRED}>", user_id=REP_ZH)
    with app_server.session_factory() as session:
        assert len(session.scalars(select(PeerRating)).all()) == 3
    assert len(dms(emulator, REP_EN)) == 1


def test_a_self_review_reminder_reaches_li_at_her_ten_in_chinese(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    def reminders(user_id: str) -> list[dict[str, Any]]:
        return [
            m for m in dms(emulator, user_id) if "2026Q4" in m["text"] and "review peers" not in m["text"]
        ]

    app_server.run_job("reviews-remind", at(23, 2))  # 10:00 in Shanghai, 03:00 in Berlin
    li = wait_for(lambda: reminders(REP_ZH), what="Li's reminder")
    assert "提醒：你 2026Q4 的自评请在 12月25日 前提交" in li[-1]["text"] and reminders(REP_EN) == []
    app_server.run_job("reviews-remind", at(23, 3))  # the same day: nothing more
    app_server.run_job("reviews-remind", at(23, 9))  # 10:00 in Berlin
    assert len(reminders(REP_ZH)) == 1
    assert "your self review for 2026Q4 is due Dec 25" in wait_for(lambda: reminders(REP_EN))[-1]["text"]


def _reminder(emulator: SlackEmulator, user_id: str, action: str) -> dict[str, Any]:
    def found() -> list[dict[str, Any]]:
        return [
            m
            for m in dms(emulator, user_id)
            for b in m.get("blocks", [])
            if (b.get("accessory") or {}).get("action_id") == action
            or any(e.get("action_id") == action for e in b.get("elements", []))
        ]

    return wait_for(found, what=f"{user_id}'s reminder")[-1]


def _filled(team: SlackPeer, emulator: SlackEmulator, pressed: Any) -> dict[str, Any]:
    opened = team.opened_view(pressed)
    return wait_for(lambda: dict(v) if (v := emulator.views[opened["id"]]).get("callback_id") else None)


def _press(team: SlackPeer, message: dict[str, Any], action: str, *, user_id: str, index: int = 0) -> Any:
    """Press the `index`th button `action` of a message (a section's accessory or in an actions block)."""
    found = [
        (b, e)
        for b in message["blocks"]
        for e in [b.get("accessory") or {}, *b.get("elements", [])]
        if e.get("action_id") == action
    ]
    block, element = found[index]
    return team.block_action(
        user_id=user_id,
        action_id=action,
        value=element["value"],
        block_id=block.get("block_id", "b"),
        message=message,
        channel_id="D" + user_id,
    )


def test_each_reminder_opens_what_it_reminds_of(
    team: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    with app_server.session_factory.begin() as session:
        for user_id in (MARIA, REP_EN):
            session.scalars(select(Member).where(Member.user_id == user_id)).one().timezone = "UTC"
    app_server.run_job("reviews-remind", at(23, 10))
    mine = _reminder(emulator, REP_EN, "review_open_self")
    view = _filled(team, emulator, _press(team, mine, "review_open_self", user_id=REP_EN))
    assert view["callback_id"] == "review_self" and "Your self review of 2026Q4" in str(view["blocks"])

    team.command(f"review peers <@{REP_EN}> <@{REP_ZH}> <@{REP_LA}> <@{FRED}>", user_id=MARIA)
    team.command(f"review peers <@{REP_ZH}> <@{REP_EN}> <@{REP_LA}> <@{FRED}>", user_id=MARIA)
    with app_server.session_factory.begin() as session:
        cycle = session.scalars(select(ReviewCycle)).one()
        for _ in range(2):  # open → self review → peer input (then manager review, below)
            service.advance(session, cycle, by=None, now=at(26, 12))
    app_server.run_job("reviews-remind", at(28, 9))  # Monday 10:00 in Paris
    fred = _reminder(emulator, FRED, "review_comment")
    assert [s["text"]["text"] for s in fred["blocks"] if s.get("accessory")] == [
        "<@UREPEN> is waiting for your teamwork rating.",
        "<@UREPZH> is waiting for your teamwork rating.",
    ]
    modal = team.opened_view(_press(team, fred, "review_comment", user_id=FRED, index=1))
    assert modal["callback_id"] == "review_peer" and "<@UREPZH>" in str(modal["blocks"])

    with app_server.session_factory.begin() as session:
        service.advance(session, session.scalars(select(ReviewCycle)).one(), by=None, now=at(28, 12))
    app_server.run_job("reviews-remind", at(29, 10))
    boss = _reminder(emulator, MARIA, "review_open_manager")
    assert "4 of your reps' reviews" in boss["text"]
    named = [b["text"]["text"].split(">")[0] + ">" for b in boss["blocks"] if b.get("accessory")]
    assert sorted(named) == sorted(f"<@{u}>" for u in (REP_EN, REP_ZH, REP_LA, FRED))
    view = _filled(team, emulator, _press(team, boss, "review_open_manager", user_id=MARIA, index=2))
    assert view["callback_id"] == "review_manager" and f"Your review of {named[2]}" in str(view["blocks"])
    refused = _press(team, boss, "review_open_manager", user_id=BEN)  # not Ben's rep: no modal
    assert refused.status == 200
    wait_for(lambda: [r for _, r in emulator.responses if "not on your team" in str(r)], what="the refusal")
