"""Rules of the codebase that a test can hold: the domain never imports Slack."""

import ast
import re
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
# keyed in the outbox already. Any other button, and every modal submission, must act once: decorated
# with `acts(deps, …)` (bot.slack.interaction) or, not yet converted, `acts_once(deps)`.
OPENS_OR_KEYED = {
    "checkins/handlers.py:open_checkin",
    "escalations/handlers.py:open_escalation",
    "feedback/handlers.py:open_feedback_give",
    "feedback/handlers.py:open_feedback_share",
    "feedback/handlers.py:open_feedback_reply",
    "goals/handlers.py:open_goal_edit",
    "home/handlers.py:new_goal",
    "home/handlers.py:open_setup",
    "home/handlers.py:post",  # the week's digest is one outbox key per channel: a second press queues nothing
}
ACTS_ONCE = {"acts", "acts_once"}  # the decorators whose listener acts once per interaction


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


def _acts_once(decorators: list[str]) -> bool:
    return any(name.rsplit(".", 1)[-1] in ACTS_ONCE for name in decorators)


def test_every_submission_and_acting_button_acts_once() -> None:
    views, actions = _listeners("view"), _listeners("action")
    assert len(views) >= 6 and len(actions) >= 10, "expected the existing modals and buttons"
    unguarded = {
        name
        for name, decorators in {**views, **actions}.items()
        if not _acts_once(decorators) and name not in OPENS_OR_KEYED
    }
    assert unguarded == set(), "decorate with @acts(deps) and claim(session) first, or list it above"
    assert actions.keys() >= OPENS_OR_KEYED, "a listed button no longer exists: take it off the list"
    listed_but_acting = {name for name in OPENS_OR_KEYED if _acts_once(actions[name])}
    assert listed_but_acting == set(), "a listed button acts once now: take it off the list"


def test_interaction_listeners_are_named_verb_noun() -> None:
    """The naming convention of bot/slack/interaction.py, for every listener using its decorators."""
    converted = {
        name: decorators
        for name, decorators in {**_listeners("view"), **_listeners("action")}.items()
        if any(d.rsplit(".", 1)[-1] in {"acts", "opens"} for d in decorators)
    }
    assert len(converted) >= 14, "expected the goal, check-in, feedback and escalation listeners"
    verb_noun = re.compile(r"^(?!on_)[a-z]+_[a-z]+(_[a-z]+)*$")  # `on_<event>` is for events
    misnamed = {name for name in converted if not verb_noun.match(name.split(":")[1])}
    assert misnamed == set()
