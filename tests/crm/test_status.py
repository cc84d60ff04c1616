"""`/pacer crm status` lines and `pacer crm status`: last sync, rows read, errors, next try; never a
credential; one workspace's connections only, unless the command line asks for all."""

from __future__ import annotations

import argparse
import io
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from bot.crm import connecting, status
from bot.crm.cli import crm_status
from bot.crm.integrations.models import Provider
from bot.secrets import Vault
from tests.crm.support import NOW, OTHER_TEAM
from tests.factories import TEAM, member

VAULT = Vault([Vault.new_key()])


def connect(session: Session, team_id: str, provider: Provider) -> None:
    fields = connecting.fxiaoke_fields("FSAID_1", "s3cret-app", "s3cret-code", "FSUID_1")
    where = connecting.Where("https://open.fxiaoke.com")
    made = connecting.save(
        session, VAULT, connecting.Pending(team_id, "UADMIN", provider), fields, where, now=NOW, actor=None
    )
    made.last_sync_at, made.rows_read = NOW, 1234
    made.next_try_at = NOW + timedelta(minutes=15)


def test_the_lines_show_the_sync_and_its_error(session: Session) -> None:
    member(session, "UADMIN")
    member(session, "UADMIN", team_id=OTHER_TEAM)
    connect(session, TEAM, Provider.FXIAOKE)
    connect(session, OTHER_TEAM, Provider.ZOHO)
    [mine] = status.statuses(session, TEAM)
    assert "1,234 rows read" in status.line(mine, "en") and "Fxiaoke" in status.line(mine, "en")
    session.flush()
    connection = connecting.connections(session, TEAM)[0]
    connection.last_error, connection.failures = "RateLimited: Fxiaoke asked to slow down <b>", 2
    [failing] = status.statuses(session, TEAM)
    shown = status.line(failing, "zh")
    assert "连续失败 2 次" in shown and "&lt;b&gt;" in shown and "s3cret" not in shown


def test_the_command_line_lists_every_workspace(engine: Engine) -> None:
    from bot.db import make_session_factory

    with make_session_factory(engine).begin() as session:
        member(session, "UADMIN")
        connect(session, TEAM, Provider.FXIAOKE)
    out = io.StringIO()
    try:
        assert crm_status(argparse.Namespace(workspace=None), engine, out) == 0
    finally:
        from tests.conftest import wipe

        wipe(engine)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("workspace\tcrm\tlast sync")
    assert lines[1].split("\t") == [
        TEAM,
        "fxiaoke",
        "2026-11-30T09:00+00:00",
        "1234",
        "-",
        "2026-11-30T09:15+00:00",
    ]
    assert "s3cret" not in out.getvalue()
