"""Exports and the data lifecycle (issue 16, its data part).

- `base`: `ExportSet(name, title key, header, rows(session, scope, since, until))` — what a feature declares
  on its `Feature(exports=…)` — and `ExportScope` (a workspace, a manager's team, a vendor's reps;
  `private`: anonymous feedback allowed); `streamed` (yield_per).
- `sets`: the existing features' data sets (goals, weekly targets, check-ins, digest figures, manager
  and field feedback — anonymous items carry no rep —, escalations, scorecards, kudos, payouts);
  `sets_later`: the later features' (training assignments with progress and quiz scores, study logs, CRM
  actuals with their source — never a connection's credentials —, the incentive ledger); `sets_last`:
  badges, contest awards, quiz answers, CRM pipeline snapshots, the CRM beside each check-in, goal history;
  `sets_reviews`: self reviews, the review's figures, weekly new accounts, history (never who was asked to
  rate) and conversations.
- `coverage`: every table holding a person's data is in some set's `tables` or in `NOT_EXPORTED` with
  the reason (tests/exports/test_coverage.py checks it table by table, and the SQL each set emits).
- `writer`: CSV (UTF-8 with BOM) or XLSX (openpyxl write-only) into temporary files, split into parts past
  `Settings.export_part_bytes` (50 MB); cells through `bot.spreadsheets.safe_cell`.
- `service`: `choices` (the scopes a caller may pick), `read_request` (bounded dates: from ≤ to, ≤ 3
  years), `run` (write and audit). `views`/`handlers`: `/pacer export` (modal → files in the DM) and
  `/pacer retention [days|off]`. `cli`: `pacer export`, `pacer purge`, `pacer erase`.
- Lifecycle: `lifecycle` (`counts` = the dry run, `purge`: every table with a team_id in dependency order,
  the installation too), `erase` (a member: personal text removed, their row anonymised so figures stay
  in totals), `retention` + `models.RetentionSetting` (migration 0017) + `jobs` (`retention`, daily);
  `uninstalled` (migration 0021): an uninstalled workspace's data kept its `after_uninstall_days` (30
  unless set by `/pacer retention uninstall`), then purged by the hourly `uninstalled-purge` job with
  `lifecycle.purge`, once; an OAuth reinstall calls the purge off.
Every export, purge, erasure and retention run is recorded in the audit log (`bot.audit`).
"""
