"""The reviews feature's listeners and `/pacer` subcommands. None yet: the self, peer and manager modals,
calibration and publishing are built on top of the service (bot/reviews/service.py)."""

from __future__ import annotations

from importlib import resources

from slack_bolt import App

from bot.reviews import calibrate, models
from bot.reviews.jobs import JOBS
from bot.slack.commands import Commands
from bot.slack.deps import Deps

# What bot/features.py names, so the feature stays one line there: its jobs, tables and catalogs.
__all__ = ["CATALOGS", "JOBS", "models", "register"]
CATALOGS = resources.files("bot.reviews") / "i18n"


def register(app: App, deps: Deps, commands: Commands) -> None:
    """Each part of the feature registers its own commands and listeners."""
    calibrate.register(app, deps, commands)
