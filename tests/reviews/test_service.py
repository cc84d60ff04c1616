"""Review cycles, settings, peer input and the quarter's scorecards (bot/reviews/), on SQLite and
PostgreSQL through the fixtures."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy.orm import Session

from bot.checkins.models import Confidence
from bot.errors import Conflict, Invalid, NotAllowed, NotFound
from bot.reviews import peers, scorecards, service, settings
from bot.reviews.models import Dimension, InputKind, InputSource, ManagerReview, ReviewInput, Source, Stage
from bot.reviews.settings import BANDS_FIELD, DAYS_FIELD, WEIGHTS_FIELD
from bot.roster.models import Member, Role
from bot.roster.policy import Caller
from tests.factories import TEAM, member, rep_with_goal
from tests.reviews.support import NOW, Q4_WEEKS, count_statements, seeded


def admin_of(session: Session) -> Caller:
    return Caller(member=member(session, "UADMIN"), role=Role.ADMIN, locale="en")


# --- cycles -----------------------------------------------------------------------------------------


def test_a_cycle_opens_ten_days_before_the_quarter_ends(session: Session) -> None:
    member(session, "UBOSS", role=Role.MANAGER)
    cycle = service.open_cycle(session, TEAM, "2026q4", by=None, now=NOW)
    assert (cycle.quarter, cycle.stage, cycle.locked) == ("2026Q4", Stage.OPEN, False)
    assert (cycle.opens_on, cycle.self_due, cycle.peer_due, cycle.manager_due) == (
        date(2026, 12, 21),
        date(2026, 12, 25),
        date(2026, 12, 28),
        date(2026, 12, 31),
    )
    with pytest.raises(Conflict):
        service.open_cycle(session, TEAM, "2026Q4", by=None, now=NOW)


def test_the_opening_day_is_the_workspaces_setting(session: Session) -> None:
    member(session, "UBOSS", role=Role.MANAGER)
    settings.save_config(session, TEAM, settings.ReviewConfig(days_before=20))
    cycle = service.open_cycle(session, TEAM, "2027Q1", by=None, now=NOW)
    assert (cycle.opens_on, cycle.manager_due) == (date(2027, 3, 11), date(2027, 3, 31))


@pytest.mark.parametrize("quarter", ["2026Q5", "Q4 2026", "2026-Q4", "26Q4", ""])
def test_a_quarter_must_be_named_like_2026Q4(session: Session, quarter: str) -> None:
    member(session, "UBOSS", role=Role.MANAGER)
    with pytest.raises(Invalid) as refused:
        service.open_cycle(session, TEAM, quarter, by=None, now=NOW)
    assert refused.value.key == "reviews.errors.unknown_quarter"
    with pytest.raises(NotFound):
        service.get_cycle(session, TEAM, "2025Q1")


def test_stages_go_forward_and_publishing_locks(session: Session) -> None:
    member(session, "UBOSS", role=Role.MANAGER)
    cycle = service.open_cycle(session, TEAM, "2026Q4", by=None, now=NOW)
    seen = [service.advance(session, cycle, by=None, now=NOW) for _ in range(6)]
    assert seen == [
        Stage.SELF_REVIEW,
        Stage.PEER_INPUT,
        Stage.MANAGER_REVIEW,
        Stage.CALIBRATION,
        Stage.PUBLISHED,
        Stage.CLOSED,
    ]
    assert cycle.locked and cycle.published_at == NOW
    with pytest.raises(Conflict) as refused:
        service.advance(session, cycle, by=None, now=NOW)
    assert refused.value.key == "reviews.errors.last_stage"


def test_a_locked_cycle_refuses_edits_until_an_admin_reopens_it(session: Session) -> None:
    boss = member(session, "UBOSS", role=Role.MANAGER)
    cycle = service.open_cycle(session, TEAM, "2026Q4", by=boss.id, now=NOW)
    for _ in range(4):
        service.advance(session, cycle, by=boss.id, now=NOW)
    service.lock(session, cycle, by=boss.id, now=NOW)
    with pytest.raises(Conflict) as refused:
        service.check_stage(cycle, Stage.CALIBRATION)
    assert (refused.value.key, refused.value.values) == ("reviews.errors.locked", {"quarter": "2026Q4"})
    service.publish(session, cycle, by=boss.id, now=NOW)
    manager = Caller(member=boss, role=Role.MANAGER, locale="en")
    with pytest.raises(NotAllowed):
        service.reopen(session, cycle, manager, reason="a level was wrong", now=NOW)
    with pytest.raises(Invalid):
        service.reopen(session, cycle, admin_of(session), reason="  ", now=NOW)
    service.reopen(session, cycle, admin_of(session), reason="a level was wrong", now=NOW)
    assert (cycle.locked, cycle.stage, cycle.reopened_count) == (False, Stage.CALIBRATION, 1)
    reopened = [c for c in service.history(session, cycle) if c.what == "reopened"]
    assert [(c.reason, c.changed_by_id) for c in reopened] == [
        ("a level was wrong", admin_of(session).member.id)
    ]


def test_due_dates_outside_the_quarter_or_out_of_order_are_field_errors(session: Session) -> None:
    member(session, "UBOSS", role=Role.MANAGER)
    cycle = service.open_cycle(session, TEAM, "2026Q4", by=None, now=NOW)
    dates = {
        "opens_on": date(2026, 12, 1),
        "self_due": date(2027, 1, 2),
        "peer_due": None,
        "manager_due": date(2026, 11, 30),
    }
    errors = service.set_due_dates(session, cycle, dates, by=None, now=NOW)
    assert set(errors) == {"self_due", "peer_due", "manager_due"}
    assert errors["manager_due"] == "reviews.errors.date_order"
    assert cycle.opens_on == date(2026, 12, 21)  # nothing changed
    good = {
        "opens_on": date(2026, 12, 1),
        "self_due": date(2026, 12, 10),
        "peer_due": date(2026, 12, 15),
        "manager_due": date(2026, 12, 20),
    }
    assert service.set_due_dates(session, cycle, good, by=None, now=NOW) == {}
    assert (cycle.opens_on, cycle.manager_due) == (date(2026, 12, 1), date(2026, 12, 20))


# --- settings ---------------------------------------------------------------------------------------


def test_settings_default_and_round_trip(session: Session) -> None:
    member(session, "UBOSS", role=Role.MANAGER)
    assert settings.load_config(session, TEAM) == settings.DEFAULTS
    typed = {BANDS_FIELD: "60, 80，95 ,110%", WEIGHTS_FIELD: "25 25 25 25", DAYS_FIELD: " 14 "}
    config = settings.check_config(typed)
    assert config == settings.ReviewConfig((60, 80, 95, 110), (25, 25, 25, 25), 14)
    assert isinstance(config, settings.ReviewConfig)
    settings.save_config(session, TEAM, config)
    assert settings.load_config(session, TEAM) == config
    assert config.as_text()[BANDS_FIELD] == "60, 80, 95, 110"


@pytest.mark.parametrize(
    ("field", "typed", "error"),
    [
        (BANDS_FIELD, "70, 90, 90, 120", "reviews.setup.bands_invalid"),
        (BANDS_FIELD, "120, 100, 90, 70", "reviews.setup.bands_invalid"),
        (BANDS_FIELD, "70, 90, 100", "reviews.setup.bands_invalid"),
        (BANDS_FIELD, "0, 90, 100, 120", "reviews.setup.bands_invalid"),
        (WEIGHTS_FIELD, "40, 20, 20", "reviews.setup.weights_invalid"),
        (WEIGHTS_FIELD, "40, 20, -20, 60", "reviews.setup.weights_invalid"),
        (WEIGHTS_FIELD, "40, 20, 20, 30", "reviews.setup.weights_sum"),
        (DAYS_FIELD, "0", "reviews.setup.days_invalid"),
        (DAYS_FIELD, "46", "reviews.setup.days_invalid"),
        (DAYS_FIELD, "ten", "reviews.setup.days_invalid"),
    ],
)
def test_bad_settings_get_field_errors(field: str, typed: str, error: str) -> None:
    values = settings.DEFAULTS.as_text() | {field: typed}
    errors = settings.check_config(values)
    assert not isinstance(errors, settings.ReviewConfig)
    assert set(errors) == {field}
    found = errors[field]
    assert (found if isinstance(found, str) else found.key) == error
    if error == "reviews.setup.weights_sum":
        assert not isinstance(found, str) and found.values == {"total": 110}


# --- peers ------------------------------------------------------------------------------------------


def team(session: Session, size: int) -> tuple[Member, list[Member]]:
    boss = member(session, "UBOSS", role=Role.MANAGER)
    reps = []
    for n in range(size):
        rep = member(session, f"UREP{n}")
        rep.on_team, rep.manager_id = True, boss.id
        reps.append(rep)
    session.flush()
    return boss, reps


def test_peers_rate_a_teammate_once_per_cycle(session: Session) -> None:
    boss, reps = team(session, 6)
    cycle = service.open_cycle(session, TEAM, "2026Q4", by=boss.id, now=NOW)
    rep, raters = reps[0], reps[1:]
    for rater in raters:
        peers.ask_peer(session, cycle, rep, rater, by=boss.id, now=NOW)
    assert peers.ask_peer(session, cycle, rep, raters[0], by=boss.id, now=NOW).rater_id == raters[0].id
    assert len(peers.ratings_of(session, cycle, rep.id)) == 5
    peers.rate(session, cycle, rep, raters[0], rating=4, comment=" good ", now=NOW)
    again = peers.rate(session, cycle, rep, raters[0], rating=5, comment="", now=NOW)
    assert (again.rating, again.comment) == (5, "")
    assert [r.rating for r in peers.ratings_of(session, cycle, rep.id)] == [5, None, None, None, None]


def test_peer_rules_refuse_with_the_reason(session: Session) -> None:
    boss, reps = team(session, 7)
    cycle = service.open_cycle(session, TEAM, "2026Q4", by=boss.id, now=NOW)
    outsider = member(session, "UOUT")
    refusals = []
    for attempt in (
        lambda: peers.ask_peer(session, cycle, reps[0], reps[0], by=None, now=NOW),
        lambda: peers.ask_peer(session, cycle, reps[0], outsider, by=None, now=NOW),
        lambda: peers.rate(session, cycle, reps[0], reps[1], rating=3, comment="", now=NOW),
    ):
        with pytest.raises((Invalid, NotAllowed)) as refused:
            attempt()
        refusals.append(refused.value.key)
    for rater in reps[1:6]:
        peers.ask_peer(session, cycle, reps[0], rater, by=None, now=NOW)
    with pytest.raises(Invalid) as too_many:
        peers.ask_peer(session, cycle, reps[0], reps[6], by=None, now=NOW)
    with pytest.raises(Invalid) as out_of_range:
        peers.rate(session, cycle, reps[0], reps[1], rating=6, comment="", now=NOW)
    assert [*refusals, too_many.value.key, out_of_range.value.key] == [
        "reviews.errors.self_rating",
        "reviews.errors.not_teammate",
        "reviews.errors.not_asked",
        "reviews.errors.too_many_peers",
        "reviews.errors.rating_range",
    ]


# --- scorecards -------------------------------------------------------------------------------------


def test_scorecards_of_a_quarter(session: Session) -> None:
    _, reps = seeded(session, 5)
    session.add(
        ReviewInput(
            team_id=TEAM,
            quarter="2026Q4",
            rep_id=reps[0].id,
            kind=InputKind.SATISFACTION,
            source=InputSource.UPLOAD,
            value=Decimal("4.2"),
            scale=Decimal(5),
        )
    )
    session.add(
        ReviewInput(
            team_id=TEAM,
            quarter="2026Q4",
            rep_id=reps[0].id,
            kind=InputKind.SATISFACTION,
            source=InputSource.MANAGER,
            value=Decimal(3),
            scale=Decimal(5),
            note="two complaints",
        )
    )
    session.add(
        ReviewInput(
            team_id=TEAM,
            quarter="2026Q4",
            rep_id=reps[0].id,
            kind=InputKind.EXPANSION,
            source=InputSource.CRM,
            value=Decimal(4),
        )
    )
    session.flush()
    cards = {card.rep_id: card for card in scorecards.build_scorecards(session, TEAM, "2026Q4")}
    first = cards[reps[0].id]  # 8 of 10 a week: 80 % → level 2
    assert first.attainment == Decimal("0.8")
    assert [(lv.level, lv.source) for lv in first.levels.values()] == [
        (2, Source.AUTO),
        (3, Source.AUTO),  # the manager's entry wins over the upload
        (None, Source.AUTO),  # a count of new accounts has no level of its own
        (4, Source.PEER),  # median of 3, 4, 5
    ]
    # 2026 has 53 ISO weeks: Q4's last one starts on 28 December (its Thursday is the 31st)
    assert first.levels[Dimension.SALES].evidence.values == {"attainment": "0.8", "weeks": "14"}
    assert first.levels[Dimension.SATISFACTION].evidence.values["source"] == "manager"
    assert first.overall is not None and first.overall.reweighted  # (2×40 + 3×20 + 4×20) / 80 = 2.75
    assert first.overall.score == Decimal("2.8")
    levels = [cards[r.id].levels[Dimension.SALES].level for r in reps]
    assert levels == [2, 3, 4, 4, 5]  # 80, 90, 100, 110 and 120 %, banded at each band's edge
    assert cards[reps[4].id].attainment == Decimal("1.2")


def test_a_managers_final_level_replaces_the_computed_one(session: Session) -> None:
    boss, reps = seeded(session, 4)
    cycle = service.get_cycle(session, TEAM, "2026Q4")
    session.add(
        ManagerReview(
            team_id=TEAM,
            cycle_id=cycle.id,
            rep_id=reps[0].id,
            manager_id=boss.id,
            sales_level=5,
            sales_reason="a big deal signed on 31 December",
        )
    )
    session.flush()
    card = scorecards.build_scorecards(session, TEAM, "2026Q4")[0]
    assert (card.levels[Dimension.SALES].level, card.levels[Dimension.SALES].source) == (5, Source.MANAGER)


def test_a_quarter_without_goals_or_checkins_is_no_data(session: Session) -> None:
    boss, _ = seeded(session, 4)
    cards = scorecards.build_scorecards(session, TEAM, "2027Q1")  # no goal in that quarter, no cycle
    assert [(c.attainment, c.levels[Dimension.SALES].level) for c in cards] == [(None, None)] * 4
    assert {c.levels[Dimension.SALES].evidence.key for c in cards} == {"reviews.evidence.sales_no_data"}
    assert {c.levels[Dimension.TEAMWORK].evidence.key for c in cards} == {"reviews.evidence.teamwork_too_few"}
    assert {c.overall.score if c.overall else 0 for c in cards} == {None}
    silent = rep_with_goal(session, "USILENT", boss, None, dict.fromkeys(Q4_WEEKS, 10), {})
    card = next(c for c in scorecards.build_scorecards(session, TEAM, "2026Q4") if c.rep_id == silent.id)
    assert (card.attainment, card.levels[Dimension.SALES].level) == (None, None)  # no check-in: not 0 %


def test_only_the_weeks_so_far_count_before_the_quarter_ends(session: Session) -> None:
    seeded(session, 4)
    card = scorecards.build_scorecards(session, TEAM, "2026Q4", through=date(2026, 10, 7))[0]
    assert card.levels[Dimension.SALES].evidence.values == {"attainment": "0.8", "weeks": "2"}


@pytest.mark.parametrize("size", [10, 100])
def test_statements_do_not_grow_with_the_reps(session: Session, size: int) -> None:
    seeded(session, size)
    session.expire_all()  # the settings row is read, not taken from the session's identity map
    engine = session.get_bind().engine
    counted = count_statements(engine, lambda: scorecards.build_scorecards(session, TEAM, "2026Q4"))
    assert counted == 7 + scorecards.connected_statements()  # the same for 10 reps and for 100


# --- the calendar's quarters ------------------------------------------------------------------------


def test_quarters_and_their_weeks() -> None:
    from bot import calendar

    assert calendar.quarter_bounds("2026Q1") == (date(2026, 1, 1), date(2026, 3, 31))
    assert calendar.quarter_bounds("2024q1") == (date(2024, 1, 1), date(2024, 3, 31))
    for bad in ("2026Q0", "2026Q5", "2026-Q1", "20260Q1", "abcdQ1", "2026Q"):
        with pytest.raises(ValueError):
            calendar.quarter_bounds(bad)
    # the weeks whose Thursday is in the quarter: 14 in Q4 2026 (a 53-week year), then 12 in Q1 2027
    assert scorecards.quarter_span("2026Q4", None) == (date(2026, 9, 28), date(2026, 12, 28))
    assert scorecards.quarter_span("2027Q1", None) == (date(2027, 1, 4), date(2027, 3, 22))
    assert scorecards.quarter_span("2026Q4", date(2026, 11, 4)) == (date(2026, 9, 28), date(2026, 11, 2))
    # a one-day window: it opens the day before, and everything is due on the last day
    assert calendar.review_dates("2027Q1", 1) == (
        date(2027, 3, 30),
        date(2027, 3, 31),
        date(2027, 3, 31),
        date(2027, 3, 31),
    )


def test_the_evidence_shows_attainment_to_four_places(session: Session) -> None:
    boss = member(session, "UBOSS", role=Role.MANAGER)
    results = {week: (2, Confidence.ON_TRACK, False, "") for week in Q4_WEEKS}
    rep_with_goal(session, "UTHIRDS", boss, None, dict.fromkeys(Q4_WEEKS, 3), results)
    card = scorecards.build_scorecards(session, TEAM, "2026Q4")[0]
    assert card.attainment is not None and card.attainment > Decimal("0.6666")  # exact, for the level
    assert card.levels[Dimension.SALES].evidence.values["attainment"] == "0.6667"
