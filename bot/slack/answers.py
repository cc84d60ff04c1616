"""The one way a button on an old message answers: only to the person who pressed it, saying what is true
now (done already, and when), leaving the message as it is."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from slack_bolt import Respond

from bot.checkins.schedule import zone_of
from bot.errors import Stale
from bot.i18n import Locale, t
from bot.roster.service import Caller
from bot.slack.deps import Deps
from bot.workspaces.models import Workspace


def moment(at: datetime, zone: ZoneInfo, locale: Locale) -> str:
    """A moment in the person's time zone and language: "Monday, Dec 14 at 16:00"."""
    local = at.astimezone(zone)
    day = t("week.day", locale, day=local.day, month_name=t(f"month.{local.month}", locale))
    weekday = t(f"weekday.{local.weekday()}", locale)
    return t("week.moment", locale, weekday=weekday, day=day, time=local.strftime("%H:%M"))


def stale_text(error: Stale, locale: Locale, zone: ZoneInfo) -> str:
    values = {
        name: moment(value, zone, locale) if isinstance(value, datetime) else value
        for name, value in error.values.items()
    }
    return t(error.key, locale, **values)


def already(deps: Deps, respond: Respond, error: Stale, caller: Caller) -> None:
    """Tell the person who pressed an old button what is true now; the message stays as it is."""
    with deps.session_factory() as session:
        zone = zone_of(caller.member, session.get_one(Workspace, caller.team_id))
    text = stale_text(error, caller.locale, zone)
    respond(text=text, response_type="ephemeral", replace_original=False)
