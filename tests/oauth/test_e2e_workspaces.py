"""Two workspaces installed side by side by OAuth, end to end (signed requests, the real app and sender,
the emulator; SQLite and PostgreSQL): each sees only its own people and goals in its commands, and one
`weekly-nudges` run (once per workspace, `each_workspace`) sends each workspace's reps their own nudge
with that workspace's own token, and nobody else's; each one's exports (the modal, an admin's and a
manager's, and `pacer export --workspace`) hold its own data only."""

from __future__ import annotations

import argparse
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from bot.exports import cli as export_cli
from bot.features import all_exports, metadata
from bot.goals.models import Goal, GoalStatus, Metric, PeriodKind
from bot.roster.models import Role
from bot.roster.service import add_vendor
from tests.conftest import SIGNING_SECRET
from tests.exports.support import csv_rows, shared_files
from tests.factories import member
from tests.oauth.test_e2e_oauth import ACME, BETA, _bots, install, oauth_server  # noqa: F401
from tests.support.app_server import AppServer
from tests.support.people import ADMIN
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

MONDAY = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)  # inside every rep's Monday 09:00 nudge window (UTC)
PEOPLE = {ACME: ("UA000", ["UA001", "UA002"]), BETA: ("UB000", ["UB001", "UB002", "UB003"])}


def _seed(server: AppServer) -> None:
    """In each workspace a manager and reps, each rep with an active goal named after the workspace."""
    with server.session_factory.begin() as session:
        for team_id, (boss_id, reps) in PEOPLE.items():
            boss = member(session, boss_id, role=Role.MANAGER, team_id=team_id, full_member=True)
            for user_id in reps:
                rep = member(session, user_id, team_id=team_id)
                rep.on_team, rep.manager_id = True, boss.id
                session.flush()
                session.add(
                    Goal(
                        team_id=team_id,
                        rep_id=rep.id,
                        manager_id=boss.id,
                        title=f"{team_id} accounts for {user_id}",
                        metric=Metric.NEW_ACCOUNTS,
                        unit="count",
                        target=Decimal(12),
                        why="growth",
                        period_kind=PeriodKind.CUSTOM,
                        start_date=date(2026, 11, 30),
                        end_date=date(2026, 11, 30) + timedelta(days=27),
                        status=GoalStatus.ACTIVE,
                    )
                )


def _dm_calls(emulator: SlackEmulator, user_id: str) -> list[tuple[str, str]]:
    """(token, text) of each DM Slack took for `user_id`."""
    return [
        (str(call.token), str(call.params.get("text", "")))
        for call in emulator.calls_to("chat.postMessage")
        if call.params.get("channel") == user_id and call.response.get("ok")
    ]


def test_two_workspaces_each_see_only_their_own(oauth_server: AppServer, emulator: SlackEmulator) -> None:  # noqa: F811
    for team_id in (ACME, BETA):
        assert install(oauth_server, emulator, team_id)[0] == 200
    assert {team_id for team_id, _, _ in _bots(oauth_server.session_factory.kw["bind"])} == {ACME, BETA}
    # the tokens the OAuth installs were given (Acme also keeps the emulator's own, which Pacer never got)
    tokens = {
        team_id: [t for t in emulator.bot_tokens(team_id) if t.startswith("xoxe.")] for team_id in PEOPLE
    }
    assert len(tokens[ACME]) == len(tokens[BETA]) == 1
    _seed(oauth_server)
    for team_id, (boss_id, reps) in PEOPLE.items():
        peer = SlackPeer(oauth_server.events_url, SIGNING_SECRET, emulator, team_id=team_id)
        shown = peer.command("goals", user_id=boss_id).json()["text"]
        others = [u for t, (_, rs) in PEOPLE.items() if t != team_id for u in rs]
        assert all(f"accounts for {user_id}" in shown for user_id in reps), shown
        assert not any(f"accounts for {user_id}" in shown for user_id in others), shown
    emulator.reset()
    lines = oauth_server.run_job("weekly-nudges", MONDAY)
    assert lines[0] == "weekly-nudges: 5 reps due a nudge, 5 new in the outbox (in 2 workspaces)"
    for team_id, (_, reps) in PEOPLE.items():
        for user_id in reps:
            sent = wait_for(lambda u=user_id: _dm_calls(emulator, u), what=f"the nudge to {user_id}")
            assert [token for token, _ in sent] == tokens[team_id]  # once, with its own workspace's token
    assert oauth_server.run_job("weekly-nudges", MONDAY)[0].startswith("weekly-nudges: 0 reps due a nudge")


def _vendors(server: AppServer) -> None:
    with server.session_factory.begin() as session:
        for team_id in PEOPLE:
            add_vendor(session, team_id=team_id, name=f"Vendor of {team_id}", contact_user_id=None)


def _goal_rows(content: bytes) -> list[tuple[str, str]]:
    """(rep's Slack id, goal title) of each row of a goals CSV."""
    return sorted((row[2], row[4]) for row in csv_rows(content)[1:])


def _expected(team_id: str) -> list[tuple[str, str]]:
    return sorted((user_id, f"{team_id} accounts for {user_id}") for user_id in PEOPLE[team_id][1])


def test_two_workspaces_each_export_only_their_own(
    oauth_server: AppServer,  # noqa: F811
    emulator: SlackEmulator,
    tmp_path: Path,
) -> None:
    for team_id in (ACME, BETA):
        assert install(oauth_server, emulator, team_id)[0] == 200
    _seed(oauth_server)
    _vendors(oauth_server)
    emulator.add_user(ADMIN, name="admin", team_id=ACME)
    oauth_server.clock.set(MONDAY)
    acme = SlackPeer(oauth_server.events_url, SIGNING_SECRET, emulator, team_id=ACME)
    beta = SlackPeer(oauth_server.events_url, SIGNING_SECRET, emulator, team_id=BETA)
    answers = {"sets": ["goals", "checkins"], "until": "2026-12-31"}
    stem = "pacer-2026-09-01-2026-12-31"

    view = acme.open_modal("export", user_id=ADMIN)  # Acme's admin: the whole workspace
    scopes = next(b for b in view["blocks"] if b.get("block_id") == "scope")["element"]["options"]
    labels = str([option["text"] for option in scopes])
    assert "Vendor of T0000001" in labels and "Vendor of T0000002" not in labels
    assert len(scopes) == 3  # all, its one manager's team, its one vendor
    assert acme.view_submission(view, answers, user_id=ADMIN).status == 200
    files = wait_for(lambda: len(f := shared_files(emulator, ADMIN)) >= 2 and f, what="Acme's export")
    assert _goal_rows(files[f"{stem}-goals.csv"]) == _expected(ACME)

    boss = PEOPLE[BETA][0]  # Beta's manager: their team
    view = beta.open_modal("export", user_id=boss)
    assert beta.view_submission(view, answers, user_id=boss).status == 200
    files = wait_for(lambda: len(f := shared_files(emulator, boss)) >= 2 and f, what="Beta's export")
    assert _goal_rows(files[f"{stem}-goals.csv"]) == _expected(BETA)
    uploads = [c for c in emulator.calls if c.method.startswith("files.") and c.response.get("ok")]
    assert uploads and {c.token for c in uploads} <= {*emulator.bot_tokens(ACME), *emulator.bot_tokens(BETA)}

    engine = oauth_server.session_factory.kw["bind"]
    for team_id in (ACME, BETA):  # `pacer export --workspace T…`
        out = tmp_path / team_id
        args = argparse.Namespace(
            command="export",
            workspace=team_id,
            sets="goals",
            since=date(2026, 11, 1),
            until=date(2026, 12, 31),
            format="csv",
            out=out,
            part_bytes=None,
        )
        export_cli.run(args, engine, metadata(), all_exports(), 50 << 20)
        (written,) = out.iterdir()
        assert _goal_rows(written.read_bytes()) == _expected(team_id)
