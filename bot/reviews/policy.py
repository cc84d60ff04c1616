"""Who sees and does what in a review, declared once (tests/reviews/test_policy.py covers every viewer).

A viewer's relation to a scorecard's rep (`viewer_of`) decides which parts of it they see (`visible`):

- the rep: their self review; once published, levels, evidence, the peer median, the manager's review,
  and an anonymised summary of the peer comments when there are at least 3; never who rated them;
- a peer (another rep): nothing of it (only their own rating form);
- the rep's manager: everything, who rated and each peer comment included (comments are theirs only);
- another manager: nothing;
- the vendor's contact: once published, the levels and overall only, never comments nor self-review text;
- an admin: everything but the peer comments themselves.

No database, no Slack: plain rules over the caller and the members concerned."""

from __future__ import annotations

from enum import StrEnum

from bot.errors import Invalid
from bot.reviews.models import Stage
from bot.reviews.scoring import MIN_PEER_RATINGS
from bot.roster import policy as roster
from bot.roster.models import Member, Role
from bot.roster.policy import Caller


class Viewer(StrEnum):
    REP = "rep"  # the rep themself
    PEER = "peer"  # another rep in the workspace
    MANAGER = "manager"  # the rep's manager now
    OTHER_MANAGER = "other_manager"
    VENDOR_CONTACT = "vendor_contact"  # the contact of the rep's vendor
    ADMIN = "admin"
    NONE = "none"  # someone of another workspace


class Part(StrEnum):
    LEVELS = "levels"  # each dimension's level and the overall score
    EVIDENCE = "evidence"  # the figures behind each level
    SELF_REVIEW = "self_review"  # the rep's self-ratings, wins, lessons, support wanted
    PEER_MEDIAN = "peer_median"
    PEER_RATERS = "peer_raters"  # who was asked and who rated
    PEER_COMMENTS = "peer_comments"  # each comment as written
    COMMENT_SUMMARY = "comment_summary"  # the comments, anonymised, only when there are enough
    MANAGER_REVIEW = "manager_review"  # reasons, strengths, improvements, development action
    HISTORY = "history"  # who changed what, when and why


SHOWN_AFTER_PUBLISHING = frozenset({Stage.PUBLISHED, Stage.CLOSED})
EVERYTHING = frozenset(Part)


def viewer_of(caller: Caller, rep: Member, *, vendor_contact: str | None) -> Viewer:
    """The caller's relation to `rep`; `vendor_contact` is the Slack user id of the rep's vendor's contact."""
    if rep.team_id != caller.team_id:
        return Viewer.NONE
    if caller.member.id == rep.id:
        return Viewer.REP
    if caller.is_admin():
        return Viewer.ADMIN
    if vendor_contact is not None and caller.member.user_id == vendor_contact:
        return Viewer.VENDOR_CONTACT
    if caller.role is Role.MANAGER:
        return Viewer.MANAGER if roster.can_manage(caller, rep) else Viewer.OTHER_MANAGER
    return Viewer.PEER


def visible(viewer: Viewer, stage: Stage, *, comments: int) -> frozenset[Part]:
    """The parts of a scorecard `viewer` may see at `stage`, with `comments` peer comments written."""
    published = stage in SHOWN_AFTER_PUBLISHING
    summary = {Part.COMMENT_SUMMARY} if comment_summary_shown(comments) else set()
    if viewer is Viewer.MANAGER:
        return EVERYTHING
    if viewer is Viewer.ADMIN:
        return EVERYTHING - {Part.PEER_COMMENTS, Part.COMMENT_SUMMARY} | summary
    if viewer is Viewer.REP:
        after = {Part.LEVELS, Part.EVIDENCE, Part.PEER_MEDIAN, Part.MANAGER_REVIEW, *summary}
        return frozenset({Part.SELF_REVIEW, *(after if published else ())})
    if viewer is Viewer.VENDOR_CONTACT and published:
        return frozenset({Part.LEVELS})
    return frozenset()


def comment_summary_shown(comments: int) -> bool:
    """Peer comments reach the rep only as an anonymised summary, and only when at least 3 were written."""
    return comments >= MIN_PEER_RATINGS


def are_teammates(rater: Member, rep: Member) -> bool:
    """Two reps on the same manager's team now, in the same workspace, both active."""
    return (
        rater.team_id == rep.team_id
        and roster.on_a_team(rater)
        and roster.on_a_team(rep)
        and rater.active
        and rep.active
        and rep.manager_id is not None
        and rater.manager_id == rep.manager_id
    )


def can_rate(rater: Member, rep: Member) -> bool:
    """A peer rating: never of oneself, only of a rep on one's own team."""
    return rater.id != rep.id and are_teammates(rater, rep)


def check_can_rate(rater: Member, rep: Member) -> None:
    """Refuse a rating `can_rate` denies, saying why."""
    if rater.id == rep.id:
        raise Invalid("reviews.errors.self_rating")
    if not are_teammates(rater, rep):
        raise Invalid("reviews.errors.not_teammate", rater=rater.user_id, rep=rep.user_id)


def can_ask_peers(caller: Caller, rep: Member) -> bool:
    """Peers for a rep are picked by their manager (or an admin), or proposed by the rep themself."""
    return roster.can_manage(caller, rep) or (caller.member.id == rep.id and roster.on_a_team(rep))


def can_self_review(caller: Caller, rep: Member) -> bool:
    return caller.member.id == rep.id and rep.team_id == caller.team_id and roster.on_a_team(rep)


def can_manager_review(caller: Caller, rep: Member) -> bool:
    """The final levels are set by the rep's manager now, or an admin."""
    return roster.on_a_team(rep) and roster.can_manage(caller, rep)


def can_calibrate(caller: Caller, rep: Member) -> bool:
    """Calibration shows admins every scorecard, and managers their own team's."""
    return roster.can_manage(caller, rep)


def can_reopen(caller: Caller, team_id: str) -> bool:
    """Only an admin of the cycle's workspace reopens a locked cycle."""
    return caller.is_admin() and caller.team_id == team_id
