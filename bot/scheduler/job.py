"""What a scheduled job is, and what it is given: a leaf module, so every feature's `jobs.py` can name a
`Job` without importing the scheduler, the outbox or the list of features."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from slack_sdk import WebClient

    from bot.config import Settings
    from bot.db import SessionFactory
    from bot.delivery.sender import Sender
    from bot.slack.clients import Clients
    from bot.slack.directory import Directory
    from bot.slack.sections import Pages


@dataclass
class JobContext:
    settings: Settings
    session_factory: SessionFactory
    client: WebClient
    directory: Directory
    sender: Sender
    pages: Pages | None = None  # the features' sections (the digest's); None: each feature's own only
    clients: Clients | None = None  # a client per workspace (OAuth mode); None: `client` for every one
    team_id: str | None = None  # the one workspace this context is scoped to (`scheduler.workspaces`)

    def client_for(self, team_id: str) -> WebClient:
        """The client that acts in `team_id`: its own in OAuth mode, else the one `client`."""
        return self.clients.for_team(team_id) if self.clients is not None else self.client


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    every_minutes: int  # 0: not ticked by the scheduler (the outbox sender runs continuously instead)
    run: Callable[[JobContext, datetime], str]  # returns a one-line summary of what it did
