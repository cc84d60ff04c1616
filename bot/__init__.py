"""Pacer: SMART goals, weekly check-ins, digests and feedback for outsourced sales reps, in Slack."""

__version__ = "0.1.0"
