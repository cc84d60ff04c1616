"""Training's Block Kit: the course intro with the confidence question, a lesson (its text, links, image,
question buttons, and "Next lesson" or "Finish"), the lesson after an answer (right or wrong, and why), the
completion with the score and the closing confidence question, the reminders. Pure builders of dicts."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot import format
from bot.i18n import Locale, day, t
from bot.slack import blocks
from bot.slack.blocks import Block
from bot.text import Mrkdwn, escape, join
from bot.training.models import Course, Lesson, Progress
from bot.training.progress import Answered, Step

ANSWER = "training_answer_"  # + the option's index; value "<progress id>:<lesson id>:<index>"
NEXT = "training_next"  # value "<progress id>:<position>"
FINISH = "training_finish"  # value "<progress id>:<position>"
CONFIDENCE = "training_confidence_"  # + 1..5; value "<progress id>:<before|after>:<level>"
LEVELS = range(1, 6)


def percent(score: int | None, locale: Locale) -> str:
    return format.percent(Decimal(score) / 100 if score is not None else None, locale)


def intro_message(step: Step, locale: Locale) -> dict[str, Any]:
    course, progress = step.course, step.progress
    due = day(step.due, locale) if step.due else format.NONE
    text = t("training.intro.text", locale, course=course.title, count=course.lesson_count, due=due)
    body = [
        blocks.section(text),
        blocks.section(t("training.intro.confidence", locale, course=course.title)),
        confidence_buttons(progress, "before", locale),
    ]
    return blocks.message(text, body)


def confidence_buttons(progress: Progress, when: str, locale: Locale) -> Block:
    return {
        "type": "actions",
        "block_id": f"training_confidence_{when}",
        "elements": [
            blocks.button(
                f"{CONFIDENCE}{n}", t(f"training.confidence.level_{n}", locale), f"{progress.id}:{when}:{n}"
            )
            for n in LEVELS
        ],
    }


def _lesson_body(course: Course, lesson: Lesson, locale: Locale) -> list[Block]:
    title = t(
        "training.lesson.title", locale, course=course.title, n=lesson.position + 1, count=course.lesson_count
    )
    body: list[Block] = [blocks.context(title), blocks.section(escape(lesson.text))]
    if lesson.links:
        links = join("\n", [Mrkdwn(f"• <{escape(link)}>") for link in lesson.links])
        body.append(blocks.context(join(" ", [t("training.lesson.links", locale), links])))
    if lesson.image_url:
        body.append({"type": "image", "image_url": lesson.image_url, "alt_text": course.title[:100]})
    if lesson.prompt:
        options = [Mrkdwn(f"{n}. {escape(option)}") for n, option in enumerate(lesson.options, start=1)]
        body.append(blocks.section(join("\n", [Mrkdwn(f"*{escape(lesson.prompt)}*"), *options])))
    return body


def _navigation(progress: Progress, course: Course, lesson: Lesson, locale: Locale) -> Block:
    last = lesson.position == course.lesson_count - 1
    action, label = (FINISH, "training.lesson.finish") if last else (NEXT, "training.lesson.next")
    value = f"{progress.id}:{lesson.position}"
    return {
        "type": "actions",
        "block_id": "training_nav",
        "elements": [blocks.button(action, t(label, locale), value, primary=True)],
    }


def lesson_message(
    progress: Progress, course: Course, lesson: Lesson, locale: Locale, *, nav: bool = True
) -> dict[str, Any]:
    """A lesson as it arrives: its question's options as buttons, and the way on."""
    body = _lesson_body(course, lesson, locale)
    if lesson.prompt:
        body.append(
            {
                "type": "actions",
                "block_id": "training_options",
                "elements": [
                    blocks.button(
                        f"{ANSWER}{n}", str(n + 1) + ". " + option, f"{progress.id}:{lesson.id}:{n}"
                    )
                    for n, option in enumerate(lesson.options)
                ],
            }
        )
    if nav:
        body.append(_navigation(progress, course, lesson, locale))
    fallback = t(
        "training.lesson.fallback",
        locale,
        course=course.title,
        n=lesson.position + 1,
        count=course.lesson_count,
    )
    return blocks.message(fallback, body)


def answered_message(
    progress: Progress, course: Course, answered: Answered, locale: Locale
) -> dict[str, Any]:
    """The lesson again, its buttons replaced by the verdict and the explanation."""
    lesson = answered.lesson
    body = _lesson_body(course, lesson, locale)
    right = lesson.options[lesson.answer or 0]
    verdict = (
        t("training.answer.right", locale)
        if answered.correct
        else t("training.answer.wrong", locale, answer=right)
    )
    if not answered.first:
        verdict = join(
            " ", [t("training.answer.already", locale, chosen=lesson.options[answered.chosen]), verdict]
        )
    body.append(blocks.section(join("\n", [verdict, escape(lesson.explanation or "")])))
    if progress.completed_at is None and progress.next_position == lesson.position + 1:
        body.append(_navigation(progress, course, lesson, locale))
    return blocks.message(verdict, body)


def finished_message(progress: Progress, course: Course, passed: bool, locale: Locale) -> dict[str, Any]:
    mark = percent(course.pass_mark, locale) if course.pass_mark is not None else format.NONE
    key = "training.finished.passed" if passed else "training.finished.below"
    if progress.score is None:
        key = "training.finished.no_quiz"
    text = t(key, locale, course=course.title, score=percent(progress.score, locale), mark=mark)
    body = [
        blocks.section(text),
        blocks.section(t("training.finished.confidence", locale, course=course.title)),
        confidence_buttons(progress, "after", locale),
    ]
    return blocks.message(text, body)


def confidence_noted(progress: Progress, course: Course, when: str, locale: Locale) -> dict[str, Any]:
    level = progress.confidence_before if when == "before" else progress.confidence_after
    return blocks.notice(
        t(f"training.confidence.noted_{when}", locale, course=course.title, level=level or 0)
    )


def reminder_message(course: Course, due: Any, locale: Locale, position: int) -> dict[str, Any]:
    text = t(
        "training.reminder.text",
        locale,
        course=course.title,
        due=day(due, locale),
        n=position,
        count=course.lesson_count,
    )
    return blocks.notice(text)


def manager_due_message(
    rep_user: str, course: Course, due: Any, position: int, locale: Locale
) -> dict[str, Any]:
    text = t(
        "training.manager_due.text",
        locale,
        user=rep_user,
        course=course.title,
        due=day(due, locale),
        n=position,
        count=course.lesson_count,
    )
    return blocks.notice(text)


def moved_on(course: Course, locale: Locale) -> dict[str, Any]:
    """What replaces a lesson whose course changed version under it."""
    return blocks.notice(t("training.lesson.moved_on", locale, course=course.title))
