"""Quarterly performance reviews (issue 12): a scorecard on four dimensions — sales, customer
satisfaction, market expansion, teamwork — from self, peer and manager input, calibrated and published.

The names below are stable: the Slack flows, calibration, publishing and the demo build on them.

Models (`bot.reviews.models`, migration 0008): `ReviewSettings` (bands, weights, days before the quarter
ends), `ReviewCycle` (quarter "2026Q4", `Stage`, due dates, `locked`, `reopened_count`), `Scorecard` and
its `ScorecardLevel`s (`Dimension`, level 1–5 or None, `Source`, evidence), `SelfReview`, `PeerRating`
(asked, then rated; one per pair per cycle), `ManagerReview` (final levels, reasons, strengths,
improvements, development action), `ReviewChange` (history: who, what, when, why), `ReviewInput`
(satisfaction or expansion figure per rep and quarter, `InputSource` upload/manager/crm, note).

Modules (none imports Slack):
- `service`: `check_quarter`, `quarter_of`, `due_quarter`, `open_due_cycle`, `open_cycle`, `find_cycle`,
  `get_cycle`, `advance`, `next_stage`, `lock`, `publish`, `reopen` (admins, with a reason),
  `check_editable`, `check_stage`, `check_due_dates`, `set_due_dates`, `record_change`, `history`.
- `reviewing`: `read_levels` (field errors outside 1–5), `check_reasons` (a reason for each level that
  differs from auto), `save_self_review`, `ManagerAnswers`, `save_manager_review` (each changed final level
  in the history with its reason), `acknowledge`; block ids `level_field(d)`, `reason_field(d)`.
- `settings`: `ReviewConfig`, `DEFAULTS`, `load_config`, `check_config` (field errors under
  `BANDS_FIELD`, `WEIGHTS_FIELD`, `DAYS_FIELD`), `save_config`.
- `scoring` (pure): `attainment`, `sales_level`, `peer_median`, `teamwork_level`, `scaled_level`,
  `overall` → `Overall(score, counted, reweighted)`, `weights_of`, `MIN_PEER_RATINGS`.
- `scorecards`: `build_scorecards(session, team_id, quarter, *, through=None)` → `Card`s (`Level`,
  `Evidence` as an i18n key and values; `Card.overall_evidence()` says when the overall was re-weighted)
  in seven SQL statements for any number of reps; `quarter_span`.
- `store`: `store_scorecards(session, cycle, cards, *, now)` → {rep id: scorecard id} (five statements,
  refused when locked; an acknowledgement stays), `stored_levels`, `read_evidence`.
- `inputs`: `Figure`, `check_figure`, `check_open`, `record_input` (a manager's entry needs a note).
- `upload`: `read_upload(session, team_id, bytes)` → `Upload(lines, errors)` (UTF-8, BOM, GB18030; each
  bad line as a `LineError` with its number), `plan_import` (the dry run: `Change`s), `import_upload`
  (only a clean file; `dry_run=True` writes nothing).
- `expansion`: new accounts from the weekly check-in (`asks`, `read_count`, `given`, `record_week`: kept per
  week in `WeeklyAccounts`, migration 0009, summed per quarter as the `InputSource.CHECKIN` figure),
  `asks_everyone`/`save_asks_everyone` (a setting in `/pacer setup reviews`).
- `importing` (a shared file for its importer: `recognizes` a figures file by its header, XLSX read through
  `bot.spreadsheets`, a manager's lines limited to their own reps, `check` = the dry run, `run` = the
  import). Slack side: `input_handlers` (`/pacer setup reviews`, `/pacer review input`, `/pacer review
  import`, `FIGURES` — the `Upload` that answers a figures file shared in a DM, routed by
  `bot.slack.uploads` — and **Import**), `setup_views` (their Block Kit).
- `peers`: `ask_peer`, `rate`, `ratings_of` (refusals: self rating, not a teammate, not asked, over 5),
  `unanswered_asks`. A peer's DM goes at once within their working hours (10:00–18:00 on a working day,
  own zone), else `reviews-ask` sends it at their next 10:00 (`calendar.next_working_hour`).
- `policy`: `viewer_of` → `Viewer`, `visible(viewer, stage, comments=)` → `Part`s, `can_rate`,
  `check_can_rate`, `can_ask_peers`, `can_self_review`, `can_manager_review`, `can_calibrate`,
  `can_reopen`, `comment_summary_shown`.
- Dates: `bot.calendar.quarter_bounds`, `bot.calendar.review_dates`, `bot.calendar.next_working_hour`,
  `bot.calendar.reminder_day`.
- `jobs`: `reviews-open` opens each workspace's review on its day, in the workspace's zone, once.
  `reviews-remind`: whoever owes input in the current stage (`reminders.owing` → `Due`s: a self review,
  peer ratings, a manager's reviews) gets one DM a day at their own 10:00 on working days
  (`calendar.reminder_day`), none after the stage's due date or once done; key per person and day.
- Calibration and publishing: `calibration` (`rows`, `distribution`, `grouped`, `outliers`, `export` as
  CSV with formula cells neutralised; no Slack), `publishing` (`publish_cycle`: keep, lock and publish in
  one action and queue what goes out; `send_export`), `publish_views`, `publish_messages` (kinds and keys
  of the scorecard DM, its chart, the vendor summary, the admins' comparison, the CSV), `chart`;
  `calibrate` holds `/pacer scorecards` and its buttons. `demo.seed_review` seeds the demo's quarter.
- Catalogs: `bot/reviews/i18n/` (`reviews.*`). Listeners: `handlers.register` (none yet); `handlers`
  also holds what bot/features.py names (`JOBS`, `models`, `CATALOGS`), so the feature is one line there.
- Benchmark: `python -m benchmarks.reviews` (1,000 reps × 3 goals × 13 weeks against 10 reps).
"""
