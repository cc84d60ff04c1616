"""What the export tests share: a workspace of two teams and two vendors, with check-ins (one of them
typed like a formula), field feedback (one anonymous), and a vendor contact."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from bot.checkins.models import CheckIn, Confidence
from bot.feedback.models import FieldFeedback
from bot.recognition.models import Kudos, Status
from bot.roster.models import Member, Role
from bot.roster.service import add_vendor
from tests.factories import TEAM, member, rep_with_goal
from tests.reviews.support import Q4_WEEKS
from tests.support.people import ADMIN, BEN, MARIA, REP_EN, REP_LA, REP_ZH

CONTACT = "UVICTOR"  # Acme's contact
FORMULA = '=HYPERLINK("http://x")'
SECRET_TEXT = "they said the competitor is cheaper"  # in the anonymous item
PRIVATE_THANKS = "thanks for covering my calls"  # a private kudos


def seed(session: Session) -> dict[str, Member]:
    """Maria's Rita (Acme) and Li (Acme), Ben's Sam (Beta); Rita's first check-in reads like a formula;
    Rita gave anonymous field feedback, Sam named feedback."""
    maria, ben = member(session, MARIA, role=Role.MANAGER), member(session, BEN, role=Role.MANAGER)
    admin = member(session, ADMIN)
    acme = add_vendor(session, team_id=TEAM, name="Acme", contact_user_id=CONTACT)
    beta = add_vendor(session, team_id=TEAM, name="Beta", contact_user_id=None)
    people = {"maria": maria, "ben": ben, "admin": admin}
    for key, user_id, boss, vendor in (
        ("rita", REP_EN, maria, acme),
        ("li", REP_ZH, maria, acme),
        ("sam", REP_LA, ben, beta),
    ):
        results = {week: (9, Confidence.ON_TRACK, False, "") for week in Q4_WEEKS[:4]}
        people[key] = rep_with_goal(session, user_id, boss, vendor, dict.fromkeys(Q4_WEEKS, 10), results)
    first = session.query(CheckIn).filter_by(rep_id=people["rita"].id, week_start=Q4_WEEKS[0]).one()
    first.highlights = FORMULA
    month = date(2026, 10, 1)
    session.add(
        FieldFeedback(
            team_id=TEAM,
            month=month,
            author_key="a",
            anonymous=True,
            author_id=None,
            manager_id=maria.id,
            market=SECRET_TEXT,
        )
    )
    session.add(
        FieldFeedback(
            team_id=TEAM,
            month=month,
            author_key="b",
            anonymous=False,
            author_id=people["sam"].id,
            manager_id=ben.id,
            market="prices are up",
        )
    )
    for giver, reason, public in ((people["sam"], "great demo", True), (people["li"], PRIVATE_THANKS, False)):
        session.add(
            Kudos(
                team_id=TEAM,
                giver_id=giver.id,
                receiver_id=people["rita"].id,
                points=5,
                reason=reason,
                kudos_values="",
                public=public,
                status=Status.ACCEPTED,
                month=date(2026, 11, 1),
            )
        )
    session.flush()
    return people


def csv_rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf")  # UTF-8 with a BOM, so Excel reads it
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))


def shared_files(emulator: Any, user_id: str) -> dict[str, bytes]:
    """The files shared in the person's DM with Pacer, by name."""
    return {
        entry["filename"]: entry["content"]
        for entry in emulator.files.values()
        if entry["shared"] and entry["shared"]["channel"] == "D" + user_id
    }
