"""`pacer erase`: a member's data erased on request. No Slack.

Removed where personal: their check-in text (and why it differed from the CRM's figure), the feedback
text they wrote (field feedback, their replies, and as a manager what they wrote to reps), kudos reasons
they gave or got, review comments and texts they wrote or that were written about them, escalation
descriptions about them, their study log's words, their queued messages. Unlinked where they were named
by id, email or name: the CRM owner that was them (email and name blanked, counting for no one), a vendor
they were the contact of, the CRM connection and connect under way they started, the escalation steps they
took, the installation they made.
Anonymised where aggregated: their member row stays with an anonymous label and no Slack id, so their
figures (check-in results, targets, payouts, contest awards) stay in team totals without naming them."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, CursorResult, delete, or_, select, update
from sqlalchemy.orm import Session

from bot.audit import service as audit
from bot.audit.models import AuditEvent
from bot.checkins.models import CheckIn
from bot.crm.integrations.models import CrmConnection, CrmConnectState, CrmOwner, OwnerMatch
from bot.crm.models import CheckinSource
from bot.delivery.models import Delivery
from bot.errors import NotFound
from bot.escalations.models import Escalation, EscalationEvent
from bot.feedback.models import FieldFeedback, ManagerFeedback
from bot.installs.models import INSTALLATIONS
from bot.recognition.models import Kudos
from bot.reviews.models import ManagerReview, PeerRating, ReviewChange, ReviewInput, SelfReview
from bot.roster.models import Member, Vendor
from bot.roster.service import find_member
from bot.training.models import StudyLog

ANONYMOUS = "erased member {id}"
FIELD_TEXTS = ("market", "competitor", "competitor_moves", "customers", "problems", "suggestions")
MANAGER_TEXTS = ("strengths", "improve", "next_step")
REASONS = ("sales_reason", "satisfaction_reason", "expansion_reason", "teamwork_reason")
REVIEW_TEXTS = (*REASONS, "strengths", "improvements", "development_action")


def _blank(names: tuple[str, ...]) -> dict[str, Any]:
    return dict.fromkeys(names, "")


def erase(session: Session, team_id: str, user_id: str, *, actor: int | None) -> dict[str, int]:
    """Erase the member `user_id` of `team_id`; recorded. Returns how many rows each step changed."""
    member = find_member(session, team_id=team_id, user_id=user_id)
    if member is None:
        raise NotFound("member.unknown", user=user_id)
    done = _texts(session, team_id, member.id) | _reviews(session, team_id, member.id)
    done["deliveries"] = _run(
        session, delete(Delivery).where(Delivery.team_id == team_id, Delivery.member_id == member.id)
    )
    label = ANONYMOUS.format(id=member.id)
    where = (AuditEvent.team_id == team_id, AuditEvent.subject == user_id)
    done["audit_events"] = _run(session, update(AuditEvent).where(*where).values(subject=label))
    done |= _links(session, team_id, member.id, user_id)
    _anonymise(member, label)
    audit.record(session, team_id, actor, "erase", label, rows=sum(done.values()))
    return done


def _texts(session: Session, team_id: str, member_id: int) -> dict[str, int]:
    in_team = (CheckIn.team_id == team_id,)
    kudos: ColumnElement[bool] = or_(Kudos.giver_id == member_id, Kudos.receiver_id == member_id)
    steps = {
        "checkins": update(CheckIn)
        .where(*in_team, CheckIn.rep_id == member_id)
        .values(highlights="", blockers=""),
        "checkin_sources": update(CheckinSource)  # why their report differed from the CRM's figure
        .where(
            CheckinSource.team_id == team_id,
            CheckinSource.checkin_id.in_(select(CheckIn.id).where(*in_team, CheckIn.rep_id == member_id)),
        )
        .values(reason=""),
        "field_feedback": update(FieldFeedback)
        .where(FieldFeedback.team_id == team_id, FieldFeedback.author_id == member_id)
        .values(_blank(FIELD_TEXTS)),
        "manager_feedback_given": update(ManagerFeedback)
        .where(ManagerFeedback.team_id == team_id, ManagerFeedback.manager_id == member_id)
        .values(_blank(MANAGER_TEXTS)),
        "manager_feedback_replies": update(ManagerFeedback)
        .where(ManagerFeedback.team_id == team_id, ManagerFeedback.rep_id == member_id)
        .values(reply=""),
        "kudos": update(Kudos).where(Kudos.team_id == team_id, kudos).values(reason=""),
        "escalations": update(Escalation)
        .where(Escalation.team_id == team_id, Escalation.rep_id == member_id)
        .values(description=""),
    }
    return {name: _run(session, step) for name, step in steps.items()}


def _reviews(session: Session, team_id: str, member_id: int) -> dict[str, int]:
    peer = or_(PeerRating.rater_id == member_id, PeerRating.rep_id == member_id)
    review = or_(ManagerReview.rep_id == member_id, ManagerReview.manager_id == member_id)
    steps = {
        "peer_ratings": update(PeerRating).where(PeerRating.team_id == team_id, peer).values(comment=""),
        "self_reviews": update(SelfReview)
        .where(SelfReview.team_id == team_id, SelfReview.rep_id == member_id)
        .values(wins="", lessons="", support_wanted=""),
        "manager_reviews": update(ManagerReview)
        .where(ManagerReview.team_id == team_id, review)
        .values(_blank(REVIEW_TEXTS)),
        "review_changes": update(ReviewChange)
        .where(ReviewChange.team_id == team_id, ReviewChange.rep_id == member_id)
        .values(reason=""),
        "review_inputs": update(ReviewInput)
        .where(ReviewInput.team_id == team_id, ReviewInput.rep_id == member_id)
        .values(note=""),
    }
    return {name: _run(session, step) for name, step in steps.items()}


def _links(session: Session, team_id: str, member_id: int, user_id: str) -> dict[str, int]:
    """Where the person is named by their Slack id, email or name outside their own rows."""
    installed = (INSTALLATIONS.c.team_id == team_id, INSTALLATIONS.c.user_id == user_id)
    steps = {
        "crm_owners": update(CrmOwner)
        .where(CrmOwner.team_id == team_id, CrmOwner.member_id == member_id)
        .values(member_id=None, email="", name="", matched=OwnerMatch.NONE),
        "training_study_logs": update(StudyLog)
        .where(StudyLog.team_id == team_id, StudyLog.rep_id == member_id)
        .values(what="", takeaway=""),
        "vendor_contacts": update(Vendor)
        .where(Vendor.team_id == team_id, Vendor.contact_user_id == user_id)
        .values(contact_user_id=None),
        "crm_connections": update(CrmConnection)
        .where(CrmConnection.team_id == team_id, CrmConnection.connected_by == user_id)
        .values(connected_by=""),
        "crm_connect_states": delete(CrmConnectState).where(
            CrmConnectState.team_id == team_id, CrmConnectState.user_id == user_id
        ),
        "escalation_events": update(EscalationEvent)
        .where(EscalationEvent.team_id == team_id, EscalationEvent.actor_user_id == user_id)
        .values(actor_user_id=None),
        "slack_installations": update(INSTALLATIONS)
        .where(*installed)
        .values(user_id=f"X{member_id}", user_token=None, user_refresh_token=None, user_scopes=None),
    }
    return {name: _run(session, step) for name, step in steps.items()}


def _run(session: Session, statement: Any) -> int:
    result: CursorResult[Any] = session.execute(statement)  # type: ignore[assignment]
    return int(result.rowcount or 0)


def _anonymise(member: Member, label: str) -> None:
    """The row stays (their figures count in team totals) under an anonymous label, with no Slack id."""
    member.display_name, member.user_id = label, f"X{member.id}"
    member.active, member.timezone, member.slack_locale = False, None, None
