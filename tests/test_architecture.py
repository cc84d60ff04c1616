"""Rules of the codebase that a test can hold: the domain never imports Slack."""

import ast
import re
from pathlib import Path

import grimp

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
    "home/handlers.py:open_new_goal",
    "home/handlers.py:open_setup",
    "reviews/flows.py:open_peer_comment",
    "reviews/flows.py:open_self_from_reminder",
    "reviews/flows.py:open_manager_from_reminder",
    # the week's digest is one outbox key per channel: a second press queues nothing
    "home/handlers.py:post_digest",
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


# No function in bot/ is over 40 lines. Should one ever have to be (a table read top to bottom), it goes
# here with its length and the reason; it may then get shorter but not longer.
FUNCTION_LINES_MAX = 40
LONG_FUNCTIONS: dict[str, int] = {}


def _function_lengths() -> dict[str, int]:
    """{"<file>:<function>": lines from its `def` to its last line} for every function in bot/."""
    found: dict[str, int] = {}
    for path in BOT.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.end_lineno is not None:
                found[f"{path.relative_to(BOT)}:{node.name}"] = node.end_lineno - node.lineno + 1
    return found


def test_no_function_is_over_forty_lines() -> None:
    lengths = _function_lengths()
    too_long = {
        name: n
        for name, n in lengths.items()
        if n > FUNCTION_LINES_MAX and n > LONG_FUNCTIONS.get(name, FUNCTION_LINES_MAX)
    }
    assert too_long == {}, "split it into smaller functions (the allowlist only shrinks)"
    split = {name for name in LONG_FUNCTIONS if lengths.get(name, 0) <= FUNCTION_LINES_MAX}
    assert split == set(), "these are within the limit now: take them off LONG_FUNCTIONS"


# Module import cycles allowed for now, each with its reason: {frozenset of the cycle's modules: why}.
# None today; grimp counts an import inside a function or under TYPE_CHECKING as an import too.
KNOWN_CYCLES: dict[frozenset[str], str] = {}


def _cycles(graph: grimp.ImportGraph) -> list[frozenset[str]]:
    """The import cycles of `graph`: its strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            component = {stack.pop()}
            while module not in component:
                component.add(stack.pop())
            if len(component) > 1:
                found.append(frozenset(component))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycles() -> None:
    """No module of `bot` imports, however indirectly, a module that imports it back (a function-local
    import included): the graph is import-linter's own (grimp)."""
    graph = grimp.build_graph("bot", cache_dir=None)
    assert len(graph.modules) > 100, "expected every module of bot"
    cycles = _cycles(graph)
    assert sorted(sorted(cycle) for cycle in cycles if cycle not in KNOWN_CYCLES) == []
    assert set(KNOWN_CYCLES) <= set(cycles), "a listed cycle is gone: take it off KNOWN_CYCLES"
    graph.add_import(importer="bot.db.base", imported="bot.goals.service")  # the check itself finds one
    assert any({"bot.db.base", "bot.goals.service"} <= cycle for cycle in _cycles(graph))


# Outbox keys are stored: a key spelt out inline where a message is built drifts from the key another
# module looks up. Each feature's `messages.py` builds its keys, one function per key (issue 10).
INLINE_KEY = (ast.JoinedStr, ast.BinOp)
# Only the list of features (and the app factory, should it need to) may import every feature's parts.
SEES_EVERY_FEATURE = {"features.py", "slack/app.py"}


def _outgoing_calls(tree: ast.AST) -> list[ast.Call]:
    """Every `Outgoing(...)` and `Outgoing.dm(...)` call, however `Outgoing` was imported."""

    def names_outgoing(node: ast.expr) -> bool:
        return (isinstance(node, ast.Name) and node.id == "Outgoing") or (
            isinstance(node, ast.Attribute) and node.attr == "Outgoing"
        )

    return [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            names_outgoing(node.func)
            or (
                isinstance(node.func, ast.Attribute)
                and node.func.attr == "dm"
                and names_outgoing(node.func.value)
            )
        )
    ]


def _is_inline_key(node: ast.expr) -> bool:
    """An f-string, a `+` or `%` of strings, or a `"…".format(…)`: a key spelt out where it is used."""
    formats = (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
        and isinstance(node.func.value, ast.Constant)
    )
    return isinstance(node, INLINE_KEY) or formats


def _feature_parts_imported(tree: ast.AST) -> set[tuple[str, str]]:
    """(feature, "handlers" or "jobs") for each `bot.<feature>.handlers|jobs` this module imports."""
    found: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        for name in names:
            parts = name.split(".")
            if len(parts) >= 3 and parts[0] == "bot" and parts[2] in {"handlers", "jobs"}:
                found.add((parts[1], parts[2]))
    return found


def test_outbox_keys_come_from_messages_and_no_feature_imports_anothers_handlers_or_jobs() -> None:
    inline_keys: list[str] = []
    crossing: dict[str, list[str]] = {}
    for path in sorted(BOT.rglob("*.py")):
        name = str(path.relative_to(BOT))
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if path.name != "messages.py":
            inline_keys += [
                f"{name}:{call.lineno}"
                for call in _outgoing_calls(tree)
                for keyword in call.keywords
                if keyword.arg == "key" and _is_inline_key(keyword.value)
            ]
        own = path.relative_to(BOT).parts[0]
        if name not in SEES_EVERY_FEATURE:
            others = sorted(f"bot.{f}.{part}" for f, part in _feature_parts_imported(tree) if f != own)
            if others:
                crossing[name] = others
    assert inline_keys == [], "build the key with a function in the feature's messages.py"
    assert crossing == {}, "import the other feature's messages, service or views instead"
    assert len(list(BOT.glob("*/messages.py"))) >= 5, "expected the five features that send messages"


# Time is the calendar's (the package bot/calendar/): no other module builds a zone, reads ISO weeks, asks the
# `holidays` package or counts a week of days on its own. Each exception below says why it is not
# calendar logic. A midnight in a zone ("time(0), tzinfo=") starts a day, week or month: the calendar's too.
CALENDAR_ONLY = ("ZoneInfo(", ".isocalendar(", "import holidays", "timedelta(days=7)", "time(0), tzinfo=")
NOT_CALENDAR = {
    ("interactions/service.py", "timedelta(days=7)"),  # how long a handled request id is kept, not a week
}


def test_only_the_calendar_computes_time() -> None:
    found = {
        (str(path.relative_to(BOT)), needle)
        for path in BOT.rglob("*.py")
        if BOT / "calendar" not in path.parents
        for needle in CALENDAR_ONLY
        if needle in path.read_text(encoding="utf-8")
    }
    assert found - NOT_CALENDAR == set()
    assert found >= NOT_CALENDAR, "an exception no longer needed: remove it from NOT_CALENDAR"


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


def test_every_button_and_modal_goes_through_the_interaction_helper() -> None:
    """One way to handle an interaction (bot/slack/interaction.py): no listener stacks the guards by hand."""
    listeners = {**_listeners("view"), **_listeners("action")}
    by_hand = {
        name
        for name, decorators in listeners.items()
        if not any(d.rsplit(".", 1)[-1] in {"acts", "opens"} for d in decorators)
    }
    assert by_hand == set(), "decorate with @acts(deps, Metadata) or @opens(deps)"


# Tests mirror the code: a package's tests live in tests/<package>/ (test_service.py, test_views.py,
# test_e2e.py, …) as its code lives in bot/<package>/. The top level keeps the cross-cutting tests; those
# whose name still reads like a package of bot/ are listed here with why they stay.
TESTS = Path(__file__).resolve().parent
TOP_LEVEL_BY_NAME = {
    "test_i18n.py": "every catalog and every t() key in the code, not bot/i18n alone",
}


def test_a_packages_tests_live_in_its_own_test_package() -> None:
    packages = {path.parent.name for path in BOT.glob("*/__init__.py")}
    assert len(packages) >= 10, "expected the feature packages of bot/"
    names = packages | {name.removesuffix("s") for name in packages}
    flat = {
        path.name
        for path in TESTS.glob("test_*.py")
        if names & set(path.stem.removeprefix("test_").split("_"))
    }
    assert flat - TOP_LEVEL_BY_NAME.keys() == set(), "move it to tests/<package>/ (with an __init__.py)"
    assert TOP_LEVEL_BY_NAME.keys() <= flat, "a listed file moved or was renamed: take it off the list"
    missing = {
        path.parent.name for path in TESTS.glob("*/test_*.py") if not (path.parent / "__init__.py").exists()
    }
    assert missing == set(), "each test package needs an __init__.py (test_e2e.py is in several)"
