"""The data lifecycle on both databases: `pacer purge` (a dry run that counts, then every table's rows of
that workspace gone, the installation too, another workspace untouched), `pacer erase` (a member's text
removed, their figures kept under an anonymous label), check-in text retention and its job, the purge of
an uninstalled workspace once its kept days have passed (once, even when two runs overlap), each recorded
in the audit log; and `pacer export` from the command line."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, insert, select, text
from sqlalchemy.orm import Session

from bot import cli
from bot.audit.models import AuditEvent
from bot.checkins.models import CheckIn
from bot.crm.models import CheckinSource
from bot.db import database_now, make_session_factory
from bot.errors import Invalid
from bot.exports import cli as export_cli
from bot.exports import erase, jobs, lifecycle, retention, uninstalled
from bot.exports.models import RetentionSetting
from bot.features import all_exports, metadata
from bot.feedback.models import FieldFeedback
from bot.goals.models import Metric
from bot.incentives.models import Contest, ContestAward
from bot.installs.models import INSTALLATIONS
from bot.roster.models import Member, Vendor
from bot.roster.service import add_vendor
from bot.workspaces.models import Workspace
from tests.conftest import wipe
from tests.exports.support import CONTACT, FORMULA, csv_rows, seed
from tests.factories import TEAM, member
from tests.support.people import REP_EN, REP_LA

OTHER = "T0000002"
NOW = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)


def install(session: Session, team_id: str) -> None:
    row = {"client_id": "C1", "app_id": "A1", "user_id": "U1", "is_enterprise_install": False}
    session.execute(
        insert(INSTALLATIONS).values(team_id=team_id, installed_at=NOW.replace(tzinfo=None), **row)
    )


def other_workspace(session: Session) -> None:
    member(session, "UOTHER", team_id=OTHER)
    add_vendor(session, team_id=OTHER, name="Gamma", contact_user_id=None)
    install(session, OTHER)


def rows_of(session: Session, team_id: str) -> dict[str, int]:
    return {name: count for name, count in lifecycle.counts(session, metadata(), team_id).items() if count}


def award(session: Session, rep: Member) -> ContestAward:
    """An ended contest in the workspace and the prize `rep` won in it."""
    contest = Contest(
        team_id=TEAM,
        name="Sprint",
        metric=Metric.NEW_ACCOUNTS,
        starts_on=date(2026, 10, 1),
        ends_on=date(2026, 11, 30),
        channel_id="C0DIGEST",
        top_n=3,
        prizes="1: a mug",
        ended_at=NOW,
    )
    session.add(contest)
    session.flush()
    won = ContestAward(
        team_id=TEAM, contest_id=contest.id, rep_id=rep.id, rank=1, prize="a mug", awarded_at=NOW
    )
    session.add(won)
    session.flush()
    return won


def test_purge_counts_first_then_deletes_one_workspace_only(session: Session) -> None:
    award(session, seed(session)["rita"])
    install(session, TEAM)
    retention.save_days(session, TEAM, 30, actor=None)
    other_workspace(session)
    before_other = rows_of(session, OTHER)
    dry = rows_of(session, TEAM)
    assert dry["checkins"] == 12 and dry["field_feedback"] == 2 and dry["slack_installations"] == 1
    assert dry["workspaces"] == 1 and dry["retention_settings"] == 1 and dry["audit_events"] == 1
    assert dry["incentive_contests"] == dry["incentive_contest_awards"] == 1
    assert rows_of(session, TEAM) == dry  # a dry run changes nothing

    deleted = lifecycle.purge(session, metadata(), TEAM)
    assert {name: count for name, count in deleted.items() if count} == dry
    assert rows_of(session, TEAM) == {"audit_events": 1}  # the purge's own record
    event = session.scalars(select(AuditEvent).where(AuditEvent.team_id == TEAM)).one()
    assert (event.action, event.actor_id, event.details["rows"]) == ("purge", None, sum(dry.values()))
    assert rows_of(session, OTHER) == before_other
    assert session.get(Workspace, OTHER) is not None


def test_erase_removes_a_members_text_and_keeps_their_figures_anonymously(session: Session) -> None:
    people = seed(session)
    rita = people["rita"]
    won = award(session, rita)
    explained = explain(session, rita.id)
    total = session.scalar(select(func.sum(CheckIn.result)).where(CheckIn.team_id == TEAM))
    done = erase.erase(session, TEAM, REP_EN, actor=people["admin"].id)
    assert done["checkin_sources"] == 1 and session.get_one(CheckinSource, explained).reason == ""
    assert session.get_one(ContestAward, won.id).rep_id == rita.id  # a prize won: kept, like a payout
    assert done["checkins"] == 4
    texts = session.execute(
        select(CheckIn.highlights, CheckIn.blockers).where(CheckIn.rep_id == rita.id)
    ).all()
    assert set(texts) == {("", "")} and FORMULA not in str(texts)
    assert session.scalar(select(func.sum(CheckIn.result)).where(CheckIn.team_id == TEAM)) == total
    erased = session.get_one(Member, rita.id)
    assert (
        erased.display_name == f"erased member {rita.id}" and erased.user_id != REP_EN and not erased.active
    )
    erase.erase(session, TEAM, REP_LA, actor=None)
    sams = session.scalars(select(FieldFeedback).where(FieldFeedback.author_id == people["sam"].id)).one()
    assert sams.market == ""
    actions = session.scalars(select(AuditEvent.action).where(AuditEvent.team_id == TEAM)).all()
    assert sorted(actions) == ["erase", "erase"]


def explain(session: Session, rep_id: int) -> int:
    """The rep's reason beside their first check-in, for a report that differed from the CRM's figure."""
    first = session.scalars(
        select(CheckIn).where(CheckIn.rep_id == rep_id).order_by(CheckIn.week_start)
    ).first()
    assert first is not None
    session.add(
        CheckinSource(
            checkin_id=first.id, team_id=TEAM, crm_amount=Decimal(5), source="zoho", reason="Deal slipped"
        )
    )
    session.flush()
    return first.id


def test_retention_blanks_old_check_in_text_only(session: Session) -> None:
    people = seed(session)
    for checkin in session.scalars(select(CheckIn)):
        checkin.blockers = "a blocker"
    session.flush()
    first_week = explain(session, people["rita"].id)
    assert retention.read_days(["off"]) is None and retention.read_days(["30"]) == 30
    with pytest.raises(Invalid):
        retention.read_days(["0"])
    changed = retention.blank_old_text(session, TEAM, 60, date(2026, 12, 1))  # before 2 October
    assert changed == 3  # each rep's first week, 28 September
    kept = session.scalars(
        select(CheckIn).where(CheckIn.rep_id == people["rita"].id).order_by(CheckIn.week_start)
    ).all()
    assert [c.blockers for c in kept] == ["", "a blocker", "a blocker", "a blocker"]
    assert all(c.result == 9 for c in kept)  # the figures stay
    reasons = session.execute(select(CheckinSource.checkin_id, CheckinSource.reason)).all()
    assert dict(reasons)[first_week] == ""  # why it differed from the CRM: check-in text too


@pytest.fixture
def committed(engine: Engine) -> Iterator[Engine]:
    """For what commits on its own (the job, the command line): a clean database before and after."""
    wipe(engine)
    yield engine
    wipe(engine)


def test_the_retention_job_runs_each_workspace_with_a_limit(committed: Engine) -> None:
    factory = make_session_factory(committed)
    with factory.begin() as session:
        seed(session)
        retention.save_days(session, TEAM, 60, actor=None)
    context = type("Context", (), {"session_factory": factory})()
    said = jobs.blank_checkin_text(context, NOW)  # type: ignore[arg-type]
    assert said.startswith("1 check-ins' text blanked in 1 workspaces")  # Rita's first week's highlights
    with factory() as session:
        runs = session.scalars(select(AuditEvent).where(AuditEvent.action == "retention")).all()
        assert len(runs) == 1 and runs[0].details["blanked"] == 1


def test_the_command_line_exports_purges_and_erases(committed: Engine, tmp_path: Path) -> None:
    factory = make_session_factory(committed)
    with factory.begin() as session:
        seed(session)
    parser = cli._parser()
    export = parser.parse_args(
        [
            "export",
            "--workspace",
            TEAM,
            "--sets",
            "checkins",
            "--from",
            "2026-09-01",
            "--to",
            "2026-12-31",
            "--out",
            str(tmp_path),
        ]
    )
    said = export_cli.run(export, committed, metadata(), all_exports(), 50 << 20)
    assert "pacer-2026-09-01-2026-12-31-checkins.csv (12 rows)" in said
    rows = csv_rows((tmp_path / "pacer-2026-09-01-2026-12-31-checkins.csv").read_bytes())
    assert len(rows) == 13 and "'" + FORMULA in str(rows)
    bad = parser.parse_args(
        ["export", "--workspace", TEAM, "--from", "2026-12-31", "--to", "2026-01-01", "--out", str(tmp_path)]
    )
    with pytest.raises(SystemExit, match="on or after"):
        export_cli.run(bad, committed, metadata(), all_exports(), 50 << 20)

    unknown = parser.parse_args(["erase", "--workspace", TEAM, "--user", CONTACT])
    with pytest.raises(SystemExit, match="pacer: "):
        export_cli.run(unknown, committed, metadata(), (), 0)
    dry_run = parser.parse_args(["erase", "--workspace", TEAM, "--user", REP_EN])
    assert "would erase" in export_cli.run(dry_run, committed, metadata(), (), 0)
    with factory() as session:
        assert session.scalar(select(func.count()).where(Member.user_id == REP_EN)) == 1  # not yet
    erased = export_cli.run(
        parser.parse_args(["erase", "--workspace", TEAM, "--user", REP_EN, "--yes"]),
        committed,
        metadata(),
        (),
        0,
    )
    assert "erased" in erased and "checkins: 4" in erased

    purge = parser.parse_args(["purge", "--workspace", TEAM])
    assert "would delete" in export_cli.run(purge, committed, metadata(), (), 0)
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Vendor)) == 2  # nothing deleted yet
    done = export_cli.run(
        parser.parse_args(["purge", "--workspace", TEAM, "--yes"]), committed, metadata(), (), 0
    )
    assert done.startswith(f"workspace {TEAM}: deleted ")
    with factory() as session:
        assert session.scalar(select(func.count()).select_from(Member)) == 0
        actions = session.scalars(select(AuditEvent.action)).all()
        assert actions == ["purge"]


def leave(session: Session, team_id: str) -> datetime | None:
    session.get_one(Workspace, team_id).active = False
    return uninstalled.schedule(session, team_id)


def test_an_uninstalled_workspace_is_purged_once_its_days_have_passed(session: Session) -> None:
    seed(session)
    install(session, TEAM)
    other_workspace(session)
    before_other = rows_of(session, OTHER)
    due = leave(session, TEAM)
    assert due is not None and leave(session, TEAM) == due  # the second event leaves it be
    assert due - database_now(session) > timedelta(days=29, hours=23)
    assert uninstalled.due(session) == [] and uninstalled.purge_if_due(session, TEAM) is None
    session.get_one(RetentionSetting, TEAM).purge_due_at = database_now(session) - timedelta(seconds=1)
    session.get_one(Workspace, OTHER).active = False  # uninstalled too, but its purge is not due
    session.flush()
    assert uninstalled.due(session) == [TEAM]
    deleted = uninstalled.purge_if_due(session, TEAM)
    assert deleted is not None and deleted["checkins"] == 12
    assert rows_of(session, TEAM) == {"audit_events": 1}
    assert uninstalled.purge_if_due(session, TEAM) is None  # once
    assert rows_of(session, OTHER) == before_other


def test_a_workspace_installed_again_is_not_purged(session: Session) -> None:
    seed(session)
    leave(session, TEAM)
    session.get_one(RetentionSetting, TEAM).purge_due_at = database_now(session) - timedelta(days=1)
    session.get_one(Workspace, TEAM).active = True  # installed again, its purge not yet called off
    session.flush()
    assert uninstalled.purge_if_due(session, TEAM) is None
    assert uninstalled.cancel(session, TEAM) and not uninstalled.cancel(session, TEAM)
    assert uninstalled.due(session) == [] and rows_of(session, TEAM)["checkins"] == 12


def test_overlapping_purge_runs_purge_once(committed: Engine) -> None:
    if committed.dialect.name != "postgresql":
        pytest.skip("SQLite has one writer at a time: nothing to overlap")
    factory = make_session_factory(committed)
    with factory.begin() as session:
        seed(session)
        leave(session, TEAM)
        session.get_one(RetentionSetting, TEAM).purge_due_at = database_now(session) - timedelta(days=1)
    with factory.begin() as first:
        assert uninstalled.purge_if_due(first, TEAM) is not None
        with factory.begin() as second:  # the next run, while the first is still at work
            second.execute(text("SET LOCAL lock_timeout = '2s'"))
            assert uninstalled.purge_if_due(second, TEAM) is None
    with factory.begin() as third:
        assert uninstalled.purge_if_due(third, TEAM) is None
        purges = third.scalars(select(AuditEvent).where(AuditEvent.action == "purge")).all()
        assert [event.details["cause"] for event in purges] == ["uninstalled"]
