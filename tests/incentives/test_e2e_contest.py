"""A contest over HTTP, on both databases: an admin sets it up in its modal (a leaderboard too long, a prize
for a rank outside it and a window ending before it starts refused on their fields); the job keeps one
leaderboard message in the channel with the top N only — never the bottom — and, after the window, makes it
final once; each winner's award is recorded, they are told in a private DM in their language, once, and
see the ended contest in their own view for 30 days ("you won", or "ended" for the others), read from that
record even once the outbox's rows are gone. A contest with prizes per threshold
too: its rows refused by field, the board's counts, the rep's next threshold, and the winners' awards (a
course seat and a DM) at the end, once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select

from bot.delivery.models import Delivery
from bot.incentives.models import Contest, ContestAward
from bot.roster.models import Member
from bot.training.models import Assignment
from tests.incentives.test_e2e_plan import MID_QUARTER, everything, seed
from tests.links.support import add_course
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.home import opened, texts
from tests.support.people import ADMIN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
GOOD = {
    "name": "Q4 accounts sprint",
    "metric": "new_accounts",
    "starts_on": "2026-09-28",
    "ends_on": "2026-12-31",
    "channel": "C0DIGEST",
    "top_n": "2",
    "prizes": "1: 500 USD\n2: a day off",
}


def board(emulator: SlackEmulator) -> str:
    posted = emulator.messages.get("C0DIGEST", [])
    return str(posted[-1]["text"]) + str(posted[-1].get("blocks")) if posted else ""


def test_a_contest_leaderboard_shows_the_top_only(
    slack: SlackPeer, app_server: AppServer, emulator: SlackEmulator
) -> None:
    seed(app_server)
    app_server.clock.set(MID_QUARTER)
    assert "Only Pacer admins may run" in slack.command("incentives contest", user_id=MARIA).json()["text"]
    view = slack.open_modal("incentives contest", user_id=ADMIN)
    bad = GOOD | {"top_n": "20", "ends_on": "2026-09-01", "prizes": "1: 500 USD\n1: a mug"}
    errors = slack.view_submission(view, bad, user_id=ADMIN).json()["errors"]
    assert set(errors) == {"top_n", "ends_on", "prizes"}
    assert errors["prizes"].startswith("Row 2 does not read")
    assert slack.view_submission(view, GOOD, user_id=ADMIN).body == b""
    wait_for(
        lambda: [p for _, p in emulator.responses if "Contest *Q4 accounts sprint*" in p.get("text", "")]
    )

    app_server.run_job("incentives-leaderboard", MID_QUARTER)
    shown = wait_for(lambda: board(emulator), what="the leaderboard")
    assert "Q4 accounts sprint: top 2" in shown
    assert "1. <@UREPZH>: 120% — 500 USD" in shown and "2. <@UREPEN>: 90% — a day off" in shown
    assert REP_LA not in shown  # the bottom is never shown
    app_server.run_job("incentives-leaderboard", datetime(2027, 1, 2, 12, tzinfo=UTC))
    final = wait_for(lambda: "final top 2" in board(emulator) and board(emulator), what="the final board")
    assert "1. <@UREPZH>: 120%" in final and len(emulator.messages["C0DIGEST"]) == 1  # edited in place
    li = wait_for(lambda: won(emulator, REP_ZH), what="Li's DM")
    assert li == ["🏆 你在竞赛 *Q4 accounts sprint* 中获得第 1 名：奖品 500 USD。"]  # in Li's language
    assert won(emulator, REP_EN) == ["🏆 You won place 2 in contest *Q4 accounts sprint*: prize a day off."]
    assert won(emulator, REP_LA) == []  # below the top 2: nothing
    later = app_server.run_job("incentives-leaderboard", datetime(2027, 1, 3, 12, tzinfo=UTC))
    assert "incentives-leaderboard: 0 contest leaderboards updated, 0 final" in later  # final once
    assert len(won(emulator, REP_ZH)) == len(won(emulator, REP_EN)) == 1  # told once
    with app_server.session_factory.begin() as session:
        assert session.scalars(select(Contest)).one().ended_at is not None
        recorded = session.execute(
            select(Member.user_id, ContestAward.rank, ContestAward.prize)
            .join(Member, Member.id == ContestAward.rep_id)
            .order_by(ContestAward.rank)
        ).all()
        assert recorded == [(REP_ZH, 1, "500 USD"), (REP_EN, 2, "a day off")]
        session.execute(delete(Delivery))  # the outbox pruned: the view reads the awards, not the DMs
    rita = everything(slack.command("incentives", user_id=REP_EN).json())
    assert "*Q4 accounts sprint* (a contest on New accounts, ended Dec 31): you won a day off." in rita
    sam = everything(slack.command("incentives", user_id=REP_LA).json())
    assert "*Q4 accounts sprint* (a contest on New accounts): ended Dec 31." in sam and "you won" not in sam
    app_server.clock.set(datetime(2027, 1, 31, 12, tzinfo=UTC))  # 31 days after its last day: gone
    assert "Q4 accounts sprint" not in everything(slack.command("incentives", user_id=REP_EN).json())


def won(emulator: SlackEmulator, user_id: str) -> list[str]:
    """The contest DMs Pacer sent `user_id`."""
    return [str(m["text"]) for m in dms(emulator, user_id) if "🏆" in str(m["text"])]


def test_a_contest_ending_today_in_the_admins_zone_is_accepted(
    slack: SlackPeer, app_server: AppServer
) -> None:
    """At 03:00 UTC on 2 December it is still 1 December in Los Angeles: a contest ending that day is not
    in the past for an admin there (their own day, not the UTC date)."""
    seed(app_server)
    with app_server.session_factory.begin() as session:
        session.scalars(select(Member).where(Member.user_id == ADMIN)).one().timezone = "America/Los_Angeles"
    app_server.clock.set(datetime(2026, 12, 2, 3, tzinfo=UTC))
    view = slack.open_modal("incentives contest", user_id=ADMIN)
    ending_today = GOOD | {"starts_on": "2026-11-02", "ends_on": "2026-12-01"}
    assert slack.view_submission(view, ending_today, user_id=ADMIN).body == b""
    view = slack.open_modal("incentives contest", user_id=ADMIN)
    ended = GOOD | {"name": "Too late", "starts_on": "2026-11-02", "ends_on": "2026-11-30"}
    assert set(slack.view_submission(view, ended, user_id=ADMIN).json()["errors"]) == {"ends_on"}


BY_THRESHOLD = GOOD | {
    "name": "Q4 accounts thresholds",
    "top_n": "1",
    "prize_kind": "threshold",
    "prizes": "",
    "thresholds": "100: 200 USD\n120: 400 USD\n150: a trip",
}


def test_a_contest_with_prizes_per_threshold_from_its_modal_to_its_awards(
    slack: SlackPeer, app_server: AppServer, emulator: SlackEmulator
) -> None:
    """New accounts since 28 September: Li 12 a week, Rita 9, Sam 5 (120, 90 and 50 by 1 December; 156, 117
    and 65 at the end). Thresholds 100, 120 and 150: the board counts who has reached each, names only its
    top 1; a rep sees what the next threshold takes; at the end Li wins the trip, Rita the 200 USD, Sam
    nothing, and the contest's course seat goes to both winners, once."""
    seed(app_server)
    with app_server.session_factory.begin() as session:
        course = add_course(session).id
    app_server.clock.set(MID_QUARTER)
    view = slack.open_modal("incentives contest", user_id=ADMIN)
    assert len(view["blocks"]) <= 100
    bad = BY_THRESHOLD | {"thresholds": "100: 200 USD\n90: 100 USD\n150:", "prizes": "1: 500 USD"}
    errors = slack.view_submission(view, bad, user_id=ADMIN).json()["errors"]
    assert errors == {
        "thresholds": "Row 2 must be above row 1: write the thresholds from lowest to highest, each once.",
        "prizes": "Prizes per rank are not used when prizes are per threshold: write them as thresholds, or "
        "empty this field.",
    }
    no_prize = BY_THRESHOLD | {"thresholds": "100: 200 USD\n0: nothing\n150:"}
    errors = slack.view_submission(view, no_prize, user_id=ADMIN).json()["errors"]
    assert list(errors) == ["thresholds"] and errors["thresholds"].startswith("Row 2 does not read")
    good = BY_THRESHOLD | {"seat": str(course)}
    assert slack.view_submission(view, good, user_id=ADMIN).body == b""
    wait_for(lambda: [p for _, p in emulator.responses if "Q4 accounts thresholds" in p.get("text", "")])

    app_server.run_job("incentives-leaderboard", MID_QUARTER)
    shown = wait_for(lambda: board(emulator), what="the leaderboard")
    assert "Q4 accounts thresholds: top 1" in shown
    assert "1. <@UREPZH>: 120% — 400 USD" in shown  # the highest threshold Li has reached
    assert "Reach *100*: 200 USD — reached by 1" in shown and "Reach *120*: 400 USD — reached by 1" in shown
    assert "Reach *150*: a trip — reached by 0" in shown
    assert REP_EN not in shown and REP_LA not in shown  # counts only: nobody below the top is named

    rita = everything(slack.command("incentives", user_id=REP_EN).json())
    assert "*Q4 accounts thresholds* (a contest on New accounts, to Dec 31): *90* so far." in rita
    assert "10 more to reach 100: 200 USD" in rita
    assert "10 more to reach 100: 200 USD" in texts(opened(slack, emulator, REP_EN))  # on Home too
    li = everything(slack.command("incentives", user_id=REP_ZH).json())
    assert "你已达到 120：400 USD" in li and "再多 30 即可达到 150：a trip" in li  # in Li's language

    app_server.run_job("incentives-leaderboard", datetime(2027, 1, 2, 12, tzinfo=UTC))
    final = wait_for(lambda: "final top 1" in board(emulator) and board(emulator), what="the final board")
    assert "1. <@UREPZH>: 120% — a trip" in final and "reached by 2" in final and REP_EN not in final
    assert len(emulator.messages["C0DIGEST"]) == 1  # edited in place
    with app_server.session_factory() as session:
        ids = {m.user_id: m.id for m in session.scalars(select(Member))}

    def seats() -> list[tuple[int, int]]:
        with app_server.session_factory() as session:
            return sorted((a.rep_id, a.course_id) for a in session.scalars(select(Assignment)))

    expected = sorted([(ids[REP_ZH], course), (ids[REP_EN], course)])
    assert wait_for(lambda: seats() == expected and seats(), what="the winners' seats") == expected
    li_dm = wait_for(lambda: won(emulator, REP_ZH), what="Li's DM")
    assert li_dm == ["🏆 你在竞赛 *Q4 accounts thresholds* 中达到门槛 150：奖品 a trip。"]
    assert won(emulator, REP_EN) == [
        "🏆 You won the 100 threshold in contest *Q4 accounts thresholds*: prize 200 USD."
    ]
    assert won(emulator, REP_LA) == []  # 65: no threshold reached
    later = app_server.run_job("incentives-leaderboard", datetime(2027, 1, 3, 12, tzinfo=UTC))
    assert "0 contest leaderboards updated, 0 final" in later[0]  # awarded once
    assert seats() == expected
    assert len(won(emulator, REP_ZH)) == len(won(emulator, REP_EN)) == 1  # told once
    li_view = everything(slack.command("incentives", user_id=REP_ZH).json())
    assert "*Q4 accounts thresholds*（新客户竞赛，已于" in li_view and "你赢得了 a trip" in li_view
