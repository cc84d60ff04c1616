"""The training subcommands: `/pacer train …` (assign; acknowledged at once, confirmed with `answers.tell`;
`/pacer train` alone opens `assigning`'s modal),
`/pacer training [@rep | vendor <name> | course <name>]` (completion, scores, overdue: an admin sees
everyone, a manager their reps, a rep their own), `/pacer courses` and `/pacer course import`."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot import calendar
from bot.audit import service as audit
from bot.errors import Invalid, NotAllowed, NotFound
from bot.i18n import Locale, t
from bot.roster.models import Role
from bot.roster.policy import Caller, can_manage
from bot.roster.service import find_member, vendor_named
from bot.slack import blocks
from bot.slack.answers import tell
from bot.slack.commands import CommandRequest, user_id_of
from bot.text import Mrkdwn, join
from bot.training import learn, sections, service, settings, tracking
from bot.training.assign_views import assigned_text
from bot.training.courses import all_courses, course_named
from bot.training.models import Course
from bot.training.tracking import Scope
from bot.workspaces.models import Workspace


def train(request: CommandRequest) -> None:
    """Parse (a wrong word is refused at once), acknowledge, assign, then confirm where it was asked."""
    caller, now = request.caller, request.deps.clock()
    user_of = {word: found for word in request.args if (found := user_id_of(word))}
    with request.deps.session_factory() as session:
        today = service.today_of(session, caller, now)
    asked = service.parse_train(request.args, user_of, today=today)
    request.ack()
    with request.deps.session_factory.begin() as session:
        done = service.assign(session, caller, asked, now=now)
    text = assigned_text(done, asked, caller.locale)
    tell(
        request.client, caller.member.user_id, text, response_url=str(request.body.get("response_url") or "")
    )
    request.deps.kick()


def _scope(request: CommandRequest) -> tuple[Scope, str]:
    """What `/pacer training` was asked for, within what the caller may see, and its title's key."""
    caller, args = request.caller, request.args
    own = Scope(caller.team_id, rep_id=caller.member.id)
    if caller.role is Role.REP:
        if args:
            raise NotAllowed("training.errors.reps_own")
        return own, "training.report.title_own"
    base = Scope(caller.team_id) if caller.is_admin() else Scope(caller.team_id, manager_id=caller.member.id)
    if not args:
        return base, "training.report.title"
    with request.deps.session_factory() as session:
        return _narrowed(session, caller, base, args), "training.report.title"


def _narrowed(session: Session, caller: Caller, base: Scope, args: list[str]) -> Scope:
    user = user_id_of(args[0])
    if user is not None and len(args) == 1:
        rep = find_member(session, team_id=caller.team_id, user_id=user)
        if rep is None:
            raise NotFound("training.errors.unknown_rep", user=user)
        if not can_manage(caller, rep):
            raise NotAllowed("training.errors.not_your_rep", user=user)
        return Scope(caller.team_id, rep_id=rep.id)
    word, name = args[0].lower(), " ".join(args[1:])
    if word == "vendor" and name:
        vendor = vendor_named(session, team_id=caller.team_id, name=name)
        return Scope(caller.team_id, manager_id=base.manager_id, vendor_id=vendor.id)
    if word == "course" and name:
        return Scope(
            caller.team_id, manager_id=base.manager_id, slug=course_named(session, caller.team_id, name).slug
        )
    raise Invalid("training.report.usage")


def show(request: CommandRequest) -> None:
    """The report: the database's tallies per vendor, and the first `LINES_MAX` assignments."""
    scope, title_key = _scope(request)
    locale = request.locale
    with request.deps.session_factory() as session:
        workspace = session.get_one(Workspace, request.caller.team_id)
        today = calendar.zone_today(request.caller.member.timezone, workspace, request.deps.clock())
        tallies = tracking.tallies(session, scope, today)
        found = tracking.rows(session, scope, limit=sections.LINES_MAX)
        study = learn.self_study(session, scope.team_id, scope.rep_id, locale) if scope.rep_id else []
    if not found and not study:
        request.reply(t("training.report.none", locale))
        return
    title, summary = t(title_key, locale), sections.summary(tallies, locale)
    own = scope.rep_id == request.caller.member.id
    lines = [sections.row_line(row, today, locale, who=not own) for row in found]
    more = tracking.total(tallies).total - len(found)
    if more > 0:
        lines.append(t("training.report.more", locale, count=more))
    body = [blocks.header(title), blocks.section(summary)]
    body += [] if own else blocks.sections_from_lines(sections.vendor_lines(tallies, locale), max_blocks=4)
    body += [*blocks.sections_from_lines(lines, max_blocks=30), *study]
    request.reply(join("\n", [title, summary]), body[: blocks.MESSAGE_BLOCKS_MAX])


def list_courses(request: CommandRequest) -> None:
    locale = request.locale
    with request.deps.session_factory() as session:
        courses = all_courses(session, request.caller.team_id)
    if not courses:
        request.reply(t("training.courses.none", locale))
        return
    lines = [_course_line(c, locale) for c in courses]
    title = t("training.courses.title", locale, count=len(courses))
    request.reply(title, [blocks.section(title), *blocks.sections_from_lines(lines, max_blocks=20)])


def _course_line(course: Course, locale: Locale) -> Mrkdwn:
    return t(
        "training.courses.line",
        locale,
        slug=course.slug,
        title=course.title,
        language=course.language,
        count=course.lesson_count,
        version=course.version,
    )


def explain_import(request: CommandRequest) -> None:
    request.reply(t("training.import.how", request.locale))


def setup_training(request: CommandRequest) -> None:
    """`/pacer setup training [days tue,thu] [time 11:00] [escalate 7]`: changes saved, then the settings."""
    changes = settings.read_changes(request.args)
    with request.deps.session_factory.begin() as session:
        if request.args:
            current = settings.save(session, request.caller.team_id, changes, now=request.deps.clock())
            audit.record(
                session,
                request.caller.team_id,
                request.caller.member.id,
                "settings.training",
                "setup training",
                days=sorted(current.weekdays),
                time=current.lesson_time,
                escalate_after_days=current.escalate_after_days,
            )
        else:
            current = service.settings_of(session, request.caller.team_id)
    days = ", ".join(t(f"training.settings.day_{n}", request.locale) for n in sorted(current.weekdays))
    key = "training.settings.saved" if request.args else "training.settings.current"
    request.reply(
        t(
            key,
            request.locale,
            days=days,
            time=current.lesson_time.strftime("%H:%M"),
            escalate=current.escalate_after_days,
        )
    )
