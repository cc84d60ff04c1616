"""Pages assembled from the sections features contribute: the Home tab, the weekly digest, `/pacer setup`.

A feature adds a section to its `Feature` value (`bot.features`) instead of editing `home/` or `digests/`.
Each section has a block budget and the page has Slack's limit (Home 100 blocks, a message 50); the
assembler keeps to both, ending a cut section or page with a "more…" context rather than failing."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from bot.digests.service import Digest
from bot.i18n import Locale, t
from bot.roster.models import Role
from bot.roster.service import Caller
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.workspaces.service import WorkspaceSettings

HOME_BLOCKS_MAX = 100
EVERY_ROLE = frozenset(Role)
C = TypeVar("C")


@dataclass(frozen=True)
class HomeContext:
    """What a Home section is built from: one session for the whole tab, who looks, and when."""

    session: Session
    caller: Caller
    now: datetime


@dataclass(frozen=True)
class DigestContext:
    """What a digest section is built from: the week's figures for the digest's scope, in the channel's
    language; `session` is None where the digest is built without one (a pure preview in tests)."""

    digest: Digest
    locale: Locale
    session: Session | None = None


@dataclass(frozen=True)
class Section(Generic[C]):
    """A part of a page. `title` is the page's header when this is the first section shown (later
    sections' titles are dropped: a page has one header); `audience` is who sees it on the Home tab."""

    name: str
    budget: int  # most blocks `build` may return; more are cut, ending with a "more…" context
    build: Callable[[C], list[Block]]
    audience: frozenset[Role] = EVERY_ROLE
    title: Callable[[C], str] | None = None


def within(body: list[Block], budget: int, locale: Locale) -> list[Block]:
    """`body`, or its first `budget - 1` blocks and a "more…" context when it is longer than `budget`."""
    if len(body) <= budget:
        return body
    return [*body[: budget - 1], blocks.context(t("common.more", locale))]


def assemble(sections: Sequence[Section[C]], context: C, *, limit: int, locale: Locale) -> list[Block]:
    """The page: the first shown section's title as its header, each non-empty section inside its
    budget, a divider between sections, and the whole inside `limit`."""
    body: list[Block] = []
    for section in sections:
        part = within(section.build(context), section.budget, locale)
        if not part:
            continue
        if body:
            body.append({"type": "divider"})
        elif section.title is not None:
            body.append(blocks.header(section.title(context)))
        body += part
    return within(body, limit, locale)


def home_tab(sections: Sequence[Section[HomeContext]], context: HomeContext) -> dict[str, object]:
    """The Home tab of `context.caller`: the sections their role may see, in the order of the list."""
    role = context.caller.role
    shown = [section for section in sections if role in section.audience]
    body = assemble(shown, context, limit=HOME_BLOCKS_MAX, locale=context.caller.locale)
    return {"type": "home", "blocks": body}


@dataclass(frozen=True)
class SetupField:
    """One input of `/pacer setup`, built from the saved settings. `order` is its place in the
    modal (the fields of all features are sorted by it; today's use tens), so a feature's fields need
    not sit together."""

    block_id: str
    order: int
    build: Callable[[WorkspaceSettings, Locale], Block]


Values = Mapping[str, str | None]


@dataclass(frozen=True)
class SetupSection:
    """A feature's part of `/pacer setup`: its fields, and, for settings the workspace row does not
    hold, how to check them (`{block id: i18n key}` of each problem) and save them."""

    name: str
    fields: tuple[SetupField, ...]
    validate: Callable[[Values], dict[str, str]] = field(default=lambda values: {})
    save: Callable[[Session, str, Values], None] = field(default=lambda session, team_id, values: None)


def setup_fields(sections: Sequence[SetupSection], current: WorkspaceSettings, locale: Locale) -> list[Block]:
    """Every section's inputs, in their `order`."""
    fields = sorted((f for section in sections for f in section.fields), key=lambda f: f.order)
    return [f.build(current, locale) for f in fields]


@dataclass(frozen=True)
class Pages:
    """The sections of every feature in the list, as the app factory hands them to listeners."""

    home: tuple[Section[HomeContext], ...] = ()
    digest: tuple[Section[DigestContext], ...] = ()
    setup: tuple[SetupSection, ...] = ()
