"""Recognition's listeners and `/pacer` subcommands."""

from __future__ import annotations

from importlib import resources

from slack_bolt import App

from bot.recognition import badge_handlers, give_handlers, modal_handlers, models
from bot.recognition.sections import DIGEST_SECTIONS, HOME_SECTIONS
from bot.slack.commands import Commands
from bot.slack.deps import Deps

__all__ = ["CATALOGS", "DIGEST_SECTIONS", "HOME_SECTIONS", "models", "register"]
CATALOGS = resources.files("bot.recognition") / "i18n"


def register(app: App, deps: Deps, commands: Commands) -> None:
    """Recognition's listeners and subcommands, one line per part of the feature."""
    give_handlers.register(app, deps, commands)
    modal_handlers.register(app, deps, commands)
    badge_handlers.register(app, deps, commands)
