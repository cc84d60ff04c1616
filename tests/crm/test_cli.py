"""`pacer import actuals FILE`, run as a person would: a real process on a SQLite file. A file with errors
prints each bad line and exits 1 writing nothing; a clean one prints its counts; again, all unchanged."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.crm.models import Actual
from bot.db import make_engine, make_session_factory
from tests.factories import TEAM, member
from tests.test_cli import clean_env, pacer

GOOD = (
    "rep,date,metric,amount,currency,external_id\nUANA,2026-11-23,revenue,100,USD,A\n"
    "UANA,2026-W48,calls,3,,\n"
)


def test_import_actuals_from_the_command_line(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    assert pacer("migrate", env=env).returncode == 0
    engine = make_engine(env["DATABASE_URL"])
    with make_session_factory(engine).begin() as session:
        member(session, "UANA")
    bad, good = tmp_path / "bad.csv", tmp_path / "good.csv"
    bad.write_text(GOOD + "UNOBODY,2026-11-23,calls,1,,\n", encoding="gb18030")
    good.write_text(GOOD, encoding="utf-8-sig")

    refused = pacer("import", "actuals", str(bad), env=env)
    assert refused.returncode == 1
    assert refused.stdout.splitlines() == [
        "Line 4: “UNOBODY” is not a rep of this workspace (use their Slack email or member id)."
    ]
    dry = pacer("import", "actuals", str(good), "--workspace", TEAM, "--dry-run", env=env)
    assert (dry.returncode, dry.stdout.strip()) == (
        0,
        "2 lines: 2 created, 0 updated, 0 unchanged (dry run: nothing written)",
    )
    with make_session_factory(engine)() as session:
        assert session.scalar(select(func.count()).select_from(Actual)) == 0
    assert (
        pacer("import", "actuals", str(good), env=env).stdout.strip()
        == "2 lines: 2 created, 0 updated, 0 unchanged"
    )
    assert (
        pacer("import", "actuals", str(good), env=env).stdout.strip()
        == "2 lines: 0 created, 0 updated, 2 unchanged"
    )
    missing = pacer("import", "actuals", str(good), "--workspace", "TNOPE", env=env)
    assert missing.returncode == 2
    assert missing.stderr.splitlines()[-1] == f"pacer: no workspace TNOPE (known: {TEAM})"
    engine.dispose()
