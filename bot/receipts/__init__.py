"""Receipts of the Slack events Pacer has taken in, so that an event Slack sends again acts once."""
