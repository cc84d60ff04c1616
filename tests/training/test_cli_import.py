"""`pacer courses import` when something is wrong, run as an admin would (a real process, SQLite): a folder
with one bad file loads nothing, prints each problem with its file and line on stderr and exits 1; no file
at the path, or a database with no workspace yet and no `--team`, is one line and exit 2; once the file is
fixed the folder loads."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from bot.db import make_engine
from bot.training.models import Course
from tests.test_cli import clean_env, pacer
from tests.training.test_authoring import GOOD


def courses_in(tmp_path: Path) -> int:
    engine = make_engine(f"sqlite:///{tmp_path / 'data' / 'pacer.db'}")
    try:
        with engine.connect() as connection:
            return connection.scalar(select(func.count()).select_from(Course)) or 0
    finally:
        engine.dispose()


def said(stderr: str) -> list[str]:
    """What the command said on stderr, without the log lines of opening the database."""
    return [line for line in stderr.splitlines() if " INFO " not in line]


def test_a_bad_file_loads_nothing_and_says_where(tmp_path: Path) -> None:
    env = clean_env(tmp_path)
    assert pacer("migrate", env=env).returncode == 0
    folder = tmp_path / "courses"
    folder.mkdir()
    (folder / "objections.en.yaml").write_text(GOOD)
    (folder / "pricing.en.yaml").write_text(
        GOOD.replace("sales_skills", "cooking").replace("answer: 0", "answer: 5")
    )

    nowhere = pacer("courses", "import", str(tmp_path / "missing"), "--team", "T1", env=env)
    assert nowhere.returncode == 2
    assert said(nowhere.stderr) == [f"pacer: no course file at {tmp_path / 'missing'}"]
    no_team = pacer("courses", "import", str(folder), env=env)
    assert no_team.returncode == 2 and "say which workspace with --team" in no_team.stderr

    refused = pacer("courses", "import", str(folder), "--team", "T1", env=env)
    assert refused.returncode == 1 and "Traceback" not in refused.stderr
    problems = said(refused.stderr)
    assert problems[0].startswith("pricing.en.yaml: Line 2: “cooking” is not a category")
    assert "pricing.en.yaml: Line 12: Lesson 2: “answer” should be a whole number from 0 to 1." in problems
    assert problems[-1] == "pacer: nothing was loaded; fix the problems above and import again"
    assert refused.stdout == "" and courses_in(tmp_path) == 0

    (folder / "pricing.en.yaml").write_text(GOOD.replace("title: Objections", "title: Pricing"))
    loaded = pacer("courses", "import", str(folder), "--team", "T1", env=env)
    assert loaded.returncode == 0, loaded.stderr
    assert "pricing.en.yaml: created (pricing, en, version 1, 2 lessons)" in loaded.stdout
    assert courses_in(tmp_path) == 2
