"""The one list of features: every feature's listeners and jobs are reached through it, and nothing else."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

from bot.features import FEATURES, all_jobs

BOT = Path(__file__).resolve().parents[1] / "bot"


def test_names_are_unique_and_every_job_is_listed_once() -> None:
    names = [feature.name for feature in FEATURES]
    assert len(names) == len(set(names))
    jobs = [job.name for feature in FEATURES for job in feature.jobs]
    assert len(jobs) == len(set(jobs)) == len(all_jobs())
    assert "deliveries" in all_jobs() and "weekly-nudges" in all_jobs()


def test_every_jobs_module_is_in_the_list() -> None:
    listed = {id(job) for feature in FEATURES for job in feature.jobs}
    for path in sorted(BOT.glob("*/jobs.py")):
        module = importlib.import_module(f"bot.{path.parent.name}.jobs")
        missing = [job.name for job in module.JOBS if id(job) not in listed]
        assert missing == [], f"{path.relative_to(BOT)}: add its JOBS to bot/features.py"


def test_every_feature_with_listeners_is_in_the_list() -> None:
    """A `handlers.py` with a `register` is wired in only through `bot.features`, never by the app factory."""
    registered = {feature.name for feature in FEATURES if feature.register is not None}
    with_listeners = {
        path.parent.name
        for path in BOT.glob("*/handlers.py")
        if any(
            isinstance(n, ast.FunctionDef) and n.name == "register" for n in ast.parse(path.read_text()).body
        )
    }
    assert with_listeners == registered
    factory = (BOT / "slack" / "app.py").read_text()
    assert not [name for name in registered if f"bot.{name} import handlers" in factory]


def test_a_job_is_a_leaf() -> None:
    """Every `jobs.py` names `Job` from `bot.scheduler.job`, which imports nothing of Pacer when it runs."""
    tree = ast.parse((BOT / "scheduler" / "job.py").read_text())
    runtime = [
        node.module
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("bot")
    ]
    assert runtime == []
