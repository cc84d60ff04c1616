"""Workspaces: one row per Slack team, holding that team's Pacer settings (`/pacer setup`)."""
