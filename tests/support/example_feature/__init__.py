"""A tiny feature that lives outside `bot/`, to show what adding a feature takes: its own package (this
one) and one entry in the list — `(*FEATURES, EXAMPLE)` in the tests. It puts a line on everyone's Home
tab and in the weekly digest, a field in `/pacer setup` (between the check-in and feedback fields), a
scheduled job, and its own catalogs; nothing in `home/`, `digests/`, `workspaces/` or the scheduler knows
it exists."""

from __future__ import annotations

from datetime import datetime
from importlib import resources

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.features import Feature
from bot.i18n import Locale, t
from bot.scheduler.job import Job, JobContext
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.slack.sections import DigestContext, HomeContext, Section, SetupField, SetupSection, Values
from bot.workspaces.models import Workspace
from bot.workspaces.service import WorkspaceSettings

FIELD = "example_day"
SAVED: list[tuple[str, str | None]] = []  # what its setup section saved: (workspace, value)


def _home(context: HomeContext) -> list[Block]:
    return [blocks.context(t("example.home", context.caller.locale))]


def _digest(context: DigestContext) -> list[Block]:
    return [blocks.section(t("example.digest", context.locale, reps=len(context.digest.lines)))]


def _field(current: WorkspaceSettings, locale: Locale) -> Block:
    return blocks.input_block(
        FIELD, t("example.field", locale), blocks.text_input(max_length=2), optional=True
    )


def _validate(values: Values) -> dict[str, str]:
    value = values.get(FIELD)
    return {FIELD: "example.error"} if value and not value.isdigit() else {}


def _save(session: Session, team_id: str, values: Values) -> None:
    SAVED.append((team_id, values.get(FIELD)))


def _count(context: JobContext, now: datetime) -> str:
    with context.session_factory() as session:
        workspaces = session.scalar(select(func.count()).select_from(Workspace))
    return f"{workspaces} workspaces counted"


EXAMPLE = Feature(
    "example",
    jobs=(Job("example-count", "count the workspaces (the example feature's job)", 60, _count),),
    home=(Section("example.home", budget=1, build=_home),),
    digest=(Section("example.digest", budget=1, build=_digest),),
    setup=SetupSection("example", (SetupField(FIELD, 55, _field),), validate=_validate, save=_save),
    catalogs=resources.files(__package__) / "i18n",
)
