"""Links between the habits (issues 12–15): what makes the reviews, training, recognition, incentives and
CRM features one product while each stays its own package. This package is the only one that knows more
than one of them; it imports their services and models (never their handlers or jobs) and connects
through the hooks and domain events they expose:

- `development`: the manager review's development action (`bot.reviews.development`) offers the workspace's
  courses and incentive plans (`CHOOSERS`) and names them on the scorecard (`NAMERS`). When a cycle is
  published (`bot.events.ReviewPublished`) each rep whose review links to a course is assigned it, once,
  due 30 days after their today (`bot.training.service.grant`). Publishing, not saving: the rep sees the
  manager review only once it is published, and a manager may still change the link until then.
- `feedback`: a manager's monthly feedback may name a course (`bot.feedback.development.CHOOSER`); saving
  the feedback (`FeedbackGiven`) assigns it once.
- `evidence`: the scorecard's development section (training completed, quiz scores, self-study logged) and
  teamwork section (kudos received), one statement each for any number of reps
  (`bot.reviews.scorecards.EVIDENCE`).
- `seats`: a course seat as a reward (`bot.incentives` plans and contests, `seat_course_id`, migration
  0019): assigned once when the payout is approved (`PayoutApproved`) or the contest ends (`ContestEnded`).
- `crm`: a workspace's choice of figures (`/pacer crm figures reported|crm`, `bot.crm.figures`): with the
  CRM, the scorecard's sales attainment and the incentives' attainment sum the CRM's actuals, and its new
  accounts are the market expansion figure (`bot.reviews.scorecards.CRM`); the source is shown beside. The
  CRM's figure in the check-in modal (`bot.checkins.extras`) and the rep's pipeline under their own
  `/pacer status` (`bot.digests.extras`), so neither core feature imports the CRM.
  The digest, `/pacer status` and the Home team table mark each week's figure the rep confirmed from the
  CRM (`bot.digests.sources.LOOKUPS` ← `bot.crm.differences.kept_figures`).

`handlers.register` connects the hooks and subscribes to the events (one line in bot/features.py);
`connect()` connects the hooks alone (for the CLI's jobs and for tests)."""
