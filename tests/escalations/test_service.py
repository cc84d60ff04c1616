"""The escalation rules on a real session, with no Slack: who may open one for whom, where the vendor hears
of it (whatever the severity), acknowledging and resolving once each, who may act on or see which, and
that nothing crosses from one workspace to another."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.errors import Invalid, NotAllowed, NotFound, PacerError
from bot.escalations import service
from bot.escalations.models import Escalation, EscalationEvent, EscalationStatus, Severity, Source
from bot.roster.models import Member, Role, Vendor
from bot.roster.service import Caller, add_vendor, caller_for
from bot.workspaces.service import ensure_workspace
from tests.factories import TEAM, member

OTHER_TEAM = "T0000002"
NOW = datetime(2026, 12, 7, 10, tzinfo=UTC)


class People:
    """Two managers' teams in one workspace, a vendor with a contact and one without, and a rep of
    another workspace."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.boss = member(session, "UBOSS", role=Role.MANAGER)
        self.other = member(session, "UOTHER", role=Role.MANAGER)
        self.admin = member(session, "UADMIN")
        self.contact = member(session, "UVENDOR")  # the vendor's contact: a Slack user, on no team
        self.acme = add_vendor(session, team_id=TEAM, name="Acme", contact_user_id="UVENDOR")
        self.silent = add_vendor(session, team_id=TEAM, name="Silent", contact_user_id=None)
        self.rep = self._rep("UREP", self.boss, self.acme)
        self.rep2 = self._rep("UREP2", self.other, self.silent)
        self.stranger = member(session, "USTRANGER", team_id=OTHER_TEAM)

    def _rep(self, user_id: str, boss: Member, vendor: Vendor) -> Member:
        rep = member(self.session, user_id)
        rep.on_team, rep.manager_id, rep.vendor_id = True, boss.id, vendor.id
        return rep

    def caller(self, who: Member) -> Caller:
        return caller_for(who, ensure_workspace(self.session, who.team_id), frozenset({"UADMIN"}))

    def open(
        self, by: Member, rep: Member, *, vendor: bool = True, severity: Severity = Severity.HIGH
    ) -> Escalation:
        return service.open_escalation(
            self.session,
            caller=self.caller(by),
            rep=rep,
            severity=severity,
            description="  Missed the demo  ",
            involve_vendor=vendor,
            source=Source.COMMAND,
            now=NOW,
        )


@contextmanager
def refused(kind: type[PacerError], key: str) -> Iterator[None]:
    with pytest.raises(kind) as caught:
        yield
    assert caught.value.key == key


@pytest.fixture
def people(session: Session) -> People:
    return People(session)


def steps(session: Session, escalation: Escalation) -> list[tuple[str, str | None]]:
    rows = session.scalars(
        select(EscalationEvent)
        .where(EscalationEvent.escalation_id == escalation.id)
        .order_by(EscalationEvent.id)
    )
    return [(e.action, e.actor_user_id) for e in rows]


def test_who_may_escalate_for_whom(people: People) -> None:
    people.open(people.boss, people.rep)  # a manager, for their own rep
    people.open(people.admin, people.rep2, vendor=False)  # an admin, for any rep on a team
    with refused(NotAllowed, "escalation.not_your_rep"):
        people.open(people.other, people.rep)  # another manager's rep
    with refused(NotAllowed, "escalation.only_managers"):
        people.open(people.rep2, people.rep)  # a rep escalates nobody
    with refused(Invalid, "goal.not_on_team"):
        people.open(people.admin, people.contact)  # the vendor's contact is on no team
    with pytest.raises(NotFound):
        people.open(people.admin, people.stranger)  # another workspace's member


@pytest.mark.parametrize("severity", list(Severity))
def test_the_vendor_is_reached_by_its_channel_else_its_contact_whatever_the_severity(
    people: People, severity: Severity
) -> None:
    assert service.vendor_channel(people.acme) == "UVENDOR"  # the contact's DMs
    people.acme.channel_id = "C0ACME"
    assert service.vendor_channel(people.acme) == "C0ACME"  # the shared channel, once routed
    assert service.vendor_channel(people.silent) is None and service.vendor_channel(None) is None
    sent = people.open(people.boss, people.rep, severity=severity)
    assert (sent.severity, sent.vendor_id, sent.sent_at, sent.description) == (
        severity,
        people.acme.id,
        NOW,
        "Missed the demo",
    )
    assert steps(people.session, sent) == [("opened", "UBOSS"), ("sent", None)]
    kept = people.open(people.boss, people.rep, vendor=False, severity=severity)
    assert kept.sent_at is None and steps(people.session, kept) == [("opened", "UBOSS")]


def test_a_vendor_nobody_can_answer_for_is_never_involved(people: People) -> None:
    with refused(Invalid, "escalation.no_vendor_contact"):
        people.open(people.other, people.rep2)
    people.rep2.vendor_id = None
    with refused(Invalid, "escalation.no_vendor_contact"):
        people.open(people.other, people.rep2)
    internal = people.open(people.other, people.rep2, vendor=False)  # still escalated, internally
    assert internal.vendor_id is None and internal.status is EscalationStatus.OPEN


def test_acknowledged_then_resolved_each_once(people: People) -> None:
    session, escalation = people.session, people.open(people.boss, people.rep)
    assert service.acknowledge(session, escalation, "UVENDOR", NOW)
    assert not service.acknowledge(session, escalation, "UBOSS", NOW + timedelta(hours=1))  # already
    assert (escalation.status, escalation.acknowledged_at) == (EscalationStatus.ACKNOWLEDGED, NOW)
    later = NOW + timedelta(days=1)
    assert service.resolve(session, escalation, "UBOSS", later)
    assert not service.resolve(session, escalation, "UVENDOR", later + timedelta(hours=1))
    assert not service.acknowledge(session, escalation, "UVENDOR", later)  # resolved: nothing moves back
    assert (escalation.status, escalation.resolved_at) == (EscalationStatus.RESOLVED, later)
    assert service.last_step(session, escalation) == ("resolved", "UBOSS", later)
    assert steps(session, escalation)[2:] == [("acknowledged", "UVENDOR"), ("resolved", "UBOSS")]


def test_resolved_straight_from_open(people: People) -> None:
    session, escalation = people.session, people.open(people.boss, people.rep)
    assert service.resolve(session, escalation, "UBOSS", NOW)
    assert escalation.acknowledged_at is None
    assert service.last_step(session, escalation) == ("resolved", "UBOSS", NOW)


def test_who_may_act_on_an_escalation(people: People) -> None:
    session = people.session
    involved = people.open(people.boss, people.rep)
    internal = people.open(people.boss, people.rep, vendor=False)
    for who in (people.contact, people.boss, people.admin):
        assert service.for_action(session, people.caller(who), involved.id)[0] is involved
    with pytest.raises(NotAllowed):
        service.for_action(session, people.caller(people.contact), internal.id)  # not sent to the vendor
    with pytest.raises(NotAllowed):
        service.for_action(session, people.caller(people.other), involved.id)
    with pytest.raises(NotFound):
        service.for_action(session, people.caller(people.stranger), involved.id)  # another workspace


def test_who_sees_which_open_escalations(people: People) -> None:
    session = people.session
    mine = people.open(people.boss, people.rep)
    internal = people.open(people.boss, people.rep, vendor=False)
    theirs = people.open(people.admin, people.rep2, vendor=False)
    done = people.open(people.boss, people.rep)
    service.resolve(session, done, "UBOSS", NOW)

    def seen(who: Member) -> list[int]:
        return [e.id for e, _, _ in service.visible(session, people.caller(who))]

    assert seen(people.admin) == [mine.id, internal.id, theirs.id]  # never the resolved one
    assert seen(people.boss) == [mine.id, internal.id]
    assert seen(people.other) == [theirs.id]
    assert seen(people.contact) == [mine.id]  # only what was sent to their vendor
    with refused(NotAllowed, "escalation.only_managers"):
        seen(people.rep)
    ensure_workspace(session, OTHER_TEAM)
    stranger_admin = member(session, "UADMIN", team_id=OTHER_TEAM)
    assert seen(stranger_admin) == []  # an admin of another workspace sees none of these
