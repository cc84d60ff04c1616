"""The goal modal's answers that end-to-end tests submit: a revenue goal and a count goal, both for Q4."""

from __future__ import annotations

REVENUE_GOAL = {
    "title": "Grow Q4 revenue in the east region",
    "metric": "revenue",
    "unit": "USD",
    "target": "130,000",
    "why": "The east region is this year's growth bet",
    "period_kind": "quarter",
    "start_date": "2026-10-01",
}
ACCOUNTS_GOAL = {
    "title": "Open twenty new accounts in Bavaria",
    "metric": "new_accounts",
    "unit": "count",
    "target": "20",
    "why": "Bavaria is the pilot region for the new product",
    "period_kind": "quarter",
    "start_date": "2026-10-01",
}
