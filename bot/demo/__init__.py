"""`pacer demo`: Pacer against local-slack, a throwaway Slack with a web UI, seeded with a sample team."""

from bot.demo.runner import DemoError, run_demo

__all__ = ["DemoError", "run_demo"]
