"""Self-study as review evidence over HTTP, on SQLite and PostgreSQL: reps log what they studied
(`/pacer learn log`), their manager sees it under `/pacer training @rep`, and the published scorecard's
development section counts the quarter's logs (not last quarter's), their minutes and the latest
takeaways, in the rep's language. A takeaway's mrkdwn (pings, mentions, links) stays inert text
everywhere it is shown, and the vendor contact's summary never shows it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from tests.reviews.test_e2e_publish import CONTACT, NOW, answer_to, buttons, everything, seed
from tests.support.app_server import AppServer
from tests.support.e2e import dms
from tests.support.mrkdwn import unsafe_in_emulator, unsafe_in_payload
from tests.support.people import ADMIN, MARIA, REP_EN, REP_ZH
from tests.support.slack_emulator import SlackEmulator
from tests.support.slack_peer import SlackPeer
from tests.support.waiting import wait_for

pytestmark = pytest.mark.e2e
LAST_QUARTER = datetime(2026, 9, 20, 9, 0, tzinfo=UTC)
HOSTILE = "<!channel> <@U999|ceo> *Ask* <https://evil.example|log in> &lt;!here&gt; why"
SHOWN = (
    "“&lt;!channel&gt; &lt;@U999|ceo&gt; *Ask* &lt;https://evil.example|log in&gt; &amp;lt;!here&amp;gt; why”"
)


def log(slack: SlackPeer, user: str, text: str) -> str:
    answer = slack.command(f"learn log {text}", user_id=user).json()
    assert not unsafe_in_payload(answer, where="ack"), answer
    return str(answer["text"])


def test_logged_study_is_evidence_on_the_published_scorecard(
    slack: SlackPeer, emulator: SlackEmulator, app_server: AppServer
) -> None:
    emulator.add_user(CONTACT, name="victor", real_name="Victor Vendor")
    seed(app_server)
    app_server.clock.set(LAST_QUARTER)
    assert log(slack, REP_EN, '300 "Old book" Forgotten lesson').startswith("Logged: Old book")
    app_server.clock.set(NOW)
    assert log(slack, REP_EN, '45 "SPIN Selling" Ask implication questions').startswith("Logged")
    assert log(slack, REP_EN, f'30 "Objections" {HOSTILE}').startswith("Logged")
    assert log(slack, REP_ZH, '20 "产品手册" 先问预算')

    seen = slack.command(f"training <@{REP_EN}|rita>", user_id=MARIA).json()  # her manager sees it
    assert "*Self-study*" in everything(seen) and "Objections, 30 min — &lt;!channel&gt;" in everything(seen)
    assert not unsafe_in_payload(seen, where="training", users=[REP_EN])

    listing = slack.command("scorecards", user_id=ADMIN).json()
    answer_to(emulator, slack.click(listing, "reviews_publish", user_id=ADMIN, channel_id="D" + ADMIN))
    card = wait_for(
        lambda: [m for m in dms(emulator, REP_EN) if "reviews_acknowledge" in buttons(m)], what="DM"
    )[0]
    assert (
        "*Development*: 2 self-study session(s) logged this quarter, 75 min in all;"
        f" latest takeaways: {SHOWN} “Ask implication questions”"
    ) in everything(card)
    assert "Forgotten lesson" not in everything(card)
    li = wait_for(
        lambda: [m for m in dms(emulator, REP_ZH) if "reviews_acknowledge" in buttons(m)], what="DM"
    )[0]
    assert "*发展*：本季度记录自学 1 次，共 20 分钟；最近的收获：“先问预算”" in everything(li)
    assert "implication" not in everything(li)  # another rep's takeaways are not theirs to see
    summary = wait_for(lambda: dms(emulator, CONTACT), what="the vendor summary")[0]
    assert not any(text in everything(summary) for text in ("self-study", "implication", "先问预算"))
    assert unsafe_in_emulator(emulator) == []
