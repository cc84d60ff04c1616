"""The audit log of admin actions (issue 16): role changes, settings saved, reopenings, exports, purges,
erasures and retention runs.

Model (`bot.audit.models`, migration 0017): `AuditEvent` (team_id, actor member id or None for the command
line, action, subject, details as JSON without secrets, `at` on the database's clock).
Modules: `service` (`record(session, team_id, actor, action, subject, **details)`: the one line each
owning service adds; `latest`, `read_days`), `views` (the listing), `handlers` (`/pacer audit [days]`,
admins only: the latest events, newest first, escaped, under 50 blocks).
"""
