"""Incentive jobs."""

from __future__ import annotations

from bot.scheduler import Job

JOBS: tuple[Job, ...] = ()
