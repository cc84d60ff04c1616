"""The review's Slack screens: the self-review and manager-review modals, the peer's one-tap DM and its
comment modal, and the team's progress. Every figure and every typed word goes through `t()` (escaped)."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from bot.format import percent
from bot.i18n import Locale, day, t
from bot.reviews.development import (
    NONE,
    REF_FIELD,
    DevelopmentAction,
    DevelopmentKind,
    choice_value,
    stored,
)
from bot.reviews.figures import QuarterFigures
from bot.reviews.forms import MANAGER_TEXTS, TEXT_MAX
from bot.reviews.forms import SELF_TEXTS as TEXTS
from bot.reviews.models import DIMENSIONS, Dimension, ManagerReview, PeerRating, ReviewCycle, SelfReview
from bot.reviews.progress import RepProgress
from bot.reviews.publish_views import note_lines
from bot.reviews.reminders import Due, Owed
from bot.reviews.reviewing import level_field, reason_field
from bot.reviews.scorecards import Card, Evidence
from bot.reviews.scoring import peer_median
from bot.slack import blocks
from bot.text import Mrkdwn, join, mention, one_line, quoted, safe_mention

LEVELS = ("1", "2", "3", "4", "5")
Choices = dict[DevelopmentKind, list[tuple[int, str]]]  # `development.choices`


class ReviewId(StrEnum):
    """The review's callback and action ids."""

    SELF = "review_self"
    MANAGER = "review_manager"
    PEER = "review_peer"  # the comment modal
    RATE = "review_rate"  # the 1–5 buttons in the peer's DM are `review_rate_<n>`
    COMMENT = "review_comment"  # the DM's "rate with a comment" button
    RATING = "rating"  # the comment modal's rating block
    COMMENT_TEXT = "comment"
    OPEN_SELF = "review_open_self"  # a reminder's button: the self review modal (value: the cycle id)
    OPEN_MANAGER = "review_open_manager"  # a reminder's button: a rep's manager review ("<cycle>:<rep>")


def _f(key: str, locale: Locale, **values: Any) -> Mrkdwn:
    return t(f"reviews.flows.{key}", locale, **values)


def loading(locale: Locale) -> dict[str, Any]:
    """What a review modal shows for the moment it takes to read the quarter's figures."""
    return {
        "type": "modal",
        "title": blocks.plain(_f("loading_title", locale), 24),
        "close": blocks.plain(_f("cancel", locale), 24),
        "blocks": [blocks.section(_f("loading", locale))],
    }


def evidence(found: Evidence, locale: Locale) -> Mrkdwn:
    return t(found.key, locale, **found.values)


def dimension(d: Dimension, locale: Locale) -> Mrkdwn:
    return t(f"reviews.dimension_{d.value}", locale)


def level_text(level: int | None, locale: Locale) -> Mrkdwn:
    return t("reviews.no_data", locale) if level is None else Mrkdwn(str(level))


def figures_lines(card: Card, locale: Locale) -> list[Mrkdwn]:
    """One line per dimension: its auto level and what it stands on."""
    return [
        _f(
            "figure_line",
            locale,
            dimension=dimension(d, locale),
            level=level_text(card.levels[d].level, locale),
            evidence=evidence(card.levels[d].evidence, locale),
        )
        for d in DIMENSIONS
        if d in card.levels
    ] + note_lines(card, locale)


def quarter_lines(figures: QuarterFigures, locale: Locale) -> list[Mrkdwn]:
    """Best and worst weeks, the check-in rate, help requests and feedback acknowledged."""
    best, worst = figures.best, figures.worst
    weeks = (
        _f(
            "weeks",
            locale,
            best_week=day(best[0], locale),
            best=percent(best[1], locale),
            worst_week=day(worst[0], locale),
            worst=percent(worst[1], locale),
        )
        if best is not None and worst is not None
        else _f("weeks_no_data", locale)
    )
    rate = figures.checkin_rate
    checkins = (
        _f(
            "checkins",
            locale,
            done=figures.weeks_checked_in,
            due=figures.weeks_due,
            rate=percent(rate, locale),
        )
        if rate is not None
        else _f("checkins_no_data", locale)
    )
    given, acknowledged = figures.feedback, figures.feedback_acknowledged
    rest = _f("help_feedback", locale, help=figures.help_requests, acknowledged=acknowledged, given=given)
    return [weeks, checkins, rest]


def _level_select(block_id: str, label: str, initial: int | None, *, optional: bool = False) -> blocks.Block:
    element: dict[str, Any] = {"type": "static_select", "options": [blocks.option(v, v) for v in LEVELS]}
    if initial is not None:
        element["initial_option"] = blocks.option(str(initial), str(initial))
    return blocks.input_block(block_id, label, element, optional=optional)


def _text(block_id: str, label: str, initial: str | None, *, optional: bool = True) -> blocks.Block:
    element = blocks.text_input(initial, multiline=True, max_length=TEXT_MAX)
    return blocks.input_block(block_id, label, element, optional=optional)


def _development_inputs(
    earlier: ManagerReview | None, choices: Choices, locale: Locale
) -> list[blocks.Block]:
    """What the development action links to: one select of "nothing" and, grouped by kind, the courses
    and incentive plans the workspace has (`development.choices`); the earlier link already picked."""
    kept = stored(earlier.development_kind, earlier.development_ref) if earlier else NONE
    nothing = blocks.option(t("reviews.development.kind_none", locale), DevelopmentKind.NONE.value)
    if kept.ref_id is not None and kept.ref_id not in {ref for ref, _ in choices.get(kept.kind, [])}:
        kept_name = f"{t(f'reviews.development.kind_{kept.kind.value}', locale)} #{kept.ref_id}"
        choices = {**choices, kept.kind: [*choices.get(kept.kind, []), (kept.ref_id, kept_name)]}
    groups: list[dict[str, Any]] = [
        {
            "label": blocks.plain(t(f"reviews.development.kind_{kind.value}", locale), 75),
            "options": [
                blocks.option(name, choice_value(DevelopmentAction(kind, ref))) for ref, name in offered
            ],
        }
        for kind, offered in choices.items()
        if offered
    ]
    every = [nothing, *(o for g in groups for o in g["options"])]
    initial = next((o for o in every if o["value"] == choice_value(kept)), nothing)
    none_label = blocks.plain(t("reviews.development.kind_none", locale), 75)
    groups.insert(0, {"label": none_label, "options": [nothing]})
    select = {"type": "static_select", "option_groups": groups, "initial_option": initial}
    return [
        blocks.input_block(
            REF_FIELD,
            t("reviews.development.choice_label", locale),
            select,
            optional=True,
            hint=t("reviews.development.choice_hint", locale),
        )
    ]


def self_modal(
    cycle: ReviewCycle, found: tuple[Card, QuarterFigures, SelfReview | None], locale: Locale
) -> dict[str, Any]:
    """The rep's self review, with the quarter's figures first and their earlier answers kept."""
    card, figures, earlier = found
    lines = [_f("figures_heading", locale), *figures_lines(card, locale), *quarter_lines(figures, locale)]
    body = [
        blocks.section(_f("self_intro", locale, quarter=cycle.quarter, due=day(cycle.self_due, locale))),
        blocks.section(join("\n", lines)),
    ]
    for d in DIMENSIONS:
        initial = getattr(earlier, level_field(d)) if earlier else None
        body.append(
            _level_select(level_field(d), _f("self_level", locale, dimension=dimension(d, locale)), initial)
        )
    body += [_text(name, _f(name, locale), getattr(earlier, name) if earlier else None) for name in TEXTS]
    return blocks.modal(
        ReviewId.SELF.value,
        title=_f("self_title", locale),
        submit=_f("send", locale),
        close=_f("cancel", locale),
        body=body,
        metadata={"cycle": cycle.id},
    )


def _self_summary(found: SelfReview | None, locale: Locale) -> Mrkdwn:
    if found is None or found.submitted_at is None:
        return _f("self_missing", locale)
    levels = join(
        ", ",
        [
            _f(
                "pair",
                locale,
                dimension=dimension(d, locale),
                level=level_text(getattr(found, level_field(d)), locale),
            )
            for d in DIMENSIONS
        ],
    )
    return _f(
        "self_summary",
        locale,
        levels=levels,
        wins=one_line(found.wins) or "—",
        lessons=one_line(found.lessons) or "—",
        support=one_line(found.support_wanted) or "—",
    )


def _peer_summary(ratings: list[PeerRating], locale: Locale, *, comments: bool) -> Mrkdwn:
    """The peer median; with `comments` (the rep's manager, per the policy), each comment quoted, unnamed."""
    given = [r.rating for r in ratings if r.rating is not None]
    median = peer_median(given)
    shown = t("reviews.not_enough_input", locale) if median is None else Mrkdwn(str(median))
    summary = _f("peer_summary", locale, median=shown, rated=len(given), asked=len(ratings))
    written = [quoted(r.comment, max_lines=3) for r in ratings if comments and r.comment.strip()]
    return join("\n", [summary, _f("peer_comments", locale), *written]) if written else summary


def manager_modal(
    cycle: ReviewCycle,
    rep_user: str,
    context: tuple[Card, QuarterFigures, SelfReview | None, list[PeerRating], ManagerReview | None],
    locale: Locale,
    *,
    comments: bool,
    choices: Choices | None = None,
) -> dict[str, Any]:
    """The manager's review: auto levels, the self review and the peer median, then the final levels (the
    auto level, or their earlier answer, already picked), a reason per change and the three texts."""
    card, figures, self_review, ratings, earlier = context
    due = day(cycle.manager_due, locale)
    lines = [
        _f("figures_heading_manager", locale),
        *figures_lines(card, locale),
        *quarter_lines(figures, locale),
    ]
    body = [
        blocks.section(_f("manager_intro", locale, rep=mention(rep_user), quarter=cycle.quarter, due=due)),
        blocks.section(join("\n", lines)),
        blocks.section(_self_summary(self_review, locale)),
        blocks.section(_peer_summary(ratings, locale, comments=comments)),
    ]
    for d in DIMENSIONS:
        initial = getattr(earlier, level_field(d)) if earlier else card.levels[d].level
        reason = getattr(earlier, reason_field(d)) if earlier else None
        name = dimension(d, locale)
        body.append(_level_select(level_field(d), _f("final_level", locale, dimension=name), initial))
        body.append(_text(reason_field(d), _f("reason", locale, dimension=name), reason))
    body += [_text(n, _f(n, locale), getattr(earlier, n) if earlier else None) for n in MANAGER_TEXTS]
    body += _development_inputs(earlier, choices or {}, locale)
    return blocks.modal(
        ReviewId.MANAGER.value,
        title=_f("manager_title", locale),
        submit=_f("send", locale),
        close=_f("cancel", locale),
        body=body,
        metadata={"cycle": cycle.id, "rep": card.rep_id},
    )


def peer_ask_message(cycle: ReviewCycle, rep_user: str, rep_id: int, locale: Locale) -> dict[str, Any]:
    """The peer's DM: five one-tap ratings and a button for a rating with a comment."""
    text = _f(
        "peer_ask", locale, rep=mention(rep_user), quarter=cycle.quarter, due=day(cycle.peer_due, locale)
    )
    value = f"{cycle.id}:{rep_id}"
    buttons = [blocks.button(f"{ReviewId.RATE.value}_{v}", v, f"{value}:{v}") for v in LEVELS]
    comment = blocks.button(ReviewId.COMMENT.value, _f("peer_comment_button", locale), value)
    body = [
        blocks.section(text),
        {"type": "actions", "block_id": "rate", "elements": buttons},
        {"type": "actions", "block_id": "comment", "elements": [comment]},
        blocks.context(_f("peer_private", locale)),
    ]
    return blocks.message(text, body)


def peer_thanks(rep_user: str, rating: int, locale: Locale) -> dict[str, Any]:
    return blocks.notice(_f("peer_thanks", locale, rep=mention(rep_user), rating=rating))


def peer_modal(cycle_id: int, rep_user: str, rep_id: int, locale: Locale) -> dict[str, Any]:
    body = [
        blocks.section(_f("peer_modal_intro", locale, rep=mention(rep_user))),
        _level_select(ReviewId.RATING.value, _f("peer_rating", locale), None),
        _text(ReviewId.COMMENT_TEXT.value, _f("peer_comment", locale), None),
    ]
    return blocks.modal(
        ReviewId.PEER.value,
        title=_f("peer_title", locale),
        submit=_f("send", locale),
        close=_f("cancel", locale),
        body=body,
        metadata={"cycle": cycle_id, "rep": rep_id},
    )


def _done(done: bool, locale: Locale) -> Mrkdwn:
    return _f("done" if done else "not_yet", locale)


def team_listing(
    cycle: ReviewCycle, rows: list[RepProgress], locale: Locale
) -> tuple[str, list[blocks.Block]]:
    """Who is at which stage of the cycle, and what is due by when."""
    heading = _f(
        "team_heading",
        locale,
        quarter=cycle.quarter,
        stage=t(f"reviews.stage_{cycle.stage.value}", locale),
        self_due=day(cycle.self_due, locale),
        peer_due=day(cycle.peer_due, locale),
        manager_due=day(cycle.manager_due, locale),
    )
    lines = [
        _f(
            "team_line",
            locale,
            rep=safe_mention(row.rep.user_id),
            self=_done(row.self_done, locale),
            rated=row.peers_rated,
            asked=row.peers_asked,
            manager=_done(row.manager_done, locale),
        )
        for row in rows
    ] or [_f("team_empty", locale)]
    return join("\n", [heading, *lines]), blocks.sections_from_lines([heading, *lines], max_blocks=40)


REMINDERS = {
    Owed.SELF: "reviews.remind.self",
    Owed.PEER: "reviews.remind.peer",
    Owed.MANAGER: "reviews.remind.manager",
}


REMINDED_REPS = 10  # reps with their own button in a reminder; the rest by `/pacer review @rep`


def reminder_message(owed: Due, locale: Locale) -> dict[str, Any]:
    """A daily reminder of what is still owed in the review's current stage, and by when, with a button
    that opens it: the self review; each rating still asked for; each rep's manager review."""
    quarter, cycle_id = owed.cycle.quarter, owed.cycle.id
    text = t(REMINDERS[owed.what], locale, quarter=quarter, count=owed.count, due=day(owed.due, locale))
    found = [blocks.section(text)]
    if owed.what is Owed.SELF:
        button = blocks.button(
            ReviewId.OPEN_SELF.value, _f("remind.open_self", locale), str(cycle_id), primary=True
        )
        found.append({"type": "actions", "block_id": "review_open", "elements": [button]})
        return blocks.message(text, found)
    action, label = (
        (ReviewId.COMMENT, "remind.rate")
        if owed.what is Owed.PEER
        else (ReviewId.OPEN_MANAGER, "remind.review")
    )
    for rep_id, user_id in owed.reps[:REMINDED_REPS]:
        button = blocks.button(action.value, _f(f"{label}_button", locale), f"{cycle_id}:{rep_id}")
        line = _f(label, locale, rep=mention(user_id))
        found.append(blocks.section(line, block_id=f"review_open_{rep_id}") | {"accessory": button})
    if len(owed.reps) > REMINDED_REPS:
        found.append(blocks.context(_f("remind.more", locale, count=len(owed.reps) - REMINDED_REPS)))
    return blocks.message(text, found)
