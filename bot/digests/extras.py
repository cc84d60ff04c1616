"""What other features add under one rep's `/pacer status` (the CRM's open pipeline and its coverage of
the target), whoever looks: the rep themself, or their manager or an admin with `/pacer status @rep`.
Each is a `StatusPart` in `STATUS`, connected by `bot.links`, so this package never imports those
features. No Slack calls.

The handler has already decided that the viewer may see the rep (`can_manage`); a part is told who looks
(`RepStatus.viewer`, `RepStatus.own`) so that it words its text for them, in their language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from bot.i18n import Locale
from bot.roster.policy import Caller
from bot.slack.blocks import Block


@dataclass(frozen=True)
class RepStatus:
    """One rep's status and who looks at it. `rep_user_id` is the rep's Slack id, for a mention."""

    team_id: str
    rep_id: int
    rep_user_id: str
    viewer: Caller
    now: datetime

    @property
    def own(self) -> bool:
        """The rep looks at their own status (`/pacer status`), rather than their manager or an admin."""
        return self.viewer.member.id == self.rep_id

    @property
    def locale(self) -> Locale:
        """The viewer's language, not the rep's."""
        return self.viewer.locale


StatusPart = Callable[[Session, RepStatus], list[Block]]
STATUS: list[StatusPart] = []


def status_parts(session: Session, status: RepStatus) -> list[Block]:
    """The blocks every connected part adds under the rep's status, in the list's order."""
    return [block for part in STATUS for block in part(session, status)]
