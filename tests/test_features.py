"""The one list of features: every feature's listeners, jobs, models, sections and catalogs are reached
through it, and nothing else."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from types import ModuleType

from sqlalchemy import Table

from bot.features import FEATURES, all_jobs, metadata, pages
from bot.i18n import catalog
from bot.roster.models import Role
from bot.slack.blocks import MESSAGE_BLOCKS_MAX
from bot.slack.ids import SetupBlock
from bot.slack.sections import HOME_BLOCKS_MAX
from tests.support.example_feature import EXAMPLE

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


def test_every_models_module_is_in_the_list() -> None:
    """Alembic's schema is the list's models modules: a `models.py` left off would be a missing table."""
    named = {feature.models.__name__ for feature in FEATURES if feature.models is not None}
    on_disk = {  # a feature's sub-package may have its own (bot/crm/integrations/models.py)
        "bot." + ".".join(path.relative_to(BOT).with_suffix("").parts)
        for path in BOT.glob("**/models.py")
        if path.parent.name != "db"
    }
    assert named == on_disk
    tables = {table.name for feature in FEATURES if feature.models for table in _tables_of(feature.models)}
    assert tables == set(metadata().tables)


def _tables_of(module: ModuleType) -> list[Table]:
    return [
        value.__table__
        for value in vars(module).values()
        if isinstance(value, type) and "__table__" in vars(value) and value.__module__ == module.__name__
    ]


def test_the_catalogs_loaded_are_the_ones_the_list_names() -> None:
    """i18n finds each feature's `i18n/` folder by path (so it never imports the list); the list names
    the same folders, and every feature's keys are in the one catalog."""
    named = {str(feature.catalogs) for feature in FEATURES if feature.catalogs is not None}
    found = {str(folder) for folder in BOT.glob("*/i18n") if folder.parent.name != "i18n"}
    assert named == found
    assert "feedback.give_title" in catalog("en") and "feedback.give_title" in catalog("zh")


def test_sections_fit_their_pages() -> None:
    """Each role's Home sections fit the Home tab (their budgets, a header and a divider between
    each), and the digest's sections fit one message beside its header."""
    every = pages()
    for role in Role:
        shown = [s for s in every.home if role in s.audience]
        assert sum(s.budget for s in shown) + len(shown) <= HOME_BLOCKS_MAX, role
    assert sum(s.budget for s in every.digest) + len(every.digest) <= MESSAGE_BLOCKS_MAX
    names = [s.name for s in (*every.home, *every.digest)]
    assert len(names) == len(set(names))


def test_every_setup_field_comes_from_one_feature() -> None:
    fields = [f for section in pages().setup for f in section.fields]
    assert sorted(f.block_id for f in fields) == sorted(block.value for block in SetupBlock)
    assert len({f.order for f in fields}) == len(fields)


def test_a_feature_outside_bot_plugs_in_through_the_list() -> None:
    """The example feature (tests/support/example_feature): one entry, and its sections, setup field,
    job and catalogs are everywhere the list reaches. The e2e proof is tests/test_e2e_example_feature.py."""
    with_example = (*FEATURES, EXAMPLE)
    assert pages(with_example).home[-1].name == "example.home"
    assert pages(with_example).digest[-1].name == "example.digest"
    assert pages(with_example).setup[-1].name == "example"
    assert "example-count" in all_jobs(with_example)
    assert EXAMPLE.catalogs is not None and EXAMPLE.catalogs.joinpath("zh.toml").is_file()
