"""Rules of the codebase that a test can hold: the domain never imports Slack."""

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[1] / "bot"
SLACK_PACKAGES = ("slack_bolt", "slack_sdk", "bot.slack")


def imported_modules(path: Path) -> set[str]:
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules.add(node.module)
    return modules


def test_services_and_models_never_import_slack() -> None:
    checked = [*BOT.rglob("service.py"), *BOT.rglob("models.py")]
    assert len(checked) >= 4, "expected the roster and workspaces services and models"
    offenders = {
        str(path.relative_to(BOT)): sorted(m for m in imported_modules(path) if m.startswith(SLACK_PACKAGES))
        for path in checked
    }
    assert {path: mods for path, mods in offenders.items() if mods} == {}


def test_modules_stay_readable() -> None:
    too_long = {
        str(p.relative_to(BOT)): n for p in BOT.rglob("*.py") if (n := len(p.read_text().splitlines())) > 400
    }
    assert too_long == {}


# Buttons that only open a modal (the modal's submission is what acts, and acts once) or whose effect is
# keyed in the outbox already. Any other button, and every modal submission, must use `acts_once`.
OPENS_OR_KEYED = {
    "checkins/handlers.py:open_from_button",
    "escalations/handlers.py:open_from_feedback",
    "feedback/handlers.py:open_give",
    "feedback/handlers.py:open_share",
    "feedback/handlers.py:open_reply",
    "goals/handlers.py:on_edit",
    "home/handlers.py:new_goal",
    "home/handlers.py:open_setup",
    "home/handlers.py:post",  # the week's digest is one outbox key per channel: a second press queues nothing
}


def _listeners(kind: str) -> dict[str, list[str]]:
    """{"<file>:<function>": its decorators' names} for every function registered with `@app.<kind>`."""
    found: dict[str, list[str]] = {}
    for path in BOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.FunctionDef):
                continue
            names = [ast.unparse(d.func if isinstance(d, ast.Call) else d) for d in node.decorator_list]
            if f"app.{kind}" in names:
                found[f"{path.relative_to(BOT)}:{node.name}"] = names
    return found


def test_every_submission_and_acting_button_acts_once() -> None:
    views, actions = _listeners("view"), _listeners("action")
    assert len(views) >= 6 and len(actions) >= 10, "expected the existing modals and buttons"
    unguarded = {
        name
        for name, decorators in {**views, **actions}.items()
        if "acts_once" not in decorators and name not in OPENS_OR_KEYED
    }
    assert unguarded == set(), "decorate with @acts_once(deps) and claim(session) first, or list it above"
    assert actions.keys() >= OPENS_OR_KEYED, "a listed button no longer exists: take it off the list"


# Time is the calendar's (bot/calendar.py): no other module builds a zone, reads ISO weeks, asks the
# `holidays` package or counts a week of days on its own. Each exception below says why it is not
# calendar logic.
CALENDAR_ONLY = ("ZoneInfo(", ".isocalendar(", "import holidays", "timedelta(days=7)")
NOT_CALENDAR = {
    ("interactions/service.py", "timedelta(days=7)"),  # how long a handled request id is kept, not a week
}


def test_only_the_calendar_computes_time() -> None:
    found = {
        (str(path.relative_to(BOT)), needle)
        for path in BOT.rglob("*.py")
        if path != BOT / "calendar.py"
        for needle in CALENDAR_ONLY
        if needle in path.read_text(encoding="utf-8")
    }
    assert found - NOT_CALENDAR == set()
    assert found >= NOT_CALENDAR, "an exception no longer needed: remove it from NOT_CALENDAR"
