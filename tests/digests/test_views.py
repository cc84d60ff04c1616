"""The digest's figures as people read them, in both languages: compact amounts in the summary, full ones
per rep, one status badge per rep with its legend, confidence in words, and which figure is this week's and
which is to date. Pure views: the digest is built by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

from bot.checkins.models import Confidence
from bot.digests import views
from bot.digests.service import Amounts, Digest, RepLine
from bot.digests.sources import FigureSource
from bot.roster.models import Member

WEEK = date(2026, 11, 23)  # ISO week 48


def line(user_id: str, amounts: Amounts, confidence: Confidence | None) -> RepLine:
    return RepLine(
        rep=Member(user_id=user_id, team_id="T1"),
        vendor=None,
        by_unit={"USD": amounts},
        checked_in=confidence is not None,
        confidence=confidence,
    )


def digest() -> Digest:
    ahead = Amounts(
        week_target=D(7000), week_result=D("7250.50"), target_to_date=D(21000), result_to_date=D(21150)
    )
    close = Amounts(
        week_target=D(7000), week_result=D(5000), target_to_date=D(21000), result_to_date=D(18000)
    )
    silent = Amounts(week_target=D(7000), target_to_date=D(21000), result_to_date=D(25000))
    totals = Amounts(
        week_target=D(21000), week_result=D("12250.50"), target_to_date=D(63000), result_to_date=D(64150)
    )
    return Digest(
        team_id="T1",
        week_start=WEEK,
        lines=[
            line("UA", ahead, Confidence.ON_TRACK),
            line("UB", close, Confidence.OFF_TRACK),
            line("UC", silent, None),
        ],
        totals={"USD": totals},
        vendors={"": {"USD": totals}},
    )


def test_english_summary_is_compact_and_rep_lines_are_full() -> None:
    (message,) = views.digest_messages(digest(), "en")
    text = message["text"]
    assert "*Team:* $12.3K of $21K this week · $64.2K of $63K to date · pace to date 102%" in text
    # Detail: the full amount, cents only where there are cents.
    assert "🟢 <@UA> · this week $7,250.50 of $7,000 · pace to date 101% · own view: On track" in text
    assert "🟡 <@UB> · this week $5,000 of $7,000 · pace to date 86% · own view: Off track" in text
    # Ahead of pace but silent this week: one badge, the grey one, and no confidence.
    assert "🟢 <@UC> · this week $0 of $7,000 · pace to date 119% · no check-in this week" in text
    assert (
        "🟢 on track: 2 · 🟡 at risk: 1 · 🔴 behind: 0 · ⚪ nothing due yet: 0 · no check-in this week: 1"
        in text
    )
    assert views.legend("en") in text and ".00" not in text and "USD" not in text


def test_chinese_summary_is_compact_and_rep_lines_are_full() -> None:
    (message,) = views.digest_messages(digest(), "zh")
    text = message["text"]
    assert "*团队：* 本周 US$1.2万 / US$2.1万 · 累计 US$6.4万 / US$6.3万 · 累计进度 102%" in text
    assert "🟢 <@UA> · 本周 US$7,250.50 / US$7,000 · 累计进度 101% · 自评：进展顺利" in text
    assert "🟢 <@UC> · 本周 US$0 / US$7,000 · 累计进度 119% · 本周未汇报" in text
    assert "🟢 正常：2 · 🟡 有风险：1 · 🔴 落后：0 · ⚪ 尚无到期目标：0 · 本周未汇报：1" in text
    assert views.legend("zh") in text and "状态按累计进度" in views.legend("zh")


def test_each_rep_has_one_badge_and_confidence_is_words() -> None:
    for locale in ("en", "zh"):
        for rep in digest().lines:
            shown = views.rep_line(rep, locale)
            dots = [c for c in shown if c in "🟢🟡🔴⚪"]
            assert len(dots) == 1 and shown.startswith(dots[0])


def test_the_legend_names_every_badge_in_both_languages() -> None:
    for locale in ("en", "zh"):
        assert all(badge in views.legend(locale) for badge in views.BADGES.values())


def test_titles_have_one_pair_of_brackets() -> None:
    """The week label brings its own brackets: a title never wraps it in a second pair."""
    english = views.digest_messages(digest(), "en", title_key="status.title")[0]["blocks"][0]["text"]["text"]
    assert english == "📍 Status to date, through week 48 (Nov 23 – Nov 29)"
    chinese = views.digest_messages(digest(), "zh", title_key="status.title")[0]["blocks"][0]["text"]["text"]
    assert chinese == "📍 截至目前的进展：截至第 48 周（11月23日–11月29日）"
    for key in ("digest.title", "digest.preview_title", "status.title"):
        for locale in ("en", "zh"):
            title = views.digest_messages(digest(), locale, title_key=key)[0]["blocks"][0]["text"]["text"]
            assert sum(title.count(c) for c in "(（") == 1, title


def test_a_big_teams_thread_replies_say_what_the_source_mark_means() -> None:
    figures = Amounts(
        week_target=D(7000), week_result=D(7000), target_to_date=D(7000), result_to_date=D(7000)
    )
    lines = [line(f"U{n:03d}", figures, Confidence.ON_TRACK) for n in range(views.LINES_IN_MAIN + 5)]
    lines[0].sources = {"USD": FigureSource.CRM}
    lines[1].sources = {"USD": FigureSource.REPORTED}  # corrected: shown as reported, never as differing
    big = Digest("T1", WEEK, lines, {"USD": figures}, {"": {"USD": figures}})
    first, *replies = views.digest_messages(big, "en")
    assert replies and "(✓ CRM): the rep confirmed the CRM's figure" in first["text"]
    reply = "\n".join(m["text"] for m in replies)
    assert "<@U000> · this week $7,000 of $7,000 (✓ CRM) ·" in reply
    assert "<@U001> · this week $7,000 of $7,000 · pace" in reply
    assert all(m["blocks"][-1]["elements"][0]["text"].split("\n")[1].startswith("(✓ CRM):") for m in replies)
    assert all(len(m["blocks"]) <= 50 for m in [first, *replies])
    unmarked = Digest("T1", WEEK, lines[2:], {"USD": figures}, {"": {"USD": figures}})
    assert "✓ CRM" not in "".join(str(m) for m in views.digest_messages(unmarked, "zh"))


def test_what_features_add_under_a_status_keeps_to_its_budget_and_slacks_limit() -> None:
    body = [{"type": "section", "text": {"type": "mrkdwn", "text": f"line {n}"}} for n in range(12)]
    assert views.under_status(body, [], "en") == body  # nothing added, not even a divider
    added = [{"type": "section", "text": {"type": "mrkdwn", "text": f"part {n}"}} for n in range(9)]
    shown = views.under_status(body, added, "en")
    assert shown[:12] == body and shown[12] == {"type": "divider"}
    assert len(shown) == 12 + 1 + views.STATUS_PARTS_BUDGET and shown[-1]["type"] == "context"
    long = views.under_status(body * 4, added[:2], "zh")  # 48 blocks of status: Slack's 50 at most
    assert len(long) == 50 and long[:48] == body * 4 and long[-1]["type"] == "context"
