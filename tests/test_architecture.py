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
