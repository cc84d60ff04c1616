"""The review modals' answers (bot/reviews/forms.py): levels 1–5 as field errors on their block, texts
within the modal's length, a peer's rating; and the modals and DM inside Slack's limits (views.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from bot.errors import FieldErrors
from bot.i18n import Locale
from bot.reviews import forms, views
from bot.reviews.figures import QuarterFigures
from bot.reviews.models import DIMENSIONS, Dimension, PeerRating, ReviewCycle, Source, Stage
from bot.reviews.reviewing import ManagerAnswers
from bot.reviews.scorecards import Card, Evidence, Level

ALL = {f"{d.value}_level": "3" for d in DIMENSIONS}
CYCLE = ReviewCycle(
    id=7,
    team_id="T1",
    quarter="2026Q4",
    stage=Stage.MANAGER_REVIEW,
    opens_on=date(2026, 12, 21),
    self_due=date(2026, 12, 25),
    peer_due=date(2026, 12, 28),
    manager_due=date(2026, 12, 31),
)


def test_the_self_review_needs_every_level_and_texts_within_the_modal() -> None:
    found = forms.check_self({**ALL, "sales_level": "6", "wins": "x" * 3001, "lessons": " Call earlier "})
    assert isinstance(found, FieldErrors)
    assert found == {"sales_level": "reviews.errors.level_range", "wins": "reviews.flows.too_long"}
    read = forms.check_self({**ALL, "lessons": " Call earlier "})
    assert not isinstance(read, FieldErrors)
    levels, texts = read
    assert set(levels.values()) == {3} and texts == {
        "wins": "",
        "lessons": "Call earlier",
        "support_wanted": "",
    }


def test_the_manager_review_reads_levels_reasons_and_texts() -> None:
    found = forms.check_manager({**ALL, "teamwork_reason": " Led the handover ", "strengths": "Closing"})
    assert isinstance(found, ManagerAnswers)
    assert found.reasons[Dimension.TEAMWORK] == "Led the handover" and found.strengths == "Closing"
    missing = forms.check_manager({"sales_level": "2", "improvements": "y" * 3001})
    assert isinstance(missing, FieldErrors)
    assert set(missing) == {"satisfaction_level", "expansion_level", "teamwork_level", "improvements"}


@pytest.mark.parametrize("typed", ["0", "6", "2.5", "", None, "four"])
def test_a_peer_rating_outside_one_to_five_is_a_field_error(typed: str | None) -> None:
    assert forms.check_peer({"rating": typed, "comment": "ok"}) == {"rating": "reviews.errors.rating_range"}


def test_a_peer_rating_and_its_comment() -> None:
    assert forms.check_peer({"rating": "4", "comment": " Shares leads "}) == (4, "Shares leads")


def card() -> Card:
    found = Card(1, 2, None)
    for d in DIMENSIONS:
        found.levels[d] = Level(d, None, Source.AUTO, Evidence("reviews.evidence.no_input"))
    return found


NO_FIGURES = QuarterFigures({}, 0, 0, 0, 0, 0)


@pytest.mark.parametrize("locale", ["en", "zh"])
def test_the_modals_and_the_peer_dm_stay_inside_slacks_limits(locale: Locale) -> None:
    ratings = [PeerRating(rater_id=n, rating=4, comment="<!channel> " + "long " * 400) for n in range(5)]
    modal = views.manager_modal(
        CYCLE, "UREP1", (card(), NO_FIGURES, None, ratings, None), locale, comments=True
    )
    assert len(modal["blocks"]) <= 100 and len(modal["title"]["text"]) <= 24
    assert all(len(b.get("text", {}).get("text", "")) <= 3000 for b in modal["blocks"])
    assert "<!channel>" not in str(modal["blocks"])
    self_modal = views.self_modal(CYCLE, (card(), NO_FIGURES, None), locale)
    assert [b["block_id"] for b in self_modal["blocks"] if b["type"] == "input"] == [
        *(f"{d.value}_level" for d in DIMENSIONS),
        "wins",
        "lessons",
        "support_wanted",
    ]
    dm = views.peer_ask_message(CYCLE, "UREP1", 1, locale)
    buttons = [e["action_id"] for b in dm["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert buttons == [*(f"review_rate_{n}" for n in range(1, 6)), "review_comment"] and dm["text"]


def test_best_and_worst_weeks_read_as_percentages() -> None:
    figures = QuarterFigures(
        {date(2026, 10, 5): Decimal("1.5"), date(2026, 11, 2): Decimal("0.4")}, 13, 10, 2, 3, 1
    )
    lines = views.quarter_lines(figures, "en")
    assert lines[0] == "Best week: Oct 5 (150%) · worst week: Nov 2 (40%)"
    assert lines[1].startswith("Check-ins: 10 of 13 weeks (77")
    assert lines[2] == "Help requests: 2 · monthly feedback acknowledged: 1 of 3"
