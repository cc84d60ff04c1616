"""What CRM figures do in the digest and status, over HTTP against the emulator: one rep corrects the CRM's
figure by more than the workspace's threshold (with a hostile reason), another keeps it. The channel's
digest marks only the kept figure "(✓ CRM)" and never shows the difference; at the digest time the manager
gets one DM listing it with the threshold and the rep's reason escaped, however often the jobs run;
the manager's `/pacer status` and Home team table mark the sources; the rep's `/pacer status` and Home tab
show their open pipeline and its coverage of what is left of their target."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from bot.checkins.models import CheckIn
from bot.crm.actuals import record_rows
from bot.crm.models import CheckinSource
from bot.crm.rows import ClosedDeal, PipelineFigure
from bot.goals.models import Goal, GoalStatus
from bot.roster.models import Member
from bot.workspaces.models import Workspace
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.goal_forms import REVENUE_GOAL
from tests.support.home import opened, row_of, texts
from tests.support.people import ADMIN, MARIA, REP_EN, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
TEAM = "T0000001"
WEEK = date(2026, 11, 30)
DIGEST_TIME = datetime(2026, 12, 7, 16, 5, tzinfo=UTC)  # Monday 16:05: the digest of week 49 is due
HOSTILE = "<!channel> *signed* <https://evil.example|log in> & not in the CRM yet"


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 12, day, hour, tzinfo=UTC)


def agreed_goal(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer, rep: str) -> int:
    """Maria sets `rep` the revenue goal; the rep agrees to it in their DM."""
    slack.command(f"team add <@{rep}|{rep.lower()}>", user_id=MARIA)
    view = slack.open_modal(f"goal <@{rep}|{rep.lower()}>", user_id=MARIA)
    assert slack.view_submission(view, REVENUE_GOAL, user_id=MARIA).json() == {}
    message = wait_for(lambda: dms(emulator, rep), what="the agreement DM")[-1]
    assert slack.click(message, "goal_agree", user_id=rep, channel_id="D" + rep).status == 200

    def active() -> int | None:
        with app_server.session_factory() as session:
            return session.scalar(
                select(Goal.id)
                .join(Member, Member.id == Goal.rep_id)
                .where(Member.user_id == rep, Goal.status == GoalStatus.ACTIVE)
            )

    return wait_for(active, what="the goal agreed")


def crm(app_server: AppServer, rep: str, *rows: ClosedDeal | PipelineFigure) -> None:
    with app_server.session_factory.begin() as session:
        rep_id = session.scalars(select(Member.id).where(Member.user_id == rep)).one()
        record_rows(session, TEAM, "zoho", {f"z-{rep}": rep_id}, list(rows), now=at(4))


def check_in(slack: SlackPeer, rep: str, goal_id: int, result: str, reason: str = "") -> None:
    view = slack.open_modal("checkin", user_id=rep)
    answers = {f"result:{goal_id}": result, f"confidence:{goal_id}": "on_track"}
    if reason:
        answers[f"crm_reason:{goal_id}"] = reason
    assert slack.view_submission(view, answers, user_id=rep).status == 200


def shown(message: dict[str, Any]) -> str:
    """Everything a message shows: its text fallback and its blocks."""
    return message["text"] + "\n" + json.dumps(message.get("blocks", []), ensure_ascii=False)


def line_of(text: str, user_id: str) -> str:
    """The rep's own line (not a line that only names them, like the top movers)."""
    return next(line for line in text.split("\n") if f"<@{user_id}> · " in line)


@pytest.fixture
def reported(slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer) -> SlackPeer:
    """Rita corrected the CRM's $12,500 to $14,000 (12% more) with a hostile reason; Li kept the CRM's
    $8,000. The workspace posts its digest in #sales-digest; the threshold is the default 10%."""
    app_server.clock.set(at(1))
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    rita, li = (agreed_goal(slack, emulator, app_server, rep) for rep in (REP_EN, REP_ZH))
    with app_server.session_factory.begin() as session:
        session.get_one(Workspace, TEAM).digest_channel_id = "C0DIGEST"
    crm(app_server, REP_EN, ClosedDeal(f"z-{REP_EN}", "D1", Decimal(12500), "USD", date(2026, 12, 2)))
    crm(app_server, REP_ZH, ClosedDeal(f"z-{REP_ZH}", "D2", Decimal(8000), "USD", date(2026, 12, 3)))
    app_server.clock.set(at(4, 15))
    check_in(slack, REP_EN, rita, "14,000", HOSTILE)
    check_in(slack, REP_ZH, li, "8000")

    def kept() -> list[tuple[Decimal, Decimal, str]] | None:
        with app_server.session_factory() as session:
            rows = session.execute(
                select(CheckIn.result, CheckinSource.crm_amount, CheckinSource.reason)
                .join(CheckinSource, CheckinSource.checkin_id == CheckIn.id)
                .order_by(CheckIn.result)
            ).all()
            return [tuple(row) for row in rows] if len(rows) == 2 else None  # type: ignore[misc]

    assert wait_for(kept, what="both check-ins") == [
        (Decimal(8000), Decimal(8000), ""),
        (Decimal(14000), Decimal(12500), HOSTILE),
    ]
    return slack


def differences_dms(emulator: SlackEmulator) -> list[dict[str, Any]]:
    return [m for m in dms(emulator, MARIA) if "Reported vs CRM" in m["text"]]


def test_the_manager_alone_gets_the_difference_once_and_the_digest_marks_sources(
    reported: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    assert app_server.run_job("crm-differences", DIGEST_TIME - timedelta(minutes=10))[0].startswith(
        "crm-differences: 0 workspaces at their digest time"
    )
    assert differences_dms(emulator) == []
    for hour in (0, 1):  # the jobs tick again: nothing more
        app_server.run_job("weekly-digest", DIGEST_TIME + timedelta(hours=hour))
        summary = app_server.run_job("crm-differences", DIGEST_TIME + timedelta(hours=hour))[0]
        assert summary.startswith(
            f"crm-differences: 1 workspaces at their digest time, {1 - hour} difference"
        )

    digest = emulator.messages["C0DIGEST"][0]
    channel = "\n".join(shown(m) for m in emulator.messages["C0DIGEST"])
    assert digest["text"].startswith("📊 Weekly digest: week 49")
    assert "(✓ CRM)" in line_of(digest["text"], REP_ZH) and "$8,000" in line_of(digest["text"], REP_ZH)
    assert "✓ CRM" not in line_of(digest["text"], REP_EN) and "$14,000" in line_of(digest["text"], REP_EN)
    assert "(✓ CRM): the rep confirmed the CRM's figure in their check-in;" in digest["text"]
    for private in ("12,500", "Reported vs CRM", "evil.example", "not in the CRM yet", "CRM $12"):
        assert private not in channel  # the difference is the manager's, never the channel's

    [dm] = differences_dms(emulator)
    text = dm["text"]
    assert "*Reported vs CRM, week 49" in text and "1 of your reps' figures" in text
    assert "more than 10%:" in text
    assert "reported $14,000, CRM $12,500 (12%)" in text
    escaped = "&lt;!channel&gt; *signed* &lt;https://evil.example|log in&gt; &amp; not in the CRM yet"
    assert escaped in text and escaped in json.dumps(dm["blocks"])
    assert "<!channel>" not in shown(dm) and "<https://evil" not in shown(dm)
    assert len(dm["blocks"]) <= 50
    assert not [m for m in dms(emulator, REP_EN) + dms(emulator, REP_ZH) if "Reported vs CRM" in m["text"]]

    status = reported.command("status", user_id=MARIA).json()
    assert "(✓ CRM)" in line_of(status["text"], REP_ZH) and "✓ CRM" not in line_of(status["text"], REP_EN)
    assert "(✓ CRM): the rep confirmed" in status["text"] and "evil.example" not in shown(status)
    assert len(status["blocks"]) <= 50

    home = opened(reported, emulator, MARIA)
    assert "(✓ CRM)" in texts({"blocks": row_of(home, REP_ZH)})
    assert "✓ CRM" not in texts({"blocks": row_of(home, REP_EN)})


def test_chinese_marks_and_no_dm_under_the_threshold(
    reported: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    assert reported.command("crm threshold 15", user_id=ADMIN).status == 200
    reported.command("language zh", user_id=MARIA)
    summary = app_server.run_job("crm-differences", DIGEST_TIME)[0]
    assert summary.startswith("crm-differences: 1 workspaces at their digest time, 0 difference DMs queued")
    assert not [m for m in dms(emulator, MARIA) if "CRM 对比" in m["text"]]
    status = reported.command("status", user_id=MARIA).json()["text"]
    assert "（✓ CRM 已核）" in line_of(status, REP_ZH) and "已核" not in line_of(status, REP_EN)
    assert "（✓ CRM 已核）：销售在每周汇报中确认了 CRM 的数字" in status


def test_a_chinese_manager_gets_the_dm_in_chinese(
    reported: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    reported.command("language zh", user_id=MARIA)
    app_server.run_job("crm-differences", DIGEST_TIME)
    [dm] = [m for m in dms(emulator, MARIA) if "汇报与 CRM 对比" in m["text"]]
    assert "相差超过 10%" in dm["text"] and "汇报 US$14,000，CRM US$12,500（12%）" in dm["text"]
    assert "&lt;!channel&gt;" in dm["text"]


def test_the_reps_status_and_home_show_their_pipeline_and_its_coverage(
    reported: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    crm(app_server, REP_EN, PipelineFigure(f"z-{REP_EN}", Decimal(58000), "USD", date(2026, 12, 4), deals=5))
    app_server.clock.set(at(4, 16))
    status = reported.command("status", user_id=REP_EN).json()
    body = texts(status)
    assert "*Open pipeline* (CRM, " in body and "• $58,000 in 5 open deals" in body
    assert "• 50% of the $116,000 left to reach your target of $130,000" in body
    home = texts(opened(reported, emulator, REP_EN))
    assert "• $58,000 in 5 open deals" in home and "50% of the $116,000 left" in home
    other = reported.command("status", user_id=REP_ZH).json()
    assert "$58,000" not in texts(other)  # a rep sees only their own pipeline
