"""Continuous training (issue 14): courses as short lessons with quizzes, delivered by DM, assigned,
tracked and escalated when overdue; a resource library and self-study; training done elsewhere imported.

Models (`bot.training.models`, migration 0010): `TrainingSettings` (training weekdays, lesson time,
days overdue before escalating), `Course` (per slug and language; `version`, `content_hash`), `Lesson`
(per version and position, ≤ 1,200 characters, links, image, optional question), `Assignment` (a course
to one rep: due date, required, recertify days, round, the escalation opened), `Progress` (per rep, course
and round: version, next lesson, the local day a lesson last went, completion, score, confidence before and
after), `QuizAnswer` (once per rep, lesson and round), `Resource`, `StudyLog`.

Modules:
- `authoring` (pure): `read(name, bytes)` → `Parsed(course, errors)`, each `LineError` on its line (yaml
  node marks), nothing loaded when any; `describe`. `courses`: `load`/`plan`/`import_files` (same content
  writes nothing; changed content is a new version, in-progress reps move to it), `course_named`,
  `in_language`, `lessons_of`, `lesson_at`. `cli`: `pacer courses import PATH [--team T]`; the sample
  courses in `courses/` (Product basics, Discovery calls; English and Chinese).
- `service`: `/pacer train`'s words (`parse_train`), targets expanded to reps (`reps_for`: a rep, a
  manager's team, a vendor, everyone; managers only their own reps), `assign`, `settings_of`.
- `progress`: `open_rows`, `due_lessons`/`send_due` (the lesson day in the rep's zone, one a day),
  `advance` (once: a conditional update), `request_next`, `answer`, `finish`, `score_of`, `rate_confidence`,
  `where_now` (an old button's refusal). Dates: `bot.calendar.lesson_day`, `due_reminder_day`,
  `days_overdue`, `zone_today`.
- `overdue`: `due_items` (a reminder before the due date, the manager on it, an escalation after N days
  through `bot.escalations.service.open_escalation` in the manager's name), `escalate`, `recertify`.
- `tracking`: `rows` and `tallies` (per vendor, one GROUP BY) for a `Scope`; `sections` (Home: rep,
  manager, admin; digest line; report lines); `report` (`/pacer train`, `/pacer training`, `/pacer
  courses`, `/pacer course import`); `learn` and `library` (`/pacer learn`, `learn add`, `learn log`);
  `external` (a CSV/XLSX of completions); `upload` (the DM `Upload`s with **Import**); `views`,
  `messages` (kinds and keys of the intro, lessons, reminder, manager notice); `jobs` (`training-lessons`,
  `training-overdue`); `demo.seed_training`; `handlers` (what bot/features.py names).
- Benchmark: `python -m benchmarks.training` (5,000 reps × 20 courses against 10 reps).
"""
