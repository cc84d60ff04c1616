"""A course file an admin shares in a DM with Pacer (`Upload` "training.course", routed by
bot/slack/uploads.py): its dry run (the course, its lessons and questions, whether it would be created, a
new version or unchanged) with **Import**, or every problem with its line. **Import** downloads the file
again and loads it, once."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.errors import NotAllowed
from bot.i18n import Locale, t
from bot.slack import blocks, files
from bot.slack.commands import ADMINS, role_names
from bot.slack.deps import Deps
from bot.slack.files import SharedFile
from bot.slack.idempotency import claim
from bot.slack.interaction import Interaction, NoMetadata, acts
from bot.slack.uploads import Upload, UploadRequest
from bot.text import Mrkdwn
from bot.training.authoring import CourseSpec, LineError, describe, read
from bot.training.courses import import_files, plan

IMPORT = "training_import"  # value: the file's id
CANCEL = "training_import_cancel"
ERRORS_SHOWN = 30


def recognizes(shared: SharedFile, data: bytes) -> bool:
    """A YAML file with lessons: a course."""
    return shared.kind == "yaml" and b"lessons" in data


def answer_file(request: UploadRequest) -> dict[str, Any]:
    parsed = read(request.shared.name, request.data)
    locale = request.caller.locale
    if parsed.course is None:
        return refused_message(request.shared.name, parsed.errors, locale)
    with request.deps.session_factory() as session:
        outcome, version = plan(session, request.caller.team_id, parsed.course)
    return dry_run_message(request.shared, parsed.course, f"training.upload.{outcome.value}", version, locale)


def refused_message(name: str, errors: tuple[LineError, ...], locale: Locale) -> dict[str, Any]:
    head = t("training.upload.refused", locale, file=name, count=len(errors))
    lines = [Mrkdwn(describe(error, locale)) for error in errors[:ERRORS_SHOWN]]
    if len(errors) > ERRORS_SHOWN:
        lines.append(t("training.report.more", locale, count=len(errors) - ERRORS_SHOWN))
    return blocks.message(head, [blocks.section(head), *blocks.sections_from_lines(lines, max_blocks=10)])


def dry_run_message(
    shared: SharedFile, course: CourseSpec, outcome: str, version: int, locale: Locale
) -> dict[str, Any]:
    questions = sum(1 for lesson in course.lessons if lesson.question)
    head = t(
        "training.upload.dry_run",
        locale,
        file=shared.name,
        course=course.title,
        language=course.language,
        lessons=len(course.lessons),
        questions=questions,
    )
    what = t(outcome, locale, slug=course.slug, version=version)
    buttons: blocks.Block = {
        "type": "actions",
        "elements": [
            blocks.button(IMPORT, t("training.upload.import", locale), shared.file_id, primary=True),
            blocks.button(CANCEL, t("common.cancel", locale), shared.file_id),
        ],
    }
    return blocks.message(head, [blocks.section(head), blocks.section(what), buttons])


def register(app: App, deps: Deps) -> None:
    """**Import** and **Cancel** under a course file's dry run."""

    @app.action(IMPORT)
    @acts(deps)
    def import_course(request: Interaction[NoMetadata]) -> None:
        request.ack()
        request.replace_message(import_now(request))

    @app.action(CANCEL)
    @acts(deps)
    def cancel_course(request: Interaction[NoMetadata]) -> None:
        request.ack()
        request.replace_message(cancelled(request))


def import_now(request: Interaction[NoMetadata]) -> dict[str, Any]:
    """**Import**: the file read again and loaded if still clean, in one unit of work, once."""
    caller, deps = request.caller, request.deps
    if caller.role not in ADMINS:
        raise NotAllowed("error.only_roles", who=role_names(ADMINS, caller.locale), command="course import")
    shared = files.shared_file(request.client, request.value(str))
    if shared.user_id != caller.member.user_id:
        raise NotAllowed("training.upload.not_your_file", file=shared.name)  # a forged button
    data = files.download(request.client, shared)
    with deps.session_factory.begin() as session:
        claim(session)
        result = import_files(session, caller.team_id, [(shared.name, data)], now=deps.clock())[0]
        if result.loaded is None:
            return refused_message(shared.name, result.errors, caller.locale)
        course = result.loaded.course
        values = {"course": course.title, "version": course.version, "count": course.lesson_count}
        return blocks.notice(
            t(f"training.upload.done_{result.loaded.outcome.value}", caller.locale, **values)
        )


def cancelled(request: Interaction[NoMetadata]) -> dict[str, Any]:
    return blocks.notice(t("training.upload.cancelled", request.locale))


COURSE = Upload(
    name="training.course",
    roles=ADMINS,
    recognizes=recognizes,
    answer=answer_file,
    about="training.upload.about",
)
UPLOADS = (COURSE,)
