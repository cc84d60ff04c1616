"""Block Kit for feedback: the monthly prompts, both modals, the rep's DM with Acknowledge and Reply,
listings and the voice-of-the-field summary. Pure builders."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot import calendar
from bot.feedback.development import COURSE_FIELD, NO_COURSE
from bot.feedback.figures import last_month_figures, month_label
from bot.feedback.models import FieldFeedback, ManagerFeedback
from bot.feedback.service import TEXT_MAX, Figure, Visible
from bot.feedback.summary import FieldSummary
from bot.feedback.themes import THEMES
from bot.i18n import Locale, moment, t
from bot.roster.models import Member
from bot.slack import blocks
from bot.slack.ids import Action, CallbackId, FeedbackBlock
from bot.text import FULL_LINE_MAX, Mrkdwn, cap, join, lines, one_line, render, safe_mention

MAX_REPS_IN_PROMPT = 40


def manager_prompt(month: date, reps: list[Member], locale: Locale, *, reminder: bool) -> dict[str, Any]:
    """To a manager: their reps, each with a "Give feedback" button."""
    key = "feedback.manager_reminder" if reminder else "feedback.manager_prompt"
    intro = t(key, locale, month=month_label(month, locale))
    shown = reps[:MAX_REPS_IN_PROMPT]
    body: list[blocks.Block] = [
        blocks.section(intro),
        blocks.section(join(", ", [blocks.mention(r.user_id) for r in shown])),
    ]
    buttons = [
        blocks.button(
            Action.FEEDBACK_GIVE,
            t("feedback.give_to", locale, name=one_line(rep.display_name or rep.user_id, 60)),
            str(rep.id),
        )
        for rep in shown
    ]
    for rep, button in zip(shown, buttons, strict=True):  # one block each: action ids are unique per block
        body.append({"type": "actions", "block_id": f"feedback_rep:{rep.id}", "elements": [button]})
    return blocks.message(join("\n", [intro, *(blocks.mention(rep.user_id) for rep in reps)]), body)


def rep_prompt(month: date, locale: Locale, *, reminder: bool) -> dict[str, Any]:
    """To a rep: a "Share feedback" button."""
    key = "feedback.rep_reminder" if reminder else "feedback.rep_prompt"
    intro = t(key, locale, month=month_label(month, locale))
    actions = {
        "type": "actions",
        "block_id": "feedback_share",
        "elements": [
            blocks.button(Action.FEEDBACK_SHARE, t("feedback.share_button", locale), "", primary=True)
        ],
    }
    return blocks.message(intro, [blocks.section(intro), actions])


def _text_block(
    name: FeedbackBlock, label: str, value: str | None, *, optional: bool = False, **kw: Any
) -> blocks.Block:
    multiline = kw.pop("multiline", True)
    return blocks.input_block(
        name.value,
        label,
        blocks.text_input(value, multiline=multiline, max_length=kw.pop("max_length", TEXT_MAX)),
        optional=optional,
        hint=kw.pop("hint", None),
    )


def manager_modal(
    rep_user_id: str,
    figures_month: date,
    figures: list[Figure],
    locale: Locale,
    *,
    values: dict[str, str],
    metadata: dict[str, Any],
    courses: list[tuple[int, str]] | None = None,
) -> dict[str, Any]:
    v = values.get
    ratings = [blocks.option(t(f"feedback.rating.{n}", locale), str(n)) for n in range(1, 6)]
    rating: dict[str, Any] = {"type": "static_select", "options": ratings}
    chosen = [o for o in ratings if o["value"] == v("rating")]
    if chosen:
        rating["initial_option"] = chosen[0]
    # The feedback is for this month (as the prompt and the rep's DM say); its figures are last month's weeks.
    month = month_label(calendar.next_month(figures_month), locale)
    body = [
        blocks.section(t("feedback.give_intro", locale, rep=rep_user_id, month=month)),
        blocks.context(last_month_figures(figures_month, figures, locale)),
        _text_block(FeedbackBlock.STRENGTHS, t("feedback.strengths", locale), v("strengths")),
        _text_block(FeedbackBlock.IMPROVE, t("feedback.improve", locale), v("improve")),
        _text_block(FeedbackBlock.NEXT_STEP, t("feedback.next_step", locale), v("next_step")),
        blocks.input_block(
            FeedbackBlock.RATING.value, t("feedback.rating_label", locale), rating, optional=True
        ),
        *_course_input(courses or [], locale),
    ]
    return blocks.modal(
        CallbackId.FEEDBACK_GIVE.value,
        title=t("feedback.give_title", locale),
        submit=t("feedback.send", locale),
        close=t("common.cancel", locale),
        body=body,
        metadata=metadata,
    )


def _course_input(courses: list[tuple[int, str]], locale: Locale) -> list[blocks.Block]:
    """An optional course as the development action (assigned to the rep once), when there are courses."""
    if not courses:
        return []
    nothing = blocks.option(t("feedback.development.no_course", locale), NO_COURSE)
    options = [nothing, *(blocks.option(title, str(course_id)) for course_id, title in courses)]
    select = {"type": "static_select", "options": options}
    label, hint = (
        t("feedback.development.course_label", locale),
        t("feedback.development.course_hint", locale),
    )
    return [blocks.input_block(COURSE_FIELD, label, select, optional=True, hint=hint)]


def _field_inputs(values: dict[str, str], locale: Locale) -> list[blocks.Block]:
    """The rep's six optional answers, one per theme, the competitor's name on one short line."""
    v = values.get
    return [
        _text_block(FeedbackBlock.MARKET, t("feedback.market", locale), v("market"), optional=True),
        _text_block(
            FeedbackBlock.COMPETITOR,
            t("feedback.competitor", locale),
            v("competitor"),
            optional=True,
            multiline=False,
            max_length=80,
        ),
        _text_block(
            FeedbackBlock.COMPETITOR_MOVES,
            t("feedback.competitor_moves", locale),
            v("competitor_moves"),
            optional=True,
        ),
        _text_block(FeedbackBlock.CUSTOMERS, t("feedback.customers", locale), v("customers"), optional=True),
        _text_block(FeedbackBlock.PROBLEMS, t("feedback.problems", locale), v("problems"), optional=True),
        _text_block(
            FeedbackBlock.SUGGESTIONS, t("feedback.suggestions", locale), v("suggestions"), optional=True
        ),
    ]


def field_modal(locale: Locale, *, values: dict[str, str], month: date) -> dict[str, Any]:
    """The rep's "Share feedback" modal for `month`. `values`: the current answers, by block id."""
    v = values.get
    named = blocks.option(t("feedback.identity_named", locale), "named")
    anonymous = blocks.option(t("feedback.identity_anonymous", locale), "anonymous")
    identity: dict[str, Any] = {"type": "radio_buttons", "options": [named, anonymous]}
    if v("identity") in {"named", "anonymous"}:
        identity["initial_option"] = named if v("identity") == "named" else anonymous
    body = [
        blocks.section(t("feedback.share_intro", locale, month=month_label(month, locale))),
        *_field_inputs(values, locale),
        blocks.input_block(
            FeedbackBlock.IDENTITY.value,
            t("feedback.identity", locale),
            identity,
            hint=t("feedback.identity_hint", locale),
        ),
    ]
    return blocks.modal(
        CallbackId.FEEDBACK_SHARE.value,
        title=t("feedback.share_title", locale),
        submit=t("feedback.send", locale),
        close=t("common.cancel", locale),
        body=body,
        metadata={"month": month.isoformat()},
    )


def field_values(item: FieldFeedback) -> dict[str, str]:
    names = ("market", "competitor", "competitor_moves", "customers", "problems", "suggestions")
    values = {name: str(getattr(item, name)) for name in names}
    return values | {"identity": "anonymous" if item.anonymous else "named"}


def reply_modal(locale: Locale, feedback_id: int) -> dict[str, Any]:
    body = [_text_block(FeedbackBlock.REPLY, t("feedback.reply_label", locale), None)]
    return blocks.modal(
        CallbackId.FEEDBACK_REPLY.value,
        title=t("feedback.reply_title", locale),
        submit=t("feedback.send", locale),
        close=t("common.cancel", locale),
        body=body,
        metadata={"feedback": feedback_id},
    )


def _paragraph(text: str) -> Mrkdwn:
    """A person's multi-line answer: escaped, each line capped."""
    return join("\n", lines(text, limit=FULL_LINE_MAX))


def feedback_text(item: ManagerFeedback, locale: Locale) -> Mrkdwn:
    details = t(
        "feedback.details",
        locale,
        strengths=_paragraph(item.strengths),
        improve=_paragraph(item.improve),
        next_step=_paragraph(item.next_step),
    )
    if not item.rating:
        return details
    return join("\n", [details, t("feedback.rating_line", locale, rating=item.rating)])


def to_rep(item: ManagerFeedback, manager_user_id: str, locale: Locale) -> dict[str, Any]:
    """The rep's DM: the manager's feedback, with Acknowledge and Reply (Acknowledge gone once done)."""
    intro = t("feedback.to_rep_intro", locale, manager=manager_user_id, month=month_label(item.month, locale))
    details = feedback_text(item, locale)
    elements = [blocks.button(Action.FEEDBACK_REPLY, t("feedback.reply_button", locale), str(item.id))]
    if item.acknowledged_at is None:
        elements.insert(
            0,
            blocks.button(Action.FEEDBACK_ACK, t("feedback.ack_button", locale), str(item.id), primary=True),
        )
    body = [blocks.section(intro), blocks.section(details)]
    if item.acknowledged_at is not None:
        at = moment(item.acknowledged_at, None, locale)  # in each reader's own zone, never "UTC"
        body.append(blocks.context(t("feedback.acknowledged_on", locale, at=at)))
    body.append({"type": "actions", "block_id": f"feedback:{item.id}", "elements": elements})
    return blocks.message(join("\n", [intro, details]), body)


def acknowledged_notice(item: ManagerFeedback, rep_user_id: str, locale: Locale) -> dict[str, Any]:
    at = moment(item.acknowledged_at, None, locale) if item.acknowledged_at else "—"
    return blocks.notice(
        t(
            "feedback.acknowledged_notice",
            locale,
            rep=rep_user_id,
            month=month_label(item.month, locale),
            at=at,
        )
    )


def reply_notice(rep_user_id: str, text: str, locale: Locale) -> dict[str, Any]:
    return blocks.notice(
        t(
            "feedback.reply_notice",
            locale,
            rep=rep_user_id,
            text=join("\n> ", lines(text, limit=FULL_LINE_MAX)),
        )
    )


def _shared_line(item: FieldFeedback, author: Member | None, locale: Locale) -> Mrkdwn:
    who = safe_mention(author.user_id) if author else t("feedback.anonymous", locale)
    parts = [
        (t("feedback.theme.market", locale), item.market),
        (
            t("feedback.theme.competitors", locale),
            " — ".join(p for p in (item.competitor, item.competitor_moves) if p),  # a person's text
        ),
        (t("feedback.theme.customers", locale), item.customers),
        (t("feedback.theme.problems", locale), item.problems),
        (t("feedback.theme.suggestions", locale), item.suggestions),
    ]
    text = join(
        "; ",
        [
            render("*{label}*: {value}", label=label, value=one_line(value, 300))
            for label, value in parts
            if value
        ],
    )
    return render("• {month} · {who}: {text}", month=month_label(item.month, locale), who=who, text=text)


def _given_rows(given: list[tuple[ManagerFeedback, Member]], locale: Locale) -> list[Mrkdwn]:
    """Each feedback a manager gave: to whom, for which month, whether acknowledged, and what it said."""
    rows: list[Mrkdwn] = []
    for item, rep in given:
        ack = (
            t("feedback.acknowledged_on", locale, at=moment(item.acknowledged_at, None, locale))
            if item.acknowledged_at
            else t("feedback.not_acknowledged", locale)
        )
        given_line = t(
            "feedback.given_line", locale, rep=rep.user_id, month=month_label(item.month, locale), ack=ack
        )
        rows.append(join("\n", [given_line, cap(feedback_text(item, locale), 1000)]))
    return rows


def _shared_blocks(
    shared: list[tuple[Mrkdwn, FieldFeedback, Member | None]], locale: Locale, *, can_escalate: bool
) -> list[blocks.Block]:
    """The first 20 shared items under their heading; Escalate beside a named item with a problem."""
    body: list[blocks.Block] = [blocks.section(t("feedback.shared_heading", locale))]
    for text, shared_item, author in shared[:20]:
        section = blocks.section(text)
        if can_escalate and author is not None and shared_item.problems:
            section["accessory"] = blocks.button(
                Action.ESCALATE, t("escalation.button", locale), f"feedback:{shared_item.id}"
            )
        body.append(section)
    return body


def _anonymous_summary(themes: dict[str, int], locale: Locale) -> Mrkdwn:
    """Anonymous feedback only as counts by theme, never an item on its own."""
    counts = join(
        " · ",
        [
            render("{theme}: {count}", theme=t(f"feedback.theme.{theme}", locale), count=count)
            for theme, count in themes.items()
        ],
    )
    return t("feedback.anonymous_summary", locale, themes=counts)


def listing(seen: Visible, locale: Locale, *, can_escalate: bool) -> tuple[str, list[blocks.Block]]:
    """The feedback `seen` as a message's fallback text and blocks: given, shared, then anonymous counts."""
    rows = _given_rows(seen.given, locale)
    shared = [(_shared_line(item, author, locale), item, author) for item, author in seen.shared]
    title = t("feedback.list_title", locale, given=len(seen.given), shared=len(seen.shared))
    body: list[blocks.Block] = [blocks.header(title)]
    if rows:
        body += [
            blocks.section(t("feedback.given_heading", locale)),
            *blocks.sections_from_lines(rows, max_blocks=15),
        ]
    if shared:
        body += _shared_blocks(shared, locale, can_escalate=can_escalate)
    if seen.anonymous_themes:
        anonymous = _anonymous_summary(seen.anonymous_themes, locale)
        body.append(blocks.section(anonymous))
        rows.append(anonymous)
    if not rows and not shared:
        body.append(blocks.section(t("feedback.list_empty", locale)))
    # Managers and admins: how anonymous feedback is counted, whether or not there is any to count.
    rule = [t("feedback.anonymity_rule", locale)] if can_escalate else []
    body = body[: blocks.MESSAGE_BLOCKS_MAX - len(rule)] + [blocks.context(line) for line in rule]
    text = join("\n", [title, *rows, *(s for s, _, _ in shared), *rule])
    return text, body


def summary_message(summary: FieldSummary, locale: Locale) -> dict[str, Any]:
    """The voice of the field: counts by theme, top competitors, open problems; no anonymous names."""
    title = t("field.title", locale, month=month_label(summary.month, locale), count=summary.items)
    themes = join(
        " · ",
        [
            render("{theme}: {count}", theme=t(f"feedback.theme.{name}", locale), count=summary.themes[name])
            for name in THEMES
        ],
    )
    out = [t("field.themes", locale, themes=themes)]
    if summary.competitors:
        names = join(
            ", ",
            [
                render("{name} ({count})", name=one_line(name, 80), count=count)
                for name, count in summary.competitors
            ],
        )
        out.append(t("field.competitors", locale, names=names))
    problems = [
        render("• {text} — {who}", text=one_line(text, 400), who=safe_mention(user))
        for text, user in summary.problems
    ]
    if problems:
        out.append(t("field.problems", locale))
    # Anonymous problems on their own, in the summary's shuffled order, with nothing beside them.
    anonymous = [render("• {text}", text=one_line(text, 400)) for text in summary.anonymous_problems]
    if anonymous:
        anonymous.insert(0, t("field.anonymous_problems", locale))
    body = [
        blocks.header(title),
        *blocks.sections_from_lines([*out, *problems], max_blocks=30),
        *blocks.sections_from_lines(anonymous, max_blocks=10),
    ]
    return blocks.message(join("\n", [title, *out, *problems, *anonymous]), body)


def thanks_modal(locale: Locale) -> dict[str, Any]:
    text = t("feedback.thanks", locale)
    return {
        "type": "modal",
        "title": blocks.plain(t("feedback.share_title", locale), 24),
        "close": blocks.plain(t("common.close", locale), 24),
        "blocks": [blocks.section(text)],
    }
