"""Feedback visibility and anonymity on a real session, with no Slack: reps see only their own, managers
their team's, admins the workspace's; anonymous items never come with an author and count by theme only
from groups of at least three (small teams folded into the workspace's figures), and only for closed
months."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy.orm import Session

from bot.checkins.models import Confidence
from bot.errors import NotAllowed
from bot.feedback import service
from bot.feedback.anonymity import MIN_ANONYMOUS
from bot.feedback.models import FieldFeedback
from bot.roster.models import Member, Role
from bot.roster.service import Caller, add_to_team, caller_for
from bot.workspaces.service import ensure_workspace
from tests.factories import TEAM, member, rep_with_goal

NOV, DEC, JAN = date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)
SECRET = b"test-anonymity-key"


class Teams:
    """Maria's team of three reps (big enough to keep its name on anonymous items), Ben's of two and
    Cleo's of one (too small: theirs keep no team), and an admin; every team as it was on 1 November."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.admin = member(session, "UADMIN")
        self.maria, self.ben, self.cleo = (
            member(session, u, role=Role.MANAGER) for u in ("UMARIA", "UBEN", "UCLEO")
        )
        self.big = self._team(self.maria, "UR1", "UR2", "UR3")
        self.small = [*self._team(self.ben, "US1", "US2"), *self._team(self.cleo, "US3")]

    def _team(self, manager: Member, *user_ids: str) -> list[Member]:
        reps = [member(self.session, u) for u in user_ids]
        add_to_team(
            self.caller(self.admin),
            reps=reps,
            manager=manager,
            vendor=None,
            now=datetime(2026, 10, 1, tzinfo=UTC),
        )
        self.session.flush()
        return reps

    def caller(self, who: Member) -> Caller:
        return caller_for(who, ensure_workspace(self.session, TEAM), frozenset({"UADMIN"}))

    def key(self, rep: Member, month: date = NOV) -> str:
        return service.author_key(SECRET, team_id=TEAM, user_id=rep.user_id, month=month)

    def share(self, rep: Member, *, anonymous: bool, month: date = NOV, **texts: str) -> FieldFeedback:
        values: dict[str, str | bool] = {name: "" for name in (*service.CONTENT, "competitor")}
        values |= {"market": "Budgets are frozen", "anonymous": anonymous, **texts}
        return service.share(self.session, rep=rep, key=self.key(rep, month), month=month, values=values)

    def give(self, manager: Member, rep: Member) -> int:
        item = service.give(
            self.session,
            caller=self.caller(manager),
            rep=rep,
            answers=("good", "better", "next", 4),
            month=NOV,
        )
        return item.id

    def themes(self, who: Member, *, since: date | None = None, before: date | None = DEC) -> dict[str, int]:
        return service.anonymous_themes(self.session, caller=self.caller(who), since=since, before=before)


@pytest.fixture
def teams(session: Session) -> Teams:
    return Teams(session)


def test_reps_see_only_what_is_addressed_to_them_and_their_own(teams: Teams) -> None:
    r1, r2 = teams.big[:2]
    to_r1, to_r2 = teams.give(teams.maria, r1), teams.give(teams.maria, r2)
    mine = teams.share(r1, anonymous=True)
    teams.share(r2, anonymous=False)
    seen = service.visible(teams.session, caller=teams.caller(r1), keys=[teams.key(r1)])
    assert [item.id for item, _ in seen.given] == [to_r1]
    assert seen.shared == [(mine, None)]  # their own anonymous item, still with no author
    assert seen.anonymous_themes == {}  # a rep never sees counts
    assert to_r2 not in [item.id for item, _ in seen.given]


def test_managers_see_their_team_and_admins_the_workspace_never_an_anonymous_item(teams: Teams) -> None:
    r1, s1 = teams.big[0], teams.small[0]
    to_r1, to_s1 = teams.give(teams.maria, r1), teams.give(teams.ben, s1)
    named_r1, named_s1 = teams.share(r1, anonymous=False), teams.share(s1, anonymous=False)
    teams.share(teams.big[1], anonymous=True)

    def seen(who: Member) -> tuple[set[int], set[tuple[int, str | None]]]:
        found = service.visible(teams.session, caller=teams.caller(who), keys=[])
        return {i.id for i, _ in found.given}, {(i.id, a.user_id if a else None) for i, a in found.shared}

    assert seen(teams.maria) == ({to_r1}, {(named_r1.id, "UR1")})
    assert seen(teams.ben) == ({to_s1}, {(named_s1.id, "US1")})
    assert seen(teams.cleo) == (set(), set())
    assert seen(teams.admin) == ({to_r1, to_s1}, {(named_r1.id, "UR1"), (named_s1.id, "US1")})


def test_an_anonymous_item_keeps_its_team_only_when_the_team_had_three_reps(teams: Teams) -> None:
    assert MIN_ANONYMOUS == service.ANONYMITY_MIN_TEAM == 3
    big, small = teams.share(teams.big[0], anonymous=True), teams.share(teams.small[0], anonymous=True)
    assert (big.author_id, big.manager_id) == (None, teams.maria.id)
    assert (small.author_id, small.manager_id) == (None, None)  # Ben's team of two: no team kept
    named = teams.share(teams.small[1], anonymous=False)
    assert (named.author_id, named.manager_id) == (teams.small[1].id, teams.ben.id)
    again = teams.share(teams.small[1], anonymous=True)  # a second submit edits the first
    assert again.id == named.id and (again.author_id, again.manager_id) == (None, None)
    for outsider in (teams.maria, teams.admin):  # only reps on a team speak for the field
        with pytest.raises(NotAllowed):
            teams.share(outsider, anonymous=False)


def test_anonymous_counts_need_three_items_in_the_group(teams: Teams) -> None:
    r1, r2, r3 = teams.big
    teams.share(r1, anonymous=True)
    teams.share(r2, anonymous=True, problems="Slow approvals")
    assert teams.themes(teams.maria) == {} and teams.themes(teams.admin) == {}
    teams.share(r3, anonymous=True)
    assert teams.themes(teams.maria) == {"market": 3, "problems": 1}
    assert teams.themes(teams.admin) == {"market": 3, "problems": 1}
    assert teams.themes(teams.ben) == {}  # another team's


def test_small_teams_fold_into_the_workspace_only_three_at_a_time(teams: Teams) -> None:
    for rep in teams.big:
        teams.share(rep, anonymous=True)
    s1, s2, s3 = teams.small
    teams.share(s1, anonymous=True, customers="Want monthly billing")
    teams.share(s2, anonymous=True)
    assert teams.themes(teams.admin) == {"market": 3}  # two folded items would be singled out: held back
    teams.share(s3, anonymous=True)
    assert teams.themes(teams.admin) == {"market": 6, "customers": 1}
    assert teams.themes(teams.ben) == {} and teams.themes(teams.cleo) == {}  # too small to be a group
    assert teams.themes(teams.maria) == {"market": 3}


def test_only_closed_months_count(teams: Teams) -> None:
    for rep in teams.big:
        teams.share(rep, anonymous=True)
        teams.share(rep, anonymous=True, month=DEC, suggestions="Shorter forms")
    assert teams.themes(teams.maria, before=NOV) == {}  # November is still open on 15 November
    assert teams.themes(teams.maria, before=DEC) == {"market": 3}  # December still open: only November
    assert teams.themes(teams.maria, before=JAN) == {"market": 6, "suggestions": 3}
    assert teams.themes(teams.maria, since=DEC, before=JAN) == {"market": 3, "suggestions": 3}
    seen = service.visible(teams.session, caller=teams.caller(teams.maria), keys=[], before=DEC)
    assert seen.anonymous_themes == {"market": 3} and seen.shared == []


def test_a_months_figures_are_the_weeks_it_names(session: Session) -> None:
    """The manager's modal on 1 December shows November's figures: the weeks of Nov 2 to Nov 23, each
    over and checked in. The week of Nov 30 (mostly December, not yet reported) is not in them: its
    target would count against a result nobody could have given yet."""
    ensure_workspace(session, TEAM)
    boss = member(session, "UBOSS", role=Role.MANAGER)
    weeks = [date(2026, 10, 26), *(date(2026, 11, day) for day in (2, 9, 16, 23, 30))]
    targets = dict.fromkeys(weeks, 10)
    results = {week: (8, Confidence.ON_TRACK, False, "") for week in weeks[:-1]}  # Nov 30: not yet
    rep = rep_with_goal(session, "UREP", boss, None, targets, results)
    (figure,) = service.month_figures(session, rep_id=rep.id, month=NOV)
    assert (figure.result, figure.target) == (32, 40)  # four weeks of November, not five targets
