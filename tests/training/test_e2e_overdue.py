"""An overdue course over HTTP on both databases: one reminder in the two days before the due date (in each
rep's working hours, once), the manager told on the due date (in their own working hours, not while away),
and after 7 days overdue an escalation to the vendor's contact through the escalation service, with the
rep's progress in the contact's language; each only once."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, select

from bot.escalations.models import Escalation
from bot.roster.models import Member
from bot.training.cli import SHIPPED, run_import
from tests.factories import member
from tests.support.app_server import AppServer
from tests.support.e2e import at, dms
from tests.support.people import MARIA, REP_EN, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for
from tests.training.test_e2e_flow import CONTACT, said, seed

pytestmark = pytest.mark.e2e


@pytest.fixture
def assigned(slack: SlackPeer, app_server: AppServer, engine: Engine, emulator: SlackEmulator) -> SlackPeer:
    emulator.add_user(CONTACT, name="victor", real_name="Victor Vendor")
    seed(app_server)
    assert run_import(engine, SHIPPED, "T0000001") == 0
    app_server.clock.set(at(7, 15))
    answer = said(emulator, slack.command("train vendor Acme discovery-calls due 2026-12-10", user_id=MARIA))
    assert "2 new" in answer
    return slack


def texts(emulator: SlackEmulator, user_id: str) -> list[str]:
    return [str(m["text"]) for m in dms(emulator, user_id)]


def test_reminder_manager_and_escalation_each_once(
    assigned: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    app_server.run_job("training-overdue", at(7, 15))  # three days before: nothing yet
    assert texts(emulator, REP_EN) == []
    app_server.run_job("training-overdue", at(8, 6))  # 07:00 in Berlin: before working hours
    assert texts(emulator, REP_EN) == []
    app_server.run_job("training-overdue", at(8, 9))  # 10:00 in Berlin, 17:00 in Shanghai
    app_server.run_job("training-overdue", at(9, 9))
    assert [t for t in texts(emulator, REP_EN) if t.startswith("Reminder: *Discovery calls*")] == texts(
        emulator, REP_EN
    )
    assert len(texts(emulator, REP_EN)) == 1
    assert len(texts(emulator, REP_ZH)) == 1 and texts(emulator, REP_ZH)[0].startswith("提醒：*需求探索电话*")
    assert texts(emulator, MARIA) == []

    app_server.run_job("training-overdue", at(10, 15))  # the due date
    app_server.run_job("training-overdue", at(11, 15))
    told = texts(emulator, MARIA)
    assert len(told) == 2 and all("has not completed" in t for t in told)

    app_server.run_job("training-overdue", at(16, 15))  # 6 days overdue: not yet
    assert texts(emulator, CONTACT) == []
    app_server.run_job("training-overdue", at(17, 15))  # 7 days overdue
    app_server.run_job("training-overdue", at(18, 15))
    to_vendor = wait_for(lambda: len(dms(emulator, CONTACT)) >= 2 and dms(emulator, CONTACT))
    shown = str(to_vendor)
    assert "Training overdue: Discovery calls was due 2026-12-10 (7 days ago); 0 of 6 lessons" in shown
    with app_server.session_factory() as session:
        opened = list(session.scalars(select(Escalation)))
        assert len(opened) == 2 and all(e.involve_vendor for e in opened)
    assert len(dms(emulator, CONTACT)) == 2


def test_the_managers_notice_waits_for_their_working_hours(
    assigned: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    """The due date starts at midnight in the reps' zones; Maria (New York) hears at 10:00 hers, not then."""
    app_server.run_job("training-overdue", at(9, 23, 5))  # 00:05 on the due date in Berlin; 18:05 for Maria
    app_server.run_job("training-overdue", at(10, 14, 45))  # 09:45 for Maria
    assert texts(emulator, MARIA) == []
    app_server.run_job("training-overdue", at(10, 15))  # 10:00 for Maria
    assert len(texts(emulator, MARIA)) == 2


def test_the_managers_notice_waits_until_they_are_back(
    assigned: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    """Maria is away on the due date (Thursday) and Friday: she hears on Monday, her first working day back,
    at 10:00 in New York; nothing during the weekend."""
    with app_server.session_factory.begin() as session:
        maria = session.scalars(select(Member).where(Member.user_id == MARIA)).one()
        maria.away_from, maria.away_until = date(2026, 12, 10), date(2026, 12, 11)
    for day in (10, 11, 12, 13):
        app_server.run_job("training-overdue", at(day, 15))
    app_server.run_job("training-overdue", at(14, 14, 45))
    assert texts(emulator, MARIA) == []
    app_server.run_job("training-overdue", at(14, 15))
    assert len(texts(emulator, MARIA)) == 2 and all("has not completed" in t for t in texts(emulator, MARIA))


def test_the_escalation_is_written_in_the_vendor_contacts_language(
    assigned: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    """Victor, Acme's contact, reads Chinese: the escalation's description is in Chinese, though Maria, in
    whose name it is opened, reads English."""
    with app_server.session_factory.begin() as session:
        member(session, CONTACT).language = "zh"
    app_server.run_job("training-overdue", at(17, 15))  # 7 days overdue
    shown = str(wait_for(lambda: len(dms(emulator, CONTACT)) >= 2 and dms(emulator, CONTACT)))
    assert "培训逾期：Discovery calls 已于 2026-12-10 截止（7 天前）；已收到 0 / 6 课" in shown
    assert "培训逾期：需求探索电话" in shown and "Training overdue" not in shown
    with app_server.session_factory() as session:
        assert all(e.description.startswith("培训逾期") for e in session.scalars(select(Escalation)))
