"""The CRM's figures in scorecards and incentives (issue 13): when a workspace chose them
(`/pacer crm figures crm`), sales attainment and incentive attainment sum the CRM's actuals, and its new
accounts are the market expansion figure, each shown with its source. And the source of each figure in the
digest, `/pacer status` and the Home team table: the CRM's figures the reps confirmed in their check-ins
(`bot.digests.sources`). No Slack."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.crm import differences, figures
from bot.digests import sources
from bot.reviews import scorecards


def chosen(session: Session, team_id: str) -> bool:
    return figures.source_of(session, team_id) is figures.Source.CRM


CRM_FIGURES = scorecards.CrmFigures(chosen, figures.results, figures.new_accounts)


def connect() -> None:
    """The CRM's queries for the scorecards (and, through them, incentives), and for the digest's source
    marks, once."""
    scorecards.CRM[:] = [CRM_FIGURES]
    sources.LOOKUPS[:] = [differences.kept_figures]
