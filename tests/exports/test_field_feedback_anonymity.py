"""The field-feedback export keeps anonymous feedback anonymous, on both databases: an anonymous item is
released only under the app's own rule (at least three in the group that month, closed months only), as
"anonymous" with no rep, sorted by its text (never by when it was written), and never to a vendor."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from bot import calendar
from bot.db import database_now
from bot.exports.base import ExportScope, Row
from bot.exports.sets import FIELD_FEEDBACK
from bot.roster.service import add_vendor
from tests.factories import TEAM
from tests.feedback.test_service import NOV, Teams

SINCE, UNTIL = date(2026, 9, 1), date(2027, 12, 31)


def rows(session: Session, scope: ExportScope) -> list[Row]:
    return list(FIELD_FEEDBACK.rows(session, scope, SINCE, UNTIL))


def anonymous(found: list[Row]) -> list[tuple[str | None, str]]:
    return [(row[2], row[3]) for row in found if row[1] == "anonymous"]


def test_one_anonymous_item_beside_named_ones_is_not_exported(session: Session) -> None:
    """The review's case: a team of three, one anonymous and two named items in November. The app shows
    nothing of the anonymous one; an export with its text would name its writer by elimination."""
    teams = Teams(session)
    r1, r2, r3 = teams.big
    teams.share(r1, anonymous=False, market="named one")
    teams.share(r2, anonymous=False, market="named two")
    teams.share(r3, anonymous=True, market="the secret")
    for scope in (ExportScope(TEAM, manager_id=teams.maria.id), ExportScope(TEAM)):
        found = rows(session, scope)
        assert [(row[2], row[3]) for row in found] == [("UR1", "named one"), ("UR2", "named two")]
        assert "the secret" not in str(found)


def test_three_anonymous_items_are_released_sorted_by_text_to_their_team_and_the_workspace(
    session: Session,
) -> None:
    teams = Teams(session)
    for rep, text in zip(teams.big, ("zebra deals", "apple deals", "mango deals"), strict=True):
        teams.share(rep, anonymous=True, market=text)  # written z, a, m: exported a, m, z
    teams.share(teams.small[0], anonymous=False, market="named in Ben's team")
    expected = [(None, "apple deals"), (None, "mango deals"), (None, "zebra deals")]
    assert anonymous(rows(session, ExportScope(TEAM, manager_id=teams.maria.id))) == expected
    everything = rows(session, ExportScope(TEAM))
    assert anonymous(everything) == expected
    assert [row[0] for row in everything] == [NOV] * 4
    assert anonymous(rows(session, ExportScope(TEAM, manager_id=teams.ben.id))) == []  # not Ben's team
    vendor = add_vendor(session, team_id=TEAM, name="Acme", contact_user_id=None)
    for rep in teams.big:
        rep.vendor_id = vendor.id
    session.flush()
    for private in (True, False):  # a vendor's scope never has them, even chosen by an admin
        assert anonymous(rows(session, ExportScope(TEAM, vendor_id=vendor.id, private=private))) == []


def test_small_teams_fold_into_the_workspace_only(session: Session) -> None:
    teams = Teams(session)
    for rep, text in zip(teams.small, ("b", "c", "a"), strict=True):  # no team kept: theirs are too small
        teams.share(rep, anonymous=True, market=text)
    assert anonymous(rows(session, ExportScope(TEAM))) == [(None, "a"), (None, "b"), (None, "c")]
    assert anonymous(rows(session, ExportScope(TEAM, manager_id=teams.ben.id))) == []


def test_the_month_still_open_is_held_back(session: Session) -> None:
    """An export taken before and after a new item must not single it out: open months wait."""
    teams = Teams(session)
    this_month = calendar.month_of(database_now(session).date())
    assert calendar.feedback_months_closed_before(database_now(session)) <= this_month
    for rep in teams.big:
        teams.share(rep, anonymous=True, month=this_month, market="this month")
    assert anonymous(rows(session, ExportScope(TEAM))) == []
