"""Self-learning: the resource library (a title, a link, a category, a language) reps browse with
`/pacer learn`, and what reps studied on their own (`/pacer learn log`), which their manager sees beside
their courses and which counts as evidence in the quarterly review (`studied`). Every value bounded before
it is stored. No Slack."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, Subquery, func, select
from sqlalchemy.orm import Session

from bot.errors import Invalid
from bot.goals.numbers import read_whole
from bot.roster.models import Member
from bot.text import one_line
from bot.training.authoring import URL
from bot.training.models import Category, Resource, StudyLog

TITLE_MAX = 200
TAKEAWAY_MAX = 500
MINUTES_MAX = 1440
SHOWN = 40  # resources listed at once
LOGS_SHOWN = 5  # a rep's latest study logs beside their courses
TAKEAWAYS_SHOWN = 3  # a rep's latest takeaways in the review's evidence
TAKEAWAY_SHOWN_MAX = 100  # characters of each of them there
CATEGORY_WORDS = {c.value: c for c in Category} | {
    "sales": Category.SALES_SKILLS,
    "skills": Category.SALES_SKILLS,
}


def category_of(word: str) -> Category:
    found = CATEGORY_WORDS.get(word.lower())
    if found is None:
        raise Invalid(
            "training.learn.bad_category", word=word[:30], known=", ".join(c.value for c in Category)
        )
    return found


def add_resource(
    session: Session, by: Member, args: Sequence[str], *, language: str, now: datetime
) -> Resource:
    """`<category> <url> <title…>`: a resource in the library, in the language of whoever adds it."""
    if len(args) < 3:
        raise Invalid("training.learn.add_usage")
    category, url, title = category_of(args[0]), args[1].strip("<>"), one_line(" ".join(args[2:]), TITLE_MAX)
    if len(url) > 500 or not URL.fullmatch(url):
        raise Invalid("training.learn.bad_url")
    resource = Resource(
        team_id=by.team_id,
        title=title,
        url=url,
        category=category,
        language=language,
        added_by_id=by.id,
        created_at=now,
    )
    session.add(resource)
    session.flush()
    return resource


def resources(session: Session, team_id: str, category: Category | None) -> list[Resource]:
    """The library (or one category of it), newest first, at most `SHOWN`."""
    query = select(Resource).where(Resource.team_id == team_id)
    if category is not None:
        query = query.where(Resource.category == category)
    return list(session.scalars(query.order_by(Resource.created_at.desc(), Resource.id.desc()).limit(SHOWN)))


def log_study(session: Session, rep: Member, args: Sequence[str], *, now: datetime) -> StudyLog:
    """`<minutes> <what> [takeaway…]` ("what" in quotes when it has spaces)."""
    minutes = read_whole(args[0], range(100_000)) if len(args) >= 2 else None
    if minutes is None:
        raise Invalid("training.learn.log_usage")
    if not 1 <= minutes <= MINUTES_MAX:
        raise Invalid("training.learn.bad_minutes", max=MINUTES_MAX)
    what, takeaway = one_line(args[1], TITLE_MAX), one_line(" ".join(args[2:]), TAKEAWAY_MAX)
    if not what:
        raise Invalid("training.learn.log_usage")
    log = StudyLog(
        team_id=rep.team_id, rep_id=rep.id, what=what, minutes=minutes, takeaway=takeaway, logged_at=now
    )
    session.add(log)
    session.flush()
    return log


def study_logs(session: Session, team_id: str, rep_id: int, limit: int = LOGS_SHOWN) -> list[StudyLog]:
    return list(
        session.scalars(
            select(StudyLog)
            .where(StudyLog.team_id == team_id, StudyLog.rep_id == rep_id)
            .order_by(StudyLog.logged_at.desc(), StudyLog.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Studied:
    """A rep's self-study over a span: how many times they logged it, for how many minutes in all, and
    their latest takeaways (newest first, each on one line and at most `TAKEAWAY_SHOWN_MAX` characters;
    still the rep's text, escaped wherever it is shown)."""

    count: int
    minutes: int
    takeaways: tuple[str, ...]


def studied(
    session: Session,
    team_id: str,
    rep_ids: Select[Any],
    since: datetime,
    until: datetime,
    *,
    latest: int = TAKEAWAYS_SHOWN,
) -> dict[int, Studied]:
    """The self-study each rep logged from `since` (inclusive) to `until` (exclusive), for the review
    scorecard's development evidence: one statement for any number of reps; reps with none are left out."""
    ranked = _ranked_logs(team_id, rep_ids, since, until)
    rows = session.execute(
        select(ranked.c.rep_id, ranked.c.takeaway, ranked.c["count"], ranked.c.minutes)
        .where(ranked.c.rank <= latest)
        .order_by(ranked.c.rep_id, ranked.c.rank)
    )
    totals: dict[int, tuple[int, int]] = {}
    takeaways: dict[int, list[str]] = {}
    for rep_id, takeaway, count, minutes in rows:
        totals[rep_id] = (int(count), int(minutes))
        shown = one_line(takeaway, TAKEAWAY_SHOWN_MAX)
        if shown:
            takeaways.setdefault(rep_id, []).append(shown)
    return {
        rep_id: Studied(count, minutes, tuple(takeaways.get(rep_id, ())))
        for rep_id, (count, minutes) in totals.items()
    }


def _ranked_logs(team_id: str, rep_ids: Select[Any], since: datetime, until: datetime) -> Subquery:
    """The span's logs with, by window functions, their rep's count and minutes, and their rank among the
    rep's logs newest first (those with a takeaway ranked apart from those without)."""
    per_rep = StudyLog.rep_id
    return (
        select(
            StudyLog.rep_id,
            StudyLog.takeaway,
            func.count().over(partition_by=per_rep).label("count"),
            func.sum(StudyLog.minutes).over(partition_by=per_rep).label("minutes"),
            func.row_number()
            .over(
                partition_by=(per_rep, StudyLog.takeaway == ""),
                order_by=(StudyLog.logged_at.desc(), StudyLog.id.desc()),
            )
            .label("rank"),
        )
        .where(
            StudyLog.team_id == team_id,
            StudyLog.rep_id.in_(rep_ids),
            StudyLog.logged_at >= since,
            StudyLog.logged_at < until,
        )
        .subquery()
    )
