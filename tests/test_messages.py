"""Each feature's outbox messages: keys keep the exact values rows already in outboxes carry, one
message per what each key stands for (person, week, month, goal version, channel…), and the payload
builders address and thread their messages as the features rely on. Pure: no database."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.checkins import messages as checkins
from bot.digests import messages as digests
from bot.digests.service import Scope
from bot.escalations import messages as escalations
from bot.escalations.models import Escalation, EscalationStatus, Severity
from bot.feedback import messages as feedback
from bot.feedback.models import ManagerFeedback
from bot.goals import messages as goals
from bot.goals.models import Goal
from bot.roster.models import Member, Vendor
from bot.workspaces.models import Workspace

TEAM = "T0000001"
WEEK = date(2026, 11, 2)
NOW = datetime(2026, 11, 9, 10, 30, tzinfo=UTC)


def person(member_id: int, user_id: str) -> Member:
    return Member(id=member_id, team_id=TEAM, user_id=user_id)


def test_every_kind_belongs_to_one_feature() -> None:
    """The sender and the outbox tell messages apart by kind: no two features may share one."""
    kinds = [*goals.KINDS, *checkins.KINDS, *feedback.KINDS, *digests.KINDS, *escalations.KINDS]
    assert len(kinds) == len(set(kinds)) == 25


def test_goal_keys_are_per_kind_goal_version_and_person() -> None:
    goal, rep, manager = Goal(id=7, version=2), person(1, "UREP"), person(2, "UBOSS")
    assert goals.key(goals.AGREEMENT, goal, rep) == "goal-agreement:7:v2:UREP"
    assert goals.key(goals.APPROVAL, goal, manager) == "goal-approval:7:v2:UBOSS"
    assert goals.key(goals.AGREEMENT, Goal(id=7, version=3), rep) != goals.key(goals.AGREEMENT, goal, rep)
    note = goals.dm(goal, manager, goals.AGREED, {"text": "agreed"})
    assert (note.channel, note.member_id, note.kind, note.period) == ("UBOSS", 2, "goal-agreed", "7")
    assert note.key == "goal-agreed:7:v2:UBOSS"


def test_checkin_keys_are_one_per_rep_kind_and_week() -> None:
    assert checkins.week_key(checkins.NUDGE, "UREP", WEEK) == "nudge:UREP:2026-11-02"
    assert checkins.week_key(checkins.REMINDER, "UREP", WEEK) == "reminder:UREP:2026-11-02"
    assert checkins.week_key(checkins.HELP, "UREP", WEEK) == "help:UREP:2026-11-02"
    nudge = checkins.week_key(checkins.NUDGE, "UREP", WEEK)
    assert checkins.done_key(nudge, NOW) == f"nudge:UREP:2026-11-02:done:{NOW.timestamp()}"
    assert checkins.done_key(nudge, NOW) != checkins.done_key(nudge, NOW.replace(minute=31))  # each check-in


def test_the_done_message_updates_the_nudge_it_replaces() -> None:
    nudge = checkins.week_key(checkins.NUDGE, "UREP", WEEK)
    done = checkins.done(person(1, "UREP"), nudge, WEEK, [], locale="en", now=NOW)
    assert done.payload["update_of"] == nudge and done.kind == checkins.NUDGE_DONE
    assert (done.channel, done.period) == ("UREP", "2026-11-02")


def test_feedback_keys_are_one_per_person_or_channel_and_month() -> None:
    month = date(2026, 11, 1)
    assert feedback.period(month) == "2026-11" and feedback.month_of("2026-11") == month
    assert feedback.prompt_key(feedback.GIVE, "UBOSS", month) == "feedback-give:UBOSS:2026-11"
    assert feedback.prompt_key(feedback.ASK, "UREP", month) == "feedback-ask:UREP:2026-11"
    assert feedback.reminder_key("UREP", month) == "feedback-reminder:UREP:2026-11"
    assert feedback.summary_key("CDIGEST", month) == "field-summary:CDIGEST:2026-11"
    item = ManagerFeedback(id=5, month=month, acknowledged_at=NOW)
    assert feedback.to_rep_key(item) == "feedback-to-rep:5"
    assert feedback.ack_key(item) == "feedback-ack:5"
    assert feedback.reply_key(item, NOW) == f"feedback-reply:5:{NOW.timestamp()}"


def test_feedback_notes_go_to_the_manager() -> None:
    item, manager = ManagerFeedback(id=5, month=date(2026, 11, 1), acknowledged_at=NOW), person(2, "UBOSS")
    note = feedback.acknowledged(item, manager, "UREP", "en")
    assert (note.key, note.kind, note.channel, note.member_id) == (
        "feedback-ack:5",
        "feedback-ack",
        "UBOSS",
        2,
    )
    assert "<@UREP>" in note.payload["text"]
    reply = feedback.replied(item, manager, "UREP", "thanks <!channel>", locale="en", now=NOW)
    assert reply.kind == feedback.REPLY
    assert "<!channel>" not in reply.payload["text"]  # the rep's text is escaped


def test_a_rep_prompt_and_its_reminder_have_their_own_keys() -> None:
    month, rep = date(2026, 11, 1), person(1, "UREP")
    prompt = feedback.prompt(rep, feedback.ASK, month, [], "en")
    reminder = feedback.reminder(rep, feedback.ASK, month, [], "en")
    assert (prompt.key, prompt.period) == ("feedback-ask:UREP:2026-11", "2026-11")
    assert (reminder.key, reminder.kind, reminder.period) == (
        "feedback-reminder:UREP:2026-11",
        feedback.REMINDER,
        "2026-11",
    )
    assert prompt.payload != reminder.payload


def test_digest_keys_are_one_per_channel_scope_and_week() -> None:
    assert digests.digest_key("CALL", Scope(TEAM), WEEK) == "digest:CALL:all:2026-11-02"
    assert digests.digest_key("CTEAM", Scope(TEAM, manager_id=4), WEEK) == "digest:CTEAM:mgr4:2026-11-02"
    assert digests.digest_key("CV", Scope(TEAM, vendor_id=9), WEEK) == "digest:CV:vendor9:2026-11-02"
    parent = digests.digest_key("CALL", Scope(TEAM), WEEK)
    assert digests.part_key(parent, 2) == "digest:CALL:all:2026-11-02:part2"
    assert digests.chart_key(parent) == "digest:CALL:all:2026-11-02:chart"
    vendor = Vendor(id=9, name="Acme & Co", channel_id="CV")
    assert digests.vendor_channel_key(vendor, NOW) == f"vendor-channel:9:CV:{NOW.isoformat()}"


def test_the_vendor_channel_notice_tells_the_contact() -> None:
    vendor, contact = Vendor(id=9, name="Acme <b>", channel_id="CV"), person(3, "UCONTACT")
    notice = digests.vendor_channel_notice(vendor, contact, "UBOSS", "en", NOW)
    assert (notice.channel, notice.kind) == ("UCONTACT", digests.VENDOR_CHANNEL)
    assert "<#CV>" in notice.payload["text"] and "<@UBOSS>" in notice.payload["text"]
    assert "Acme &lt;b&gt;" in notice.payload["text"]


def test_escalation_keys() -> None:
    escalation = Escalation(id=12, status=EscalationStatus.ACKNOWLEDGED)
    assert escalations.vendor_key(escalation, resent=False) == "escalation:12"
    assert escalations.vendor_key(escalation, resent=True) == "escalation-resent:12"
    assert escalations.step_key(escalation) == "escalation-acknowledged:12"
    escalation.status = EscalationStatus.RESOLVED
    assert escalations.step_key(escalation) == "escalation-resolved:12"  # one notice per step
    flagged = [Escalation(id=3), Escalation(id=12)]
    assert (
        escalations.flag_key("digest:CALL:all:2026-11-02", flagged)
        == "digest:CALL:all:2026-11-02:escalations:3-12"
    )


def test_the_digest_flag_replies_in_the_digest_thread() -> None:
    workspace = Workspace(team_id=TEAM, digest_channel_id="CALL", language="en", timezone="UTC")
    parent = digests.digest_key("CALL", Scope(TEAM), WEEK)
    rows = [(Escalation(id=3, severity=Severity.HIGH, description="No stock"), person(1, "UREP"))]
    flag = escalations.digest_flag(workspace, parent, WEEK, rows)
    assert flag.payload["thread_of"] == parent and flag.channel == "CALL"
    assert (flag.key, flag.kind, flag.period) == (
        f"{parent}:escalations:3",
        "digest-escalations",
        "2026-11-02",
    )
