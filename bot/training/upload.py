"""Files shared in a DM with Pacer (routed by bot/slack/uploads.py). A course file from an admin
(`Upload` "training.course"): its dry run (the course, its lessons and questions, whether it would be
created, a new version or unchanged) with **Import**, or every problem with its line. Training done
elsewhere from a manager or admin (`Upload` "training.completions", bot/training/external.py): its dry
run, or each bad line. **Import** downloads the file again and acts on it, once."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.i18n import Locale, t
from bot.slack import blocks
from bot.slack.commands import ADMINS, MANAGERS
from bot.slack.deps import Deps
from bot.slack.files import SharedFile
from bot.slack.idempotency import claim
from bot.slack.interaction import Interaction, NoMetadata, acts
from bot.slack.uploads import Upload, UploadRequest, fetch_again
from bot.spreadsheets import LineError
from bot.text import Mrkdwn
from bot.training import external, service
from bot.training.authoring import CourseSpec, describe, read
from bot.training.courses import import_files, plan

IMPORT = "training_import"  # value: the file's id
IMPORT_DONE = "training_import_completions"  # value: the file's id
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
    """A course file's problems by line, or a completions file's bad lines by number."""
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

    @app.action(IMPORT_DONE)
    @acts(deps)
    def import_training(request: Interaction[NoMetadata]) -> None:
        request.ack()
        request.replace_message(import_completions(request))

    @app.action(CANCEL)
    @acts(deps)
    def cancel_course(request: Interaction[NoMetadata]) -> None:
        request.ack()
        request.replace_message(cancelled(request))


def import_now(request: Interaction[NoMetadata]) -> dict[str, Any]:
    """**Import**: the file read again and loaded if still clean, in one unit of work, once."""
    again = fetch_again(request, ADMINS, "course import")
    caller, deps, shared, data = request.caller, request.deps, again.shared, again.data
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


def answer_completions(request: UploadRequest) -> dict[str, Any]:
    """A file of training done elsewhere: its dry run, or each bad line by its number."""
    caller, shared = request.caller, request.shared
    with request.deps.session_factory() as session:
        today = service.today_of(session, caller, request.now)
        checked = external.check(session, caller, request.data, shared.kind, today=today)
    if not checked.clean:
        return refused_message(shared.name, tuple(checked.errors), caller.locale)
    new = sum(1 for done in checked.completions if not done.known)
    head = t(
        "training.external.dry_run", caller.locale, file=shared.name, lines=len(checked.completions), new=new
    )
    buttons: blocks.Block = {
        "type": "actions",
        "elements": [
            blocks.button(
                IMPORT_DONE, t("training.upload.import", caller.locale), shared.file_id, primary=True
            ),
            blocks.button(CANCEL, t("common.cancel", caller.locale), shared.file_id),
        ],
    }
    return blocks.message(head, [blocks.section(head), buttons])


def import_completions(request: Interaction[NoMetadata]) -> dict[str, Any]:
    """**Import** under a completions file: read again, recorded if still clean, once."""
    again = fetch_again(request, MANAGERS, "training import")
    caller, deps, shared, data = request.caller, request.deps, again.shared, again.data
    with deps.session_factory.begin() as session:
        claim(session)
        today = service.today_of(session, caller, deps.clock())
        done = external.run(session, caller, data, shared.kind, today=today)
    if not done.clean:
        return refused_message(shared.name, tuple(done.errors), caller.locale)
    new = sum(1 for completion in done.completions if not completion.known)
    return blocks.notice(t("training.external.done", caller.locale, file=shared.name, new=new))


COURSE = Upload(
    name="training.course",
    roles=ADMINS,
    recognizes=recognizes,
    answer=answer_file,
    about="training.upload.about",
)
COMPLETIONS = Upload(
    name="training.completions",
    roles=MANAGERS,
    recognizes=lambda shared, data: external.recognizes(shared.kind, data),
    answer=answer_completions,
    about="training.external.about",
)
UPLOADS = (COURSE, COMPLETIONS)
