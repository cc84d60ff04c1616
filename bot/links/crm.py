"""The CRM feature connected to the rest of Pacer. No Slack calls.

- Scorecards and incentives (issue 13): when a workspace chose the CRM's figures (`/pacer crm figures
  crm`), sales attainment and incentive attainment sum the CRM's actuals, and its new accounts are the
  market expansion figure, each shown with its source.
- Check-ins (`bot.checkins.extras`): a goal the CRM counts shows the week's CRM figure, its result is
  pre-filled with it, a different result needs a reason, and both are kept beside the check-in
  (`bot.crm.checkin`, `bot.crm.checkin_views`).
- `/pacer status` (`bot.digests.extras`): under a rep's own goals, and under the rep's status seen by their
  manager or an admin (`/pacer status @rep`), their open pipeline and its coverage of the target
  (`bot.crm.pipeline`), in the viewer's language.
- The digest, `/pacer status` and the Home team table (`bot.digests.sources`): each week's figure the
  rep confirmed from the CRM is marked (`bot.crm.differences.kept_figures`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.orm import Session

from bot.checkins import extras as checkin_extras
from bot.checkins.extras import RepWeek
from bot.checkins.service import Answer
from bot.crm import checkin, checkin_views, differences, figures, pipeline
from bot.digests import extras as digest_extras
from bot.digests import sources
from bot.errors import FieldErrors
from bot.goals.models import Goal
from bot.i18n import Locale
from bot.reviews import scorecards
from bot.slack.blocks import Block
from bot.slack.forms import Values


def chosen(session: Session, team_id: str) -> bool:
    return figures.source_of(session, team_id) is figures.Source.CRM


CRM_FIGURES = scorecards.CrmFigures(chosen, figures.results, figures.new_accounts)


def checkin_shown(
    session: Session, of: RepWeek, goals: Sequence[Goal], locale: Locale
) -> checkin_extras.Shown:
    """The week's CRM figure of each goal it counts: the result pre-filled with it, and its field."""
    found = checkin.figures(session, of.team_id, of.rep_id, of.week, goals)
    prefill: dict[int, dict[str, str]] = {}
    checkin.prefill(prefill, found)
    return checkin_extras.Shown(prefill, checkin_views.fields(found, locale))


def checkin_refused(
    session: Session, of: RepWeek, answers: Sequence[Answer], submitted: Values
) -> FieldErrors:
    """A result that differs from the CRM's figure without a reason (or with one too long)."""
    reasons = checkin.reasons_of(submitted)
    return checkin.check_reasons(session, of.team_id, of.rep_id, of.week, answers, reasons=reasons)


def checkin_kept(session: Session, of: RepWeek, submitted: Values, now: datetime) -> None:
    """The CRM's figure and the rep's reason, beside each of the week's check-ins it counts."""
    checkin.keep(session, of.team_id, of.rep_id, of.week, checkin.reasons_of(submitted), now=now)


CHECKIN = checkin_extras.GoalExtra(checkin_shown, checkin_refused, checkin_kept)


def status_pipeline(session: Session, status: digest_extras.RepStatus) -> list[Block]:
    """The rep's open pipeline under their status: said to them, or about them to whoever else looks (the
    handler let them: their manager or an admin), in the viewer's language."""
    of = None if status.own else status.rep_user_id
    return pipeline.status_blocks(session, status.team_id, status.rep_id, status.now, status.locale, of=of)


def connect() -> None:
    """The CRM's queries for the scorecards (and, through them, incentives), its part of the check-in and
    of a rep's `/pacer status`, and the digest's source marks; once each."""
    scorecards.CRM[:] = [CRM_FIGURES]
    if CHECKIN not in checkin_extras.EXTRAS:
        checkin_extras.EXTRAS.append(CHECKIN)
    if status_pipeline not in digest_extras.STATUS:
        digest_extras.STATUS.append(status_pipeline)
    sources.LOOKUPS[:] = [differences.kept_figures]
