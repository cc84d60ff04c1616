"""CRM data in Pacer (issue 13): actuals — figures from a CRM or a spreadsheet, with their source — and
what they do in check-ins and for managers. Connectors (Zoho CRM, Fxiaoke) live in `integrations/`.

Models (`bot.crm.models`, migration 0013): `Actual` (team, rep, ISO week and day, goal `Metric`, amount,
currency or "count", source `import` / `crm:<provider>`, external id unique per team + source + metric),
`PipelineSnapshot`, `CheckinSource` (the CRM's figure and the rep's reason beside a check-in),
`CrmSettings` (the difference threshold, percent).

Modules:
- `rows`: `ClosedDeal`, `NewAccount`, `PipelineFigure` — what a connector yields.
- `actuals` (no Slack): `Figure`, `Counts`, `store` (bulk upsert through a temporary table: one INSERT …
  SELECT of new keys, one UPDATE … FROM of changed ones, nothing for unchanged; `dry_run`),
  `record_rows(session, team_id, provider, owner_map, rows, now=)` → `Recorded(counts, pipeline,
  unmapped)`, `natural_key`.
- `importing` (no Slack): `check(session, team_id, stream, emails=)` streams a CSV (UTF-8, BOM, GB18030)
  into `Checked(figures, errors: LineError, lines)`; `check_bytes` (XLSX via `bot.spreadsheets`), `run`
  (the import or its dry run), `template`, `recognizes`, `read_day` (dates and ISO weeks).
- `cli`: `pacer import actuals FILE [--workspace T…] [--dry-run]`. `lookup`: emails → Slack ids.
- `uploads`: the `crm.actuals` `Upload` (admins) and its **Import** / **Cancel** buttons; `views`.
- `checkin` (no Slack): `figures`, `prefill`, `reasons_of`, `check_reasons`, `keep` — the check-in's hooks
  (`bot.checkins.extras`), connected by `bot.links.crm`; `checkin_views.fields` is the CRM line under a
  goal's result. The check-ins and digests never import this package (an import-linter contract).
  admins); `kept_figures`: the figures reps confirmed from the CRM, which the digest, `/pacer status` and the
  Home team table mark "(✓ CRM)" (`bot.digests.sources`, connected by `bot.links.crm`). `notices` + the
  `crm-differences` job: at the digest time, each manager's differences of the digest's week in one DM
  (`messages.differences`, keyed per manager and week); never in the channel.
- `handlers`: `/pacer crm import` (the template to the admin's DM, `messages`), `/pacer crm threshold`.
- `demo.seed_actuals`. Benchmarks: `python -m benchmarks.crm_import`, `python -m benchmarks.crm_sync`.

Connecting and syncing (migration 0018: `CrmOwner`, `CrmConnectState`, `CrmConnection.connected_by`):
- `settings.CrmSettings`: ZOHO_CLIENT_ID / ZOHO_CLIENT_SECRET / ZOHO_REDIRECT_URI (and test allow-lists).
- `connecting` (no Slack): the Zoho state (hashed, bound to workspace and admin, 10 minutes, once), `save`
  (credentials sealed with `bot.secrets.Vault`). `web.zoho_callback`: `GET /crm/zoho/callback`.
- `connect_handlers`: `/pacer crm connect zoho` (a link button), `crm map [<owner> @rep]`, `crm status`;
  `fxiaoke`: `/pacer crm connect fxiaoke`, a modal checked by fetching a token before saving.
- `owners` (no Slack): CRM users kept, matched by Slack email or by hand, `owner_map`, `unmapped`.
- `syncing` + `jobs`: `crm-sync` every 15 minutes (`sync.sync_connection` → `record_rows`); failures
  reported to the admins once a day (`messages.sync_failed`). `status`: `/pacer crm status`, `pacer crm
  status`. `pipeline`: a rep's open pipeline and its coverage of the target (Home; their `/pacer status`
  and their manager's or an admin's `/pacer status @rep`, through `bot.digests.extras`, connected by
  `bot.links.crm`).
"""
