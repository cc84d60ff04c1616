"""A contest's leaderboard from the database, on SQLite and PostgreSQL: ranked by attainment, ties sharing
a rank, only the top N (never anyone below), reps without a target in the window not ranked; and the
modal's prize lines. Prizes per threshold: each rep wins the highest threshold reached (exactly at it
counts, ties all win, nobody reaching any is fine), the threshold rows checked, and a rep's own standing."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.checkins.models import Confidence
from bot.delivery.service import enqueue
from bot.errors import PacerError
from bot.incentives import contest_awards, contest_views, contests
from bot.incentives.models import Contest, PrizeKind
from bot.roster.models import Member, Role
from bot.roster.policy import Caller
from bot.slack import blocks
from bot.workspaces.models import Workspace
from tests.factories import TEAM, member, rep_with_goal
from tests.reviews.support import Q4_WEEKS
from tests.support.people import ADMIN, MARIA

NOW = datetime(2026, 12, 21, 9, tzinfo=UTC)


def contest_of(session: Session, top_n: int, prizes: str = "1: 500 USD") -> Contest:
    admin = member(session, ADMIN, role=Role.ADMIN)
    answers = contests.ContestAnswers(
        name=f"Sprint {top_n}",
        metric="new_accounts",
        starts_on="2026-10-01",
        ends_on="2026-12-31",
        channel="C0DIGEST",
        top_n=str(top_n),
        prizes=prizes,
    )
    data = contests.check_contest(answers, today=NOW.date())
    assert isinstance(data, contests.ContestInput)
    return contests.save_contest(session, Caller(member=admin, role=Role.ADMIN, locale="en"), data, now=NOW)


def test_ties_share_a_rank_and_only_the_top_is_shown(session: Session) -> None:
    boss = member(session, MARIA, role=Role.MANAGER)
    for n, weekly in enumerate((12, 9, 12, 5)):
        results = {week: (weekly, Confidence.ON_TRACK, False, "") for week in Q4_WEEKS}
        rep_with_goal(session, f"UR{n}", boss, None, dict.fromkeys(Q4_WEEKS, 10), results)  # type: ignore[arg-type]
    member(session, "UNOGOAL").on_team = True  # no target: not ranked
    two = contests.leaderboard(session, contest_of(session, 2), through=date(2026, 12, 21))
    assert [(p.rank, p.rep.user_id) for p in two] == [(1, "UR0"), (1, "UR2")]  # a tie: by name
    three = contests.leaderboard(session, contest_of(session, 3), through=date(2026, 12, 21))
    assert [p.rank for p in three] == [1, 1, 3] and three[-1].rep.user_id == "UR1"


def test_nobody_at_zero_is_ranked_shown_or_wins(session: Session) -> None:
    """40 reps with a target and no result yet (0 %): no place, an empty board saying so, no winner."""
    boss = member(session, MARIA, role=Role.MANAGER)
    for n in range(40):
        rep_with_goal(session, f"UR{n:02}", boss, None, dict.fromkeys(Q4_WEEKS, 10), {})
    contest = contest_of(session, 3, "1: 500 USD\n2: 300 USD\n3: a mug")
    found = contests.figures(session, contest, through=date(2026, 12, 21))
    assert len(found) == 40 and {f.attainment for f in found.values()} == {0}
    assert contests.ranked(session, contest, found) == []
    assert (
        contest_awards.awards(contest, [], found) == [] and contest_awards.winners(contest, [], found) == ()
    )
    board = contest_views.leaderboard_message(contest, [], contests.prizes_of(contest), "en", final=True)
    assert "No results yet" in str(board) and "<@UR" not in str(board)


def test_a_tie_at_the_last_place_is_counted_not_named_and_shares_its_prize(session: Session) -> None:
    """Top 3: 120 %, 110 %, then ten reps at 100 %: places 1, 2 and ten times 3. The board names three
    and counts the nine others tied at 3; all ten win the 3rd prize, the place being within the top 3."""
    boss = member(session, MARIA, role=Role.MANAGER)
    for n, weekly in enumerate((12, 11, *[10] * 10)):
        results = {week: (weekly, Confidence.ON_TRACK, False, "") for week in Q4_WEEKS}
        rep_with_goal(session, f"UR{n:02}", boss, None, dict.fromkeys(Q4_WEEKS, 10), results)  # type: ignore[arg-type]
    contest = contest_of(session, 3, "1: 500 USD\n2: 300 USD\n3: a mug")
    found = contests.figures(session, contest, through=date(2026, 12, 21))
    places = contests.ranked(session, contest, found)
    assert [p.rank for p in places] == [1, 2, *[3] * 10]
    named, tied = contests.on_board(places, contest.top_n)
    assert [p.rep.user_id for p in named] == ["UR00", "UR01", "UR02"] and tied == 9
    prizes = contests.prizes_of(contest)
    shown = str(contest_views.leaderboard_message(contest, places, prizes, "en", final=True))
    assert shown.count("<@UR") == 3 and "3. <@UR02>: 100% — a mug" in shown
    assert "+9 more tied at place 3, not named here." in shown and "Ties share a place (1, 2, 2, 4)" in shown
    assert "另有 9 人并列第 3 名" in str(
        contest_views.leaderboard_message(contest, places, prizes, "zh", final=True)
    )
    won = contest_awards.awards(contest, places, found)
    assert [(a.rank, a.prize) for a in won] == [(1, "500 USD"), (2, "300 USD"), *[(3, "a mug")] * 10]
    workspace = session.get_one(Workspace, TEAM)
    recorded = contest_awards.record(session, contest, won, now=NOW)
    told = contest_awards.dms(session, contest, recorded, workspace)
    assert len({m.key for m in told}) == 12 and all(
        m.key.startswith(f"incentive-contest-won:{contest.id}:") for m in told
    )
    assert told[-1].payload == blocks.notice("🏆 You won place 3 in contest *Sprint 3*: prize a mug.")
    assert enqueue(session, told, now=NOW) == 12
    assert (
        enqueue(session, contest_awards.dms(session, contest, recorded, workspace), now=NOW) == 0
    )  # once per rep
    with pytest.raises(IntegrityError), session.begin_nested():  # recorded once per contest and rep
        contest_awards.record(session, contest, won[:1], now=NOW)
    # a tie at place 2 of the top 3 (1, 2, 2, 2, 2): three named, three counted; no 3rd place, no 3rd prize
    reps = [Member(id=n, team_id=TEAM, user_id=f"UX{n}") for n in range(5)]
    tie = [contests.Place(1 if n == 0 else 2, reps[n], Decimal(2 if n == 0 else 1)) for n in range(5)]
    assert [p.rank for p in contests.on_board(tie, 3)[0]] == [1, 2, 2] and contests.on_board(tie, 3)[1] == 2
    assert [(a.rep_id, a.rank) for a in contest_awards.awards(contest, tie, {})] == [
        (0, 1),
        (1, 2),
        (2, 2),
        (3, 2),
        (4, 2),
    ]


def test_prize_lines() -> None:
    assert contests.read_prizes("2) a day off\n1: 500 USD", 3) == {2: "a day off", 1: "500 USD"}
    for bad in ("4: too low", "1: a\n1: b", "first: 5"):
        refused = contests.read_prizes(bad, 3)
        assert isinstance(refused, PacerError) and refused.key == "incentives.contest.prize_line"


THRESHOLDS = "108: a mug\n144: 300 USD\n200: a trip"


def threshold_contest_of(session: Session, thresholds: str = THRESHOLDS) -> Contest:
    admin = member(session, ADMIN, role=Role.ADMIN)
    answers = contests.ContestAnswers(
        name="Threshold sprint",
        metric="new_accounts",
        starts_on="2026-10-01",
        ends_on="2026-12-31",
        channel="C0DIGEST",
        top_n="2",
        prize_kind="threshold",
        thresholds=thresholds,
    )
    data = contests.check_contest(answers, today=NOW.date())
    assert isinstance(data, contests.ContestInput)
    return contests.save_contest(session, Caller(member=admin, role=Role.ADMIN, locale="en"), data, now=NOW)


def at(value: str, prize: str) -> contests.Threshold:
    return contests.Threshold(Decimal(value), prize)


def test_each_rep_wins_the_highest_threshold_reached() -> None:
    ten, twenty = at("10", "200 USD"), at("20", "400 USD")
    totals = {
        1: Decimal(10),
        2: Decimal("10.00"),
        3: Decimal("9.99"),
        4: None,
        5: Decimal(25),
        6: Decimal(20),
    }
    # exactly at a threshold reaches it; ties both win; below, or no single-unit total, wins nothing
    assert contests.threshold_winners(totals, [ten, twenty]) == [(ten, (1, 2)), (twenty, (5, 6))]
    assert [r.count for r in contests.reached(totals, [ten, twenty])] == [4, 2]  # at least it
    nobody = {1: Decimal("9.99"), 2: Decimal(0)}
    assert contests.threshold_winners(nobody, [ten, twenty]) == [(ten, ()), (twenty, ())]
    assert [r.count for r in contests.reached(nobody, [ten, twenty])] == [0, 0]
    assert contests.threshold_winners({}, [ten]) == [(ten, ())]


def test_threshold_lines() -> None:
    assert contests.read_thresholds("10: 200 USD\n 12.5 : a day off: Friday\n1,000: a trip") == (
        at("10", "200 USD"),
        at("12.5", "a day off: Friday"),
        at("1000", "a trip"),
    )
    for bad, key, row in (
        ("10: a\n0: b", "threshold_line", 2),  # not above zero
        ("10: a\n-5: b", "threshold_line", 2),
        ("10: a\n20:", "threshold_line", 2),  # no prize
        ("ten: a", "threshold_line", 1),
        ("10.001: a", "threshold_line", 1),
        ("10: a\n20: b\n20: c", "threshold_order", 3),  # strictly increasing
        ("20: a\n10: b", "threshold_order", 2),
    ):
        refused = contests.read_thresholds(bad)
        assert isinstance(refused, PacerError) and refused.key == f"incentives.contest.{key}", bad
        assert refused.values["row"] == row, bad
    for bad, key in (
        ("", "thresholds_needed"),
        ("\n".join(f"{n}: x" for n in range(1, 12)), "thresholds_many"),
    ):
        refused = contests.read_thresholds(bad)
        assert isinstance(refused, PacerError) and refused.key == f"incentives.contest.{key}"


def test_the_prize_kind_decides_which_field_is_read() -> None:
    base = contests.ContestAnswers(
        name="X", metric="calls", starts_on="2026-12-01", ends_on="2026-12-31", channel="C1", top_n="3"
    )
    both = replace(base, prize_kind="threshold", prizes="1: 500 USD", thresholds="10: a\n5: b")
    errors = contests.check_contest(both, today=NOW.date())
    assert set(errors) == {"prizes", "thresholds"}  # each field's own error, nothing else
    assert isinstance(errors, dict) and errors["prizes"] == "incentives.contest.prizes_unused"
    by_rank = contests.check_contest(replace(base, prizes="1: a", thresholds="10: b"), today=NOW.date())
    assert by_rank == {"thresholds": "incentives.contest.thresholds_unused"}
    forged = contests.check_contest(replace(base, prize_kind="lottery"), today=NOW.date())
    assert forged == {"prize_kind": "incentives.contest.prize_kind"}
    good = contests.check_contest(replace(base, prize_kind="threshold", thresholds="10: a"), today=NOW.date())
    assert isinstance(good, contests.ContestInput) and good.prize_kind is PrizeKind.THRESHOLD
    assert good.thresholds == (at("10", "a"),) and good.prizes == {}


def test_a_threshold_contest_from_the_database(session: Session) -> None:
    """New accounts over the window's 12 weeks so far: 144, 108, 144 and 60; thresholds 108, 144 and 200."""
    boss = member(session, MARIA, role=Role.MANAGER)
    reps = []
    for n, weekly in enumerate((12, 9, 12, 5)):
        results = {week: (weekly, Confidence.ON_TRACK, False, "") for week in Q4_WEEKS}
        reps.append(rep_with_goal(session, f"UR{n}", boss, None, dict.fromkeys(Q4_WEEKS, 10), results))  # type: ignore[arg-type]
    contest = threshold_contest_of(session)
    assert contest.prize_kind is PrizeKind.THRESHOLD and contests.prizes_of(contest) == {}
    mug, usd, trip = contests.thresholds_of(contest)
    found = contests.figures(session, contest, through=date(2026, 12, 21))
    totals = contests.totals_of(found)
    assert totals == {reps[0].id: 144, reps[1].id: 108, reps[2].id: 144, reps[3].id: 60}
    assert contests.threshold_winners(totals, [mug, usd, trip]) == [
        (mug, (reps[1].id,)),
        (usd, (reps[0].id, reps[2].id)),  # a tie, both at the threshold exactly
        (trip, ()),
    ]
    places = contests.ranked(session, contest, found)
    assert contest_awards.winners(contest, places, found) == (
        reps[0].id,
        reps[2].id,
        reps[1].id,
    )  # best first
    (standing,) = contests.standings(session, TEAM, reps[1].id, today=date(2026, 12, 21))
    assert (standing.total, standing.unit, standing.reached, standing.next) == (108, "count", mug, usd)
    assert contest_views.rep_standing(standing, "en") == [
        "*Threshold sprint* (a contest on New accounts, to Dec 31): *108* so far.",
        "🏅 You have reached 108: a mug.",
        "🎯 *36 more to reach 144: 300 USD*.",
    ]
    (low,) = contests.standings(session, TEAM, reps[3].id, today=date(2026, 12, 21))
    assert (low.reached, low.next) == (None, mug)
    assert contest_views.rep_standing(low, "zh")[-1] == "🎯 *再多 48 即可达到 108：a mug*。"
    assert contests.standings(session, TEAM, reps[3].id, today=date(2026, 9, 30)) == []  # not started
