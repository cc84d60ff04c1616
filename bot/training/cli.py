"""`pacer courses import PATH [--team T…]`: check course files (one file, or every .yaml in a folder) and
load them when every one is clean; prints each file's outcome (created, updated, unchanged) or each problem
with its line, and exits non-zero when anything is wrong."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from sqlalchemy import Engine, select

from bot.db import make_session_factory, utcnow
from bot.text import unescape
from bot.training.authoring import FILE_MAX, describe
from bot.training.courses import import_files
from bot.workspaces.models import Workspace

SHIPPED = Path(__file__).resolve().parent / "courses"  # the sample courses


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    courses = sub.add_parser("courses", help="training courses", description="Training courses (YAML files).")
    actions = courses.add_subparsers(dest="courses_command", required=True, metavar="ACTION")
    load = actions.add_parser(
        "import",
        help="check and load course files (a file, or every .yaml in a folder)",
        description="Check course files and load them when all are clean; re-importing unchanged files "
        "writes nothing, changed ones become a new version.",
    )
    load.add_argument("path", type=Path, help=f"a .yaml file or a folder of them (the samples: {SHIPPED})")
    load.add_argument("--team", help="the workspace's team id (needed when the database has several)")


def files_at(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted([*path.glob("*.yaml"), *path.glob("*.yml")])
    return [path]


def run_import(engine: Engine, path: Path, team: str | None) -> int:
    found = files_at(path)
    if not found or not all(p.is_file() for p in found):
        _say(f"pacer: no course file at {path}", error=True)
        return 2
    too_big = [p for p in found if p.stat().st_size > FILE_MAX]
    if too_big:
        _say(f"pacer: {too_big[0]} is larger than {FILE_MAX // 1024} KB", error=True)
        return 1
    with make_session_factory(engine).begin() as session:
        teams = list(session.scalars(select(Workspace.team_id)))
        team_id = team or (teams[0] if len(teams) == 1 else None)
        if team_id is None:
            _say(
                "pacer: say which workspace with --team (the database has several, or none yet)",
                error=True,
            )
            return 2
        results = import_files(session, team_id, [(p.name, p.read_bytes()) for p in found], now=utcnow())
        for result in results:
            if result.loaded is not None:
                course = result.loaded.course
                _say(
                    f"{result.name}: {result.loaded.outcome.value} ({course.slug}, {course.language}, "
                    f"version {course.version}, {course.lesson_count} lessons)"
                )
            for error in result.errors:
                _say(f"{result.name}: {unescape(describe(error, 'en'))}", error=True)
        failed = any(result.errors for result in results)
        if failed:
            _say("pacer: nothing was loaded; fix the problems above and import again", error=True)
            session.rollback()
    return 1 if failed else 0


def _say(line: str, *, error: bool = False) -> None:
    """A command line answers on stdout, and its problems on stderr."""
    (sys.stderr if error else sys.stdout).write(line + "\n")
