"""The words and figures of a feedback month: its name, and in the manager's modal the rep's check-in
figures of the month before (the weeks `calendar.month_weeks` gives it, each over by the feedback day)."""

from __future__ import annotations

from datetime import date

from bot import calendar
from bot.feedback.service import Figure
from bot.goals.numbers import format_amount
from bot.i18n import Locale, t
from bot.text import Mrkdwn, join, one_line


def month_label(month: date, locale: Locale) -> Mrkdwn:
    return t(
        "feedback.month_label", locale, year=month.year, month=t(f"feedback.months.{month.month}", locale)
    )


def figure_lines(figures: list[Figure], locale: Locale) -> list[Mrkdwn]:
    return [
        t(
            "feedback.figure",
            locale,
            title=one_line(f.title),
            result=format_amount(f.result, f.unit, locale),
            target=format_amount(f.target, f.unit, locale),
        )
        for f in figures
    ] or [t("feedback.no_figures", locale)]


def last_month_figures(figures_month: date, figures: list[Figure], locale: Locale) -> Mrkdwn:
    """ "Their check-ins last month, November 2026 (weeks 45 to 48)" and a line per goal: the heading names
    the very weeks the figures add up, so the two agree."""
    first, end = calendar.month_weeks(figures_month)
    title = t(
        "feedback.figures_title",
        locale,
        month=month_label(figures_month, locale),
        first=calendar.iso_week_number(first),
        last=calendar.iso_week_number(end - calendar.WEEK),
    )
    return join("\n", [title, *figure_lines(figures, locale)])
