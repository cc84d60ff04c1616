"""Callback, block and action ids, shared by the Block Kit builders and the listener registrations."""

from enum import StrEnum


class CallbackId(StrEnum):
    SETUP = "setup"
    CHECKIN = "checkin"
    GOAL = "goal"
    FEEDBACK_GIVE = "feedback_give"
    FEEDBACK_SHARE = "feedback_share"
    FEEDBACK_REPLY = "feedback_reply"
    ESCALATION = "escalation"


class SetupBlock(StrEnum):
    """Block ids of the setup modal; each is also the `SetupForm` field it fills."""

    DIGEST_CHANNEL = "digest_channel_id"
    TIMEZONE = "timezone"
    NUDGE_WEEKDAY = "nudge_weekday"
    NUDGE_TIME = "nudge_time"
    REMINDER_DELAY = "reminder_delay_hours"
    FEEDBACK_DAY = "feedback_day"
    LANGUAGE = "language"
    DIGEST_WEEKDAY = "digest_weekday"
    DIGEST_TIME = "digest_time"
    REPORT_WEEK = "report_week"
    COUNTRY = "country"


class GoalBlock(StrEnum):
    """Block ids of the goal modal; each is also the `GoalForm` field it fills."""

    TITLE = "title"
    DESCRIPTION = "description"
    METRIC = "metric"
    METRIC_LABEL = "metric_label"
    UNIT = "unit"
    TARGET = "target"
    WHY = "why"
    PERIOD = "period_kind"
    START = "start_date"
    END = "end_date"
    WEIGHTS = "quarter_weights"


class CheckinBlock(StrEnum):
    """Per-goal block ids of the check-in modal are `<prefix>:<goal id>`."""

    RESULT = "result"
    CONFIDENCE = "confidence"
    HIGHLIGHTS = "highlights"
    BLOCKERS = "blockers"
    HELP = "help"


class FeedbackBlock(StrEnum):
    """Block ids of the feedback modals; each is also the form field it fills."""

    STRENGTHS = "strengths"
    IMPROVE = "improve"
    NEXT_STEP = "next_step"
    RATING = "rating"
    MARKET = "market"
    COMPETITOR = "competitor"
    COMPETITOR_MOVES = "competitor_moves"
    CUSTOMERS = "customers"
    PROBLEMS = "problems"
    SUGGESTIONS = "suggestions"
    IDENTITY = "identity"
    REPLY = "reply"


class EscalationBlock(StrEnum):
    REP = "rep"
    SEVERITY = "severity"
    DESCRIPTION = "description"
    VENDOR = "involve_vendor"


class Action(StrEnum):
    CHECKIN_OPEN = "checkin_open"
    GOAL_AGREE = "goal_agree"
    GOAL_DISCUSS = "goal_discuss"
    GOAL_APPROVE = "goal_approve"
    GOAL_EDIT = "goal_edit"
    HOME_NEW_GOAL = "home_new_goal"
    HOME_POST_DIGEST = "home_post_digest"
    DIGEST_POST_CONFIRM = "digest_post_confirm"
    DIGEST_POST_CANCEL = "digest_post_cancel"
    HOME_SETUP = "home_setup"
    FEEDBACK_GIVE = "feedback_give"
    FEEDBACK_SHARE = "feedback_share"
    FEEDBACK_ACK = "feedback_ack"
    FEEDBACK_REPLY = "feedback_reply"
    ESCALATE = "escalate"
    ESCALATION_ACK = "escalation_ack"
    ESCALATION_RESOLVE = "escalation_resolve"


VALUE_ACTION = "value"  # the action id of the one input element in each modal input block
