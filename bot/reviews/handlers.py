"""The reviews feature's listeners and `/pacer` subcommands. None yet: the self, peer and manager modals,
calibration and publishing are built on top of the service (bot/reviews/service.py)."""

from __future__ import annotations

from slack_bolt import App

from bot.reviews import models
from bot.slack.commands import Commands
from bot.slack.deps import Deps

__all__ = ["models", "register"]  # bot/features.py names the feature's tables as `reviews.models`


def register(app: App, deps: Deps, commands: Commands) -> None:
    """Nothing to register yet; the feature is in the list for its models, catalogs and settings."""
