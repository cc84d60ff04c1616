"""Recognition, the honour half of issue 15: kudos out of a monthly allowance, rules against gaming, and
"rep of the month" badges. (The material half, incentive plans, is `bot.incentives`.)

Models (`bot.recognition.models`, migration 0011): `RecognitionSettings` (allowance, default 100; value
hashtags; value required; recognition channel), `Kudos` (giver, receiver, points, reason, values, public
or private, `Status` accepted/held/rejected, `Hold` reciprocal/repeated, reviewed by/at, `month`: the 1st
of the giver's month in their zone), `AllowanceBoost` (a manager's extra points for a month), `Badge`.

Modules:
- `settings`: `RecognitionConfig`, `load_config`, `check_config` (field errors), `save_config`.
- `rules` (pure): `read_words` (`[points] <reason> #value [private]`), `read_points`, `check_draft`,
  `Month`, `check_points` (allowance left, 40 % of it to one person), `hold_for` (reciprocal, repeated).
- `allowance`: `month_of`, `balance`, `month_figures`, `boost`, and for a month's page in constant
  statements `leaderboard` (top N only) and `allowances`.
- `service` (no Slack, nothing sent): `check_receiver`, `admins_of`, and `kudos_received(session, team_id,
  rep_ids, since, until)` → {rep id: `Received(count, points, givers)`}: the scorecard's teamwork evidence.
- `giving`: `give` (refuse, accept or hold; queue the post or the admins' review DMs), `review` (once).
- `badges`: `scope_for`, `suggestions` (attainment from the digest's pace, check-in streak, kudos),
  `award` (once per scope and month, announced). `messages`: kinds and keys; `views`, `modals`,
  `badge_views`: Block Kit. `sections`: the Home section and the digest's shout-outs. `demo`.
- Slack: `give_handlers` (`/pacer kudos`, `kudos boost`, Approve / Reject), `modal_handlers` (the
  "Give kudos" message shortcut, `/pacer setup recognition`), `badge_handlers` (`/pacer kudos badge`).
- Benchmark: `python -m benchmarks.recognition` (5,000 people × 12 months of kudos against 50).
"""
