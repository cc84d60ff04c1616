"""Instants: when the nudge, its reminder, the digest, the feedback prompt and the field summary are due,
"the week a check-in is for" and "the month feedback is for"."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.calendar.weeks import DAY, WEEK, iso_week_start, month_of, previous_month
from bot.calendar.workdays import holiday_country, is_away, is_day_off, is_working_day
from bot.calendar.zones import Person, Schedule, local_date, member_zone, workspace_zone

CATCH_UP = timedelta(hours=24)  # a message missed (Pacer was down) is still sent within a day
REMINDER_BEFORE_DIGEST = timedelta(hours=2)
FEEDBACK_PROMPT_TIME = time(10, 0)  # on the feedback day, in the person's own zone
FEEDBACK_REMINDER_AFTER = timedelta(days=3)  # a feedback prompt not answered this long is reminded
FEEDBACK_REMIND_UNTIL = timedelta(days=10)  # a reminder still worth sending this long after the prompt
FIELD_SUMMARY_TIME = time(9, 0)  # on the 1st of the month, in the workspace's zone


def nudge_slot(workspace: Schedule, in_zone: ZoneInfo, now: datetime) -> datetime:
    """The nudge time, in `in_zone`, of the ISO week that `now` falls in there."""
    monday = iso_week_start(local_date(now, in_zone))
    day = monday + timedelta(days=workspace.nudge_weekday)
    return datetime.combine(day, workspace.nudge_time, tzinfo=in_zone)


def next_nudge(workspace: Schedule, in_zone: ZoneInfo, now: datetime) -> datetime:
    """The first nudge time after `now` (this week's, or next week's once it has passed)."""
    slot = nudge_slot(workspace, in_zone, now)
    return slot if slot > now else nudge_slot(workspace, in_zone, now + WEEK)


def nudged_week(workspace: Schedule, slot: datetime) -> date:
    """The week a nudge at `slot` asks about: the last one that ended, or (Friday teams) this one."""
    this_week = iso_week_start(slot.date())
    return this_week if workspace.report_current_week else this_week - WEEK


def digest_time(workspace: Schedule, week_start: date) -> datetime:
    """When the digest for the week starting `week_start` is posted: the next week, workspace time."""
    day = week_start + WEEK + timedelta(days=workspace.digest_weekday)
    return datetime.combine(day, workspace.digest_time, tzinfo=workspace_zone(workspace))


def digest_week(workspace: Schedule, now: datetime) -> date | None:
    """The week whose digest is due now in the workspace's zone (within a day's catch-up), if any."""
    local = now.astimezone(workspace_zone(workspace))
    monday = iso_week_start(local.date())
    slot = datetime.combine(
        monday + timedelta(days=workspace.digest_weekday), workspace.digest_time, tzinfo=local.tzinfo
    )
    return monday - WEEK if slot <= local < slot + CATCH_UP else None


def checkin_week(workspace: Schedule, in_zone: ZoneInfo, now: datetime) -> date:
    """The week `/pacer checkin` is for: last week until its digest is posted, then the current week."""
    this_week = iso_week_start(local_date(now, in_zone))
    if workspace.report_current_week:
        return this_week
    last_week = this_week - WEEK
    return last_week if now < digest_time(workspace, last_week) else this_week


def week_is_open(workspace: Schedule, in_zone: ZoneInfo, week_start: date, now: datetime) -> bool:
    """A check-in for `week_start` may be given: it has begun and its digest is not out yet."""
    this_week = iso_week_start(local_date(now, in_zone))
    if week_start > this_week:
        return False
    return week_start == this_week or now < digest_time(workspace, week_start)


def reminder_time(workspace: Schedule, nudged_at: datetime, week_start: date) -> datetime:
    """When to remind a silent rep: the workspace's delay after the nudge, but while a check-in is still
    worth giving — two hours before that week's digest — and never within an hour of the nudge."""
    delay = nudged_at + timedelta(hours=workspace.reminder_delay_hours)
    before_digest = digest_time(workspace, week_start) - REMINDER_BEFORE_DIGEST
    return max(min(delay, before_digest), nudged_at + timedelta(hours=1))


# --- monthly instants: feedback ----------------------------------------------------------------------


def feedback_date(workspace: Schedule, country: str | None, month: date) -> date:
    """The month's feedback day: the workspace's day (0: the 1st), moved on to a working day, or back
    to one when moving on would leave the month (a 28th that is a Saturday)."""
    day = month.replace(day=workspace.feedback_day or 1)
    step = DAY
    while not is_working_day(day, country):
        day += step
        if day.month != month.month:
            day, step = month.replace(day=workspace.feedback_day or 1), -step
    return day


def local_month(member: Person, workspace: Schedule, now: datetime) -> date:
    """The month feedback is for: the member's current month, in their own zone."""
    return month_of(local_date(now, member_zone(member, workspace)))


def feedback_prompt_month(member: Person, workspace: Schedule, now: datetime) -> date | None:
    """The month whose prompt is due for `member` now: 10:00 on the feedback day in their own zone, within
    a day's catch-up, unless they are away."""
    in_zone = member_zone(member, workspace)
    month = month_of(local_date(now, in_zone))
    day = feedback_date(workspace, holiday_country(member, workspace), month)
    slot = datetime.combine(day, FEEDBACK_PROMPT_TIME, tzinfo=in_zone)
    if slot <= now < slot + CATCH_UP and not is_day_off(member, workspace, day):
        return month
    return None


def field_summary_month(workspace: Schedule, now: datetime) -> date | None:
    """The month summarised now: the month before, from 09:00 on the 1st in the workspace's zone."""
    in_zone = workspace_zone(workspace)
    local = now.astimezone(in_zone)
    month = month_of(local.date())
    if local >= datetime.combine(month, FIELD_SUMMARY_TIME, tzinfo=in_zone):
        return previous_month(month)
    return None


LAST_ZONE = timezone(-timedelta(hours=12))  # UTC−12: the last place on earth where a day ends


def feedback_months_closed_before(now: datetime) -> date:
    """The first month whose feedback may still be given or edited somewhere (each person writes for
    their own month, and UTC−12 is the last to leave one): the months before it are closed everywhere."""
    return month_of(now.astimezone(LAST_ZONE).date())


def feedback_window_open(member: Person, workspace: Schedule, now: datetime) -> bool:
    """Whether `member` (a manager) is asked for this month's feedback now: from the prompt on the feedback
    day, in their own zone, for as long as a reminder is still worth sending."""
    in_zone = member_zone(member, workspace)
    day = feedback_date(workspace, holiday_country(member, workspace), month_of(local_date(now, in_zone)))
    opens = datetime.combine(day, FEEDBACK_PROMPT_TIME, tzinfo=in_zone)
    return opens <= now < opens + FEEDBACK_REMIND_UNTIL


def status_weeks(workspace: Schedule, now: datetime) -> tuple[date, date]:
    """The weeks `/pacer status` and the Home tab may show, in the workspace's zone: the last one that
    has ended, and the current one (in progress; shown when no goal reaches back into the last)."""
    this_week = iso_week_start(local_date(now, workspace_zone(workspace)))
    return this_week - WEEK, this_week


# --- working hours: a review's peer asks and reminders ------------------------------------------------
WORKING_HOURS = (time(10, 0), time(18, 0))  # when a person is asked or reminded, in their own zone


def asks_on(member: Person, workspace: Schedule, day: date) -> bool:
    """A working day of the member's (their country's calendar) on which they are not away."""
    return is_working_day(day, holiday_country(member, workspace)) and not is_away(member, day)


def next_working_hour(member: Person, workspace: Schedule, now: datetime, hour: int = 10) -> datetime:
    """When `member` may be asked something: `now` if it is between `hour`:00 and 18:00 on a working day of
    theirs (own zone and country, not away), else `hour`:00 on the next such day (within a year)."""
    in_zone = member_zone(member, workspace)
    local = now.astimezone(in_zone)
    day, start = local.date(), time(hour, 0)
    if asks_on(member, workspace, day) and start <= local.time() < WORKING_HOURS[1]:
        return now
    if local.time() >= start or not asks_on(member, workspace, day):
        day += DAY
        for _ in range(366):
            if asks_on(member, workspace, day):
                break
            day += DAY
    return datetime.combine(day, start, tzinfo=in_zone)


def reminder_day(member: Person, workspace: Schedule, now: datetime, due: date) -> date | None:
    """The member's local day whose reminder is due now: a working day of theirs, from 10:00 to 18:00 in
    their own zone, on or before `due`; None otherwise (one reminder a day at most is the caller's key)."""
    in_zone = member_zone(member, workspace)
    today = local_date(now, in_zone)
    if today > due or next_working_hour(member, workspace, now, WORKING_HOURS[0].hour) != now:
        return None
    return today


def workspace_span(workspace: Schedule, first: date, end: date) -> tuple[datetime, datetime]:
    """The instants from midnight starting `first` to midnight starting `end`, in the workspace's zone
    (a week: `end` is `first + WEEK`; a month: the next month's 1st)."""
    zone = workspace_zone(workspace)
    return datetime.combine(first, time(0, 0), tzinfo=zone), datetime.combine(end, time(0, 0), tzinfo=zone)


def day_start(member: Person, workspace: Schedule, day: date) -> datetime:
    """Midnight at the start of `day` in the member's own zone."""
    return datetime.combine(day, time(0, 0), tzinfo=member_zone(member, workspace))
