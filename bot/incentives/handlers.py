"""The incentives feature's listeners and `/pacer incentives` subcommands; also what bot/features.py names
(`JOBS`, `models`, `CATALOGS`), so the feature is one line there."""

from __future__ import annotations

from importlib import resources

from slack_bolt import App

from bot.incentives import models
from bot.incentives.jobs import JOBS
from bot.slack.commands import Commands
from bot.slack.deps import Deps

__all__ = ["CATALOGS", "JOBS", "models", "register"]
CATALOGS = resources.files("bot.incentives") / "i18n"


def register(app: App, deps: Deps, commands: Commands) -> None:
    """The plans' command and modal, the rep's and manager's views, approvals and the ledger."""
