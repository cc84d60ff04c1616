"""The training feature's listeners and `/pacer` subcommands."""

from __future__ import annotations

from importlib import resources

from slack_bolt import App

from bot.slack.commands import Commands
from bot.slack.deps import Deps
from bot.training import models

__all__ = ["CATALOGS", "models", "register"]
CATALOGS = resources.files("bot.training") / "i18n"


def register(app: App, deps: Deps, commands: Commands) -> None:
    """Training's listeners and subcommands."""
