"""The reviews feature's listeners and `/pacer` subcommands: the self, peer and manager flows, figures and
settings, calibration and publishing, each registered by its own module."""

from __future__ import annotations

from importlib import resources

from slack_bolt import App

from bot.reviews import calibrate, flows, input_handlers, models
from bot.reviews.jobs import JOBS
from bot.slack.commands import Commands
from bot.slack.deps import Deps

# What bot/features.py names, so the feature stays one line there: its jobs, tables, catalogs and files.
__all__ = ["CATALOGS", "JOBS", "UPLOADS", "models", "register"]
CATALOGS = resources.files("bot.reviews") / "i18n"
UPLOADS = (input_handlers.FIGURES,)


def register(app: App, deps: Deps, commands: Commands) -> None:
    """The review's listeners and subcommands, one line per part of the feature."""
    flows.register(app, deps, commands)
    input_handlers.register(app, deps, commands)
    calibrate.register(app, deps, commands)
