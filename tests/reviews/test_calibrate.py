"""The calibration message (bot/reviews/calibrate.py): at most 50 blocks however many reps, the rest
named as "more" (the CSV has them all); Lock and publish only for admins, behind Slack's dialog."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.reviews import calibrate, service
from bot.reviews.models import Stage
from bot.roster.models import Role
from bot.roster.policy import Caller
from tests.factories import TEAM, member
from tests.reviews.support import NOW, seeded


def buttons(found: list[dict]) -> dict[str, dict]:
    return {e["action_id"]: e for b in found if b["type"] == "actions" for e in b["elements"]}


def test_a_big_cycle_fits_one_message(session: Session) -> None:
    boss, _ = seeded(session, 120)
    cycle = service.get_cycle(session, TEAM, "2026Q4")
    cycle.stage = Stage.CALIBRATION
    admin = Caller(member=member(session, "UADM", role=Role.ADMIN), role=Role.ADMIN, locale="zh")
    text, found = calibrate.listing(session, admin, cycle, None, today=NOW.date())
    assert text == "2026Q4 的评分卡（校准）：120 名销售"
    assert len(found) <= 50 and "……还有 20 名销售：CSV 导出包含全部。" in str(found)
    publish = buttons(found)["reviews_publish"]
    assert publish["value"] == "2026Q4:0" and publish["confirm"]["confirm"]["text"] == "发布"
    mine = Caller(member=boss, role=Role.MANAGER, locale="en")
    text, found = calibrate.listing(session, mine, cycle, None, today=NOW.date())
    assert text.endswith("120 reps") and set(buttons(found)) == {"reviews_export"}
