"""Scheduled jobs: thin ticks that ask a service who is due now. `pacer jobs run NAME --now …` runs one."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk import WebClient

from bot.config import Settings
from bot.db import SessionFactory
from bot.slack.directory import Directory

logger = logging.getLogger(__name__)


@dataclass
class JobContext:
    settings: Settings
    session_factory: SessionFactory
    client: WebClient
    directory: Directory


@dataclass(frozen=True)
class Job:
    name: str
    description: str
    every_minutes: int
    run: Callable[[JobContext, datetime], str]  # returns a one-line summary of what it did


def all_jobs() -> dict[str, Job]:
    from bot.roster.jobs import JOBS as ROSTER_JOBS

    return {job.name: job for job in [*ROSTER_JOBS]}
