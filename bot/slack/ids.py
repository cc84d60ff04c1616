"""Callback, block and action ids, shared by the Block Kit builders and the listener registrations."""

from enum import StrEnum


class CallbackId(StrEnum):
    SETUP = "setup"


class SetupBlock(StrEnum):
    """Block ids of the setup modal; each is also the `SetupForm` field it fills."""

    DIGEST_CHANNEL = "digest_channel_id"
    TIMEZONE = "timezone"
    NUDGE_WEEKDAY = "nudge_weekday"
    NUDGE_TIME = "nudge_time"
    REMINDER_DELAY = "reminder_delay_hours"
    FEEDBACK_DAY = "feedback_day"
    LANGUAGE = "language"


VALUE_ACTION = "value"  # the action id of the one input element in each modal input block
