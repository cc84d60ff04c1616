"""Hostile text over signed HTTP: mrkdwn injection, line breaks, right-to-left marks, CJK, emoji and
10,000-character strings typed into every modal field and free-text argument, then every place that
shows them: the digest, `/pacer status`, `/pacer goals`, `/pacer feedback list`, the voice of the field,
the vendor's escalation DM, Home tabs, help, and the reviews (the self and manager review modals, peer
comments, the calibration listing, the scorecard DM, the vendor's summary). Nothing may ping, mention or
link (tests/support/mrkdwn.py), the text must still be there (escaped once, readable), and no request may
get a 5xx."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from bot.checkins.models import Confidence
from bot.delivery.models import Delivery, DeliveryStatus
from bot.i18n import LOCALES, t
from bot.reviews import service as review_service
from bot.reviews.models import ManagerReview, PeerRating, ReviewCycle, SelfReview, Stage
from bot.roster.models import Member
from bot.roster.service import VENDOR_NAME_MAX, add_vendor
from bot.slack.commands import COMMAND_TEXT_MAX
from bot.slack.state import clean
from bot.text import lines, one_line, unescape
from bot.workspaces.models import Workspace
from tests.factories import TEAM, member, rep_with_goal
from tests.reviews.support import Q4_WEEKS
from tests.support.app_server import AppServer
from tests.support.mrkdwn import (
    Finding,
    mrkdwn_texts,
    recorded_payloads,
    unsafe_in_emulator,
    unsafe_in_payload,
)
from tests.support.people import ADMIN, MARIA, REP_EN, REP_LA, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import PeerResponse, SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
VENDOR = "UVENDOR"
INJECTIONS = (
    "<!channel>",
    "<!here>",
    "<!everyone>",
    "<!subteam^S123|@sales>",
    "<@U999|ceo>",
    f"<@{ADMIN}>",  # a real member's id: still the rep's text, not Pacer's mention
    "<#C0GENERAL>",
    "<https://evil.example|Slack: log in again>",
    "<mailto:it@evil.example|IT desk>",
    "&lt;!channel&gt;",
)
VARIANTS = {
    # First "R&D <b> &lt;…&gt;": the visible check (first 30 characters) then also fails on double escaping.
    "mrkdwn": "R&D <b> " + " ".join(reversed(INJECTIONS)) + "\n\n\n*bold*\n\n\nnewlines",
    "unicode": "\u202eevil\u200f <!here> 目标：销售增长 🎉🔥\u2028<@U999|ceo>\u2029שלום עולם <!channel>",
    "long": "<!channel> " + "長" * 10_000 + " <https://evil.example|x>",
}
GOAL = {
    "metric": "custom",
    "unit": "USD",
    "target": "130,000",
    "period_kind": "quarter",
    "start_date": "2026-10-01",
}


def at(month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


def fit(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit]


def _goal_id_of(message: dict[str, Any]) -> str:
    """The goal id in an agreement DM's buttons ("<goal id>:<version>")."""
    actions = next(b for b in message["blocks"] if b["type"] == "actions")
    return str(actions["elements"][0]["value"]).split(":")[0]


def dms(emulator: SlackEmulator, user_id: str) -> list[dict[str, Any]]:
    return emulator.messages.get("D" + user_id, [])


def shown(payload: Any) -> str:
    """What a person reads in a message or view's mrkdwn: every text, escapes undone."""
    return unescape("\n".join(text for _, text in mrkdwn_texts(payload)))


@dataclass
class Hostile:
    """Drives the app with one hostile text and keeps every answer, to check them all at the end."""

    slack: SlackPeer
    emulator: SlackEmulator
    app_server: AppServer
    text: str
    inputs: int = 0  # hostile values entered: one per field or free-text argument
    answers: list[tuple[str, PeerResponse]] = field(default_factory=list)

    def keep(self, where: str, response: PeerResponse) -> PeerResponse:
        self.answers.append((where, response))
        return response

    def command(self, text: str, *, user: str, hostile: int = 1) -> dict[str, Any]:
        self.inputs += hostile
        answer = self.keep(f"/pacer {text[:60]!r} by {user}", self.slack.command(text, user_id=user))
        return dict(answer.json()) if answer.body.strip() else {}

    def modal(self, text: str, *, user: str) -> dict[str, Any]:
        self.inputs += 1 if self.text[:20] in text else 0
        response = self.keep(f"/pacer {text[:60]!r} by {user}", self.slack.command(text, user_id=user))
        return self.slack.opened_view(response)

    def submit(
        self, view: dict[str, Any], values: dict[str, Any], *, user: str, hostile: int
    ) -> dict[str, Any]:
        self.inputs += hostile
        answer = self.keep(
            f"{view.get('callback_id')} by {user}", self.slack.view_submission(view, values, user_id=user)
        )
        return dict(answer.json()) if answer.body.strip() else {}

    def click(self, message: dict[str, Any], action: str, *, user: str, channel: str) -> PeerResponse:
        return self.keep(
            f"{action} by {user}", self.slack.click(message, action, user_id=user, channel_id=channel)
        )

    def home(self, user: str) -> dict[str, Any]:
        before = len(self.emulator.calls_to("views.publish"))
        event = {"type": "app_home_opened", "user": user, "channel": "D" + user, "tab": "home"}
        self.keep(f"home of {user}", self.slack.event(event))
        calls = wait_for(
            lambda: [
                c for c in self.emulator.calls_to("views.publish")[before:] if c.params["user_id"] == user
            ],
            what=f"{user}'s Home tab",
        )
        return dict(calls[-1].params["view"])

    def visible(self, surface: str, text: str, *, limit: int = 30) -> None:
        """The hostile text is still shown, as typed (escaped exactly once), on this surface."""
        expected = lines(self.text)[0][:limit]
        assert expected in one_line(text, 100_000), f"{surface} doesn't show {expected!r}: {text[:500]!r}"

    def drained(self) -> None:
        def pending() -> bool:
            with self.app_server.session_factory() as session:
                open_ = (DeliveryStatus.PENDING, DeliveryStatus.SENDING)
                return not session.scalars(select(Delivery.id).where(Delivery.status.in_(open_))).first()

        self.app_server.worker.kick()
        wait_for(pending, what="every queued message sent")

    def findings(self) -> list[Finding]:
        found = unsafe_in_emulator(self.emulator)
        users, channels = set(self.emulator.users), set(self.emulator.channels)
        for where, response in self.answers:
            if response.body.strip().startswith(b"{"):
                found += unsafe_in_payload(
                    response.json(), where=f"ack of {where}", users=users, channels=channels
                )
        return found


@pytest.fixture(params=sorted(VARIANTS))
def hostile(
    request: pytest.FixtureRequest, slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> Hostile:
    emulator.add_user(VENDOR, name="vera", real_name="Vera Vendor", tz="Asia/Shanghai", locale="zh-CN")
    app_server.clock.set(at(11, 30, 10))
    run = Hostile(slack, emulator, app_server, VARIANTS[request.param])
    run.command(f"manager add <@{MARIA}|maria>", user=ADMIN, hostile=0)
    with app_server.session_factory.begin() as session:
        session.get_one(Workspace, "T0000001").digest_channel_id = "C0DIGEST"
    return run


def test_hostile_text_is_inert_everywhere_it_is_shown(hostile: Hostile) -> None:
    run, emulator, app_server, text = hostile, hostile.emulator, hostile.app_server, hostile.text

    # Vendor names: the full text (refused if too long), then one that fits.
    run.command(f"vendor add {text} <@{VENDOR}|vera>", user=MARIA)
    vendor = " ".join(fit(" ".join(text.split()), 80).split())
    run.command(f"vendor add {vendor} <@{VENDOR}|vera>", user=MARIA)
    added = run.command(
        f"team add <@{REP_ZH}|li> <@{REP_LA}|sam> <@{REP_EN}|rita> vendor {vendor}", user=MARIA
    )
    assert "Added" in added["text"], added

    # Goals: a manager's (agreed by the rep) and a rep's own proposal (approved by the manager).
    values = GOAL | {
        "title": text,
        "description": text,
        "metric_label": text,
        "why": text,
    }
    view = run.modal(f"goal <@{REP_ZH}|li>", user=MARIA)
    first = run.submit(view, values, user=MARIA, hostile=4)
    if len(text) > 150:
        assert {"title"} <= set(first.get("errors", {})), first
    long_fields = run.submit(view, values | {"title": fit(text, 150)}, user=MARIA, hostile=4)
    if len(text) > 60:  # longer than their columns hold: field errors, never a database error
        assert set(long_fields["errors"]) >= {"metric_label"}, long_fields
    fitting = values | {
        "title": fit(text, 150),
        "metric_label": fit(text, 60),
        "description": fit(text, 3000),
    }
    fitting["why"] = fit(text, 3000)
    assert run.submit(view, fitting, user=MARIA, hostile=4) == {}
    agreement = wait_for(lambda: dms(emulator, REP_ZH), what="the agreement DM")[-1]
    run.visible("the agreement DM", shown(agreement))
    run.click(agreement, "goal_agree", user=REP_ZH, channel="D" + REP_ZH)
    own = run.modal("goal", user=REP_LA)
    assert run.submit(own, fitting, user=REP_LA, hostile=4) == {}
    approval = wait_for(
        lambda: [m for m in dms(emulator, MARIA) if "proposes a goal" in m["text"]], what="the approval DM"
    )[-1]
    run.visible("the approval DM", shown(approval))
    run.click(approval, "goal_approve", user=MARIA, channel="D" + MARIA)

    # Feedback to the company from all three reps (one anonymous), in November.
    for rep, identity in ((REP_EN, "anonymous"), (REP_ZH, "named"), (REP_LA, "named")):
        share = run.modal("feedback", user=rep)
        answers = {
            name: fit(text, 3000)
            for name in ("market", "competitor_moves", "customers", "problems", "suggestions")
        }
        run.submit(share, answers | {"competitor": text, "identity": identity}, user=rep, hostile=6)
        saved = run.submit(
            share, answers | {"competitor": fit(text, 80), "identity": identity}, user=rep, hostile=6
        )
        assert saved.get("response_action") == "update", saved

    # Feedback from the manager, the rep's reply and acknowledgement.
    give = run.modal(f"feedback <@{REP_EN}|rita>", user=MARIA)
    answers = {"strengths": fit(text, 3000), "improve": fit(text, 3000), "next_step": fit(text, 3000)}
    assert run.submit(give, answers | {"rating": "4"}, user=MARIA, hostile=3) == {}
    to_rep = wait_for(lambda: [m for m in dms(emulator, REP_EN) if "has feedback" in m["text"]], what="DM")[
        -1
    ]
    run.visible("the manager's feedback DM", shown(to_rep))
    reply = run.slack.opened_view(run.click(to_rep, "feedback_reply", user=REP_EN, channel="D" + REP_EN))
    run.submit(reply, {"reply": text}, user=REP_EN, hostile=1)
    assert run.submit(reply, {"reply": fit(text, 3000)}, user=REP_EN, hostile=1) == {}
    replied = wait_for(lambda: [m for m in dms(emulator, MARIA) if "replied" in m["text"]], what="reply")[-1]
    run.visible("the reply notice", shown(replied))
    run.click(to_rep, "feedback_ack", user=REP_EN, channel="D" + REP_EN)

    # An escalation to the vendor, its text typed in the command and in the modal.
    if len(text) > COMMAND_TEXT_MAX:  # refused before any work (and the refusal is inert); then it fits
        run.command(f"escalate <@{REP_ZH}|li> {text}", user=MARIA)
    escalation = run.modal(f"escalate <@{REP_ZH}|li> {fit(text, 3000)}", user=MARIA)
    answers = {"severity": "high", "involve_vendor": ["yes"], "description": text}
    run.submit(escalation, answers, user=MARIA, hostile=1)
    if len(text) > 3000:
        answers["description"] = fit(text, 3000)
        assert run.submit(escalation, answers, user=MARIA, hostile=1) == {}
    to_vendor = wait_for(lambda: dms(emulator, VENDOR), what="the vendor's DM")[-1]
    run.visible("the escalation DM to the vendor", shown(to_vendor))

    # The voice of the field for November.
    app_server.run_job("field-summary", at(12, 1, 15))
    (summary,) = wait_for(lambda: emulator.messages.get("C0DIGEST"), what="the voice of the field")
    run.visible("the voice of the field", shown(summary))

    # Check-ins for the week of 30 November, with blockers and a call for help, then the digest.
    app_server.clock.set(at(12, 7, 10))
    for rep in (REP_ZH, REP_LA):
        checkin = run.modal("checkin", user=rep)
        goal_ids = [
            b["block_id"].split(":")[1]
            for b in checkin["blocks"]
            if b.get("block_id", "").startswith("result:")
        ]
        answers = {"help": ["yes"]}
        for goal_id in goal_ids:
            answers |= {
                f"result:{goal_id}": "5",
                f"confidence:{goal_id}": "at_risk",
                f"highlights:{goal_id}": fit(text, 2000),
                f"blockers:{goal_id}": fit(text, 2000),
            }
        bad = answers | {f"result:{goal_ids[0]}": text}  # a hostile number: a field error that quotes it
        errors = run.submit(checkin, bad, user=rep, hostile=3)
        assert list(errors.get("errors", {})) == [f"result:{goal_ids[0]}"], errors
        assert run.submit(checkin, answers, user=rep, hostile=2 * len(goal_ids)) == {}
    asked = wait_for(
        lambda: [m for m in dms(emulator, MARIA) if "asked for your help" in m["text"]], what="help"
    )
    run.visible("the help request", shown(asked[-1]))
    app_server.run_job("weekly-digest", at(12, 7, 16, 5))
    digest = wait_for(
        lambda: [m for m in emulator.messages.get("C0DIGEST", []) if "Weekly digest" in m["text"]],
        what="digest",
    )[0]
    run.visible("the weekly digest", shown(digest))

    # Modals that bring the text back to edit it, or start from it.
    modals = [run.slack.opened_view(run.click(asked[-1], "escalate", user=MARIA, channel="D" + MARIA))]
    goal_id = _goal_id_of(agreement)
    modals.append(run.modal(f"goal edit {goal_id}", user=MARIA))
    listing = run.keep("feedback list", run.slack.command("feedback list", user_id=MARIA)).json()
    buttons = [
        b["accessory"] for b in listing["blocks"] if b.get("accessory", {}).get("action_id") == "escalate"
    ]
    assert buttons, "a named problem offers Escalate"
    opened = run.keep(
        "escalate from feedback",
        run.slack.block_action(
            user_id=MARIA, action_id="escalate", value=buttons[0]["value"], channel_id="D" + MARIA
        ),
    )
    modals.append(run.slack.opened_view(opened))
    modals += [run.modal("feedback", user=REP_ZH), escalation]  # escalation: prefilled from the command
    for view in modals:
        inputs = [
            b["element"] for b in view["blocks"] if b.get("element", {}).get("type") == "plain_text_input"
        ]
        too_long = [e for e in inputs if len(e.get("initial_value", "")) > e.get("max_length", 3000)]
        assert too_long == [], (
            f"Slack refuses a view whose initial value is longer than its field: {too_long}"
        )

    # The admin's settings: a time zone and a country are typed too.
    setup = run.modal("setup", user=ADMIN)
    answer = run.submit(setup, {"timezone": text, "country": text}, user=ADMIN, hostile=2)
    assert answer.get("response_action") == "errors", answer

    # Every screen that shows them.
    app_server.clock.set(at(12, 8, 10))
    replies = {
        "/pacer status (rep)": run.command("status", user=REP_ZH, hostile=0),
        "/pacer status (manager)": run.command("status", user=MARIA, hostile=0),
        "/pacer status vendor": run.command(f"status vendor {vendor}", user=MARIA),
        "/pacer goals": run.command("goals", user=MARIA, hostile=0),
        "/pacer feedback list (rep)": run.command("feedback list", user=REP_LA, hostile=0),
        "/pacer feedback list (manager)": run.command("feedback list", user=MARIA, hostile=0),
        "/pacer escalations": run.command("escalations", user=VENDOR, hostile=0),
        "/pacer vendor list": run.command("vendor list", user=MARIA, hostile=0),
        "/pacer team": run.command("team", user=ADMIN, hostile=0),
    }
    for surface, answer in replies.items():
        if surface not in ("/pacer status (manager)", "/pacer status vendor"):  # these show figures only
            run.visible(surface, shown(answer))
    run.command("digest preview", user=MARIA, hostile=0)
    run.command("help", user=REP_EN, hostile=0)
    for user in (REP_ZH, MARIA, ADMIN, VENDOR):
        home = run.home(user)
        if user in (REP_ZH, MARIA):
            run.visible(f"{user}'s Home tab", shown(home))

    # Every subcommand's free text, and text where a mention, a channel, a code or a number belongs.
    free_text = [
        (text, REP_EN),
        (f"help {text}", REP_EN),
        (f"language {text}", REP_EN),
        (f"country {text}", REP_EN),
        (f"away {text}", REP_EN),
        (f"goals {text}", MARIA),
        (f"goal edit {text}", MARIA),
        (f"goal close {text}", MARIA),
        (f"feedback {text}", MARIA),
        (f"status {text}", MARIA),
        (f"status vendor {text}", MARIA),
        (f"team add {text}", MARIA),
        (f"team add <@{REP_EN}|rita> vendor {text}", MARIA),
        (f"team remove {text}", MARIA),
        (f"team channel {text}", MARIA),
        (f"vendor channel {vendor} {text}", MARIA),
        (f"manager add {text}", ADMIN),
        (f"manager remove {text}", ADMIN),
        (f"escalate {text}", MARIA),
        (f"vendor add {text}", REP_EN),  # not allowed: the refusal mustn't echo it unescaped either
    ]
    for command, user in free_text:
        run.command(command, user=user)
    run.drained()

    server_errors = [(where, r.status) for where, r in run.answers if r.status >= 500]
    assert server_errors == []
    unexpected = [t("error.unexpected", locale, request_id="")[:40] for locale in LOCALES]
    answers = [(where, str(r.json()) if r.body.startswith(b"{") else r.text) for where, r in run.answers]
    failed = [where for where, answer in answers if any(u in answer for u in unexpected)]
    failed += [w for w, payload in recorded_payloads(emulator) if any(u in str(payload) for u in unexpected)]
    assert failed == []  # no hostile text made Pacer fail on its side (e.g. a column too short)
    assert emulator.errors == []
    findings = run.findings()
    assert findings == [], "\n".join(map(str, findings))
    print(f"hostile inputs: {run.inputs}, answers checked: {len(run.answers)}, calls: {len(emulator.calls)}")


FUZZ_EXAMPLES = 25
fuzz_text = st.lists(
    st.one_of(
        st.sampled_from(INJECTIONS),
        st.sampled_from(("\n", "\r\n", "\u2028", "\u202e", "\u200f", "*", "_", "~", "`", ">", "&", "&amp;")),
        st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30),
    ),
    min_size=1,
    max_size=8,
).map("".join)


def test_fuzzed_feedback_text_is_inert_in_the_managers_list(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    """Seeded and bounded: any text a rep shares comes back readable and inert, never a 5xx.
    (NUL bytes are left to the input-bounds suite.)"""
    app_server.clock.set(at(11, 30, 10))
    slack.command(f"manager add <@{MARIA}|maria>", user_id=ADMIN)
    slack.command(f"team add <@{REP_EN}|rita>", user_id=MARIA)
    users, channels = set(emulator.users), set(emulator.channels)
    ran: list[str] = []
    seen: list[str] = []

    @settings(
        max_examples=FUZZ_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(fuzz_text)
    def share_and_list(text: str) -> None:
        ran.append(text)
        # A fresh modal each time, as a person would open it: submitting the very same view with the very
        # same values again is a double submit, which acts once (hypothesis replays examples as it shrinks).
        view = slack.open_modal("feedback", user_id=REP_EN)
        answer = slack.view_submission(view, {"problems": text, "identity": "named"}, user_id=REP_EN)
        assert answer.status < 500
        listing = slack.command("feedback list", user_id=MARIA)
        assert listing.status < 500
        payload = listing.json()
        assert unsafe_in_payload(payload, where="feedback list", users=users, channels=channels) == []
        first = lines(clean(text))  # control characters are dropped where input is read
        if answer.json().get("response_action") == "update" and first:  # saved: it must be shown
            assert first[0][:30] in one_line(shown(payload), 100_000), (text, payload["text"][:500])
            seen.append(text)

    share_and_list()
    assert len(ran) == FUZZ_EXAMPLES and len(seen) > FUZZ_EXAMPLES // 2  # most were saved and shown
    assert unsafe_in_emulator(emulator) == []


PEERS = ("UPEER1", "UPEER2", "UPEER3")
REVIEW_NOW = datetime(2026, 12, 28, 10, tzinfo=UTC)


def seed_review(run: Hostile) -> None:
    """Q4 in its self review: Rita (her Slack name hostile) in Maria's team, of a vendor with a hostile
    name, with a hostile self review, three hostile peer comments and a hostile manager review, as the
    modals would have stored them (cleaned, within their limits)."""
    typed = clean(run.text)
    with run.app_server.session_factory.begin() as session:
        boss = session.scalars(select(Member).where(Member.user_id == MARIA)).one()
        vendor = add_vendor(
            session, team_id=TEAM, name=" ".join(run.text.split())[:VENDOR_NAME_MAX], contact_user_id=VENDOR
        )
        results = {week: (9, Confidence.ON_TRACK, False, typed) for week in Q4_WEEKS}
        rep = rep_with_goal(session, REP_EN, boss, vendor, dict.fromkeys(Q4_WEEKS, 10), results)
        rep.display_name = one_line(run.text, 120)
        raters = [member(session, peer) for peer in PEERS]
        for rater in raters:
            rater.on_team, rater.manager_id = True, boss.id
        cycle = review_service.open_cycle(session, TEAM, "2026Q4", by=boss.id, now=REVIEW_NOW)
        review_service.advance(session, cycle, by=boss.id, now=REVIEW_NOW)  # self review
        session.add(
            SelfReview(
                team_id=TEAM,
                cycle_id=cycle.id,
                rep_id=rep.id,
                wins=typed,
                lessons=typed,
                submitted_at=REVIEW_NOW,
            )
        )
        for rater in raters:
            session.add(
                PeerRating(
                    team_id=TEAM, cycle_id=cycle.id, rep_id=rep.id, rater_id=rater.id, rating=4, comment=typed
                )
            )
        session.add(
            ManagerReview(
                team_id=TEAM,
                cycle_id=cycle.id,
                rep_id=rep.id,
                manager_id=boss.id,
                sales_level=5,
                sales_reason=typed,
                strengths=typed,
                improvements=typed,
                development_action=typed,
                submitted_at=REVIEW_NOW,
            )
        )


def advance_review(run: Hostile, to: Stage) -> None:
    with run.app_server.session_factory.begin() as session:
        cycle = session.scalars(select(ReviewCycle)).one()
        while cycle.stage is not to:
            review_service.advance(session, cycle, by=None, now=REVIEW_NOW)


def review_modal(run: Hostile, text: str, *, user: str) -> dict[str, Any]:
    """`/pacer text`: the review modal opens at once and is filled in (views.update) after."""
    opened = run.modal(text, user=user)
    return wait_for(lambda: dict(v) if (v := run.emulator.views[opened["id"]]).get("callback_id") else None)


def test_hostile_text_is_inert_on_the_review_surfaces(hostile: Hostile) -> None:
    """The reviews show what reps, peers and managers typed, and people's Slack names: the self and the
    manager review modals, the peer comments, the calibration listing, the scorecard DM with its comment
    summary, the vendor's summary. Nothing of it pings, mentions or links."""
    run, emulator = hostile, hostile.emulator
    for user_id in (REP_EN, *PEERS):
        emulator.add_user(user_id, name=user_id.lower(), real_name=f"Rep {user_id}", tz="Europe/Berlin")
    run.app_server.clock.set(REVIEW_NOW)
    seed_review(run)
    self_modal = review_modal(run, "review", user=REP_EN)
    assert self_modal["callback_id"] == "review_self", self_modal
    advance_review(run, Stage.MANAGER_REVIEW)
    manager_modal = review_modal(run, f"review <@{REP_EN}>", user=MARIA)
    run.visible("the manager review's self summary and peer comments", shown(manager_modal))
    assert shown(manager_modal).count(lines(clean(run.text))[0][:30]) >= 2  # the self review and comments
    advance_review(run, Stage.CALIBRATION)
    listing = run.command("scorecards", user=ADMIN, hostile=0)
    run.visible("the calibration listing", shown(listing))
    publish = run.click(listing, "reviews_publish", user=ADMIN, channel="D" + ADMIN)
    assert publish.status == 200
    card = wait_for(lambda: [m for m in dms(emulator, REP_EN) if "2026Q4" in m["text"]], what="the DM")[0]
    run.visible("the scorecard DM", shown(card))
    summary = wait_for(lambda: dms(emulator, VENDOR), what="the vendor summary")[0]
    run.visible("the vendor summary", shown(summary), limit=20)
    charted = (REP_EN, *PEERS)  # drawn after the ack, on the listener's thread: waited for, then sent
    wait_for(lambda: all(any(m.get("files") for m in dms(emulator, u)) for u in charted), what="the charts")
    run.drained()
    assert run.findings() == []
    assert not [where for where, response in run.answers if response.status >= 500]
