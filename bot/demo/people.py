"""The demo workspace: who is in it, and local-slack's config for it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

TEAM_ID = "T0DEMO"
BOT_USER_ID = "U0PACER"
BOT_TOKEN = "xoxb-pacer-demo"  # noqa: S105  (local-slack's made-up tokens, not secrets)
APP_TOKEN = "xapp-pacer-demo"  # noqa: S105
DIGEST_CHANNEL = "C0DIGEST"
GENERAL_CHANNEL = "C0GENERAL"


@dataclass(frozen=True)
class Person:
    user_id: str
    name: str
    real_name: str
    tz: str
    role: str  # "admin", "manager", "rep" or "vendor"
    manager: str | None = None  # a rep's manager (user id)
    vendor: str | None = None  # a rep's vendor (name)
    language: str | None = None


VENDORS = {"Northwind Outsourcing": "U0VEND1", "Dragon Sales Partners": "U0VEND2"}

PEOPLE: tuple[Person, ...] = (
    Person("U0ADMIN", "alex", "Alex Admin", "Europe/Berlin", "admin"),
    Person("U0MARIA", "maria", "Maria Garcia", "Europe/Berlin", "manager"),
    Person("U0JAMES", "james", "James Chen", "America/New_York", "manager"),
    Person("U0REP1", "liam", "Liam Turner", "America/New_York", "rep", "U0MARIA", "Northwind Outsourcing"),
    Person(
        "U0REP2", "olivia", "Olivia Brown", "America/Los_Angeles", "rep", "U0MARIA", "Northwind Outsourcing"
    ),
    Person("U0REP3", "noah", "Noah Wilson", "Europe/London", "rep", "U0MARIA", "Northwind Outsourcing"),
    Person("U0REP4", "wei", "Wang Wei", "Asia/Shanghai", "rep", "U0MARIA", "Dragon Sales Partners", "zh"),
    Person("U0REP5", "emma", "Emma Schulz", "Europe/Berlin", "rep", "U0JAMES", "Northwind Outsourcing"),
    Person("U0REP6", "ava", "Ava Martin", "America/Chicago", "rep", "U0JAMES", "Dragon Sales Partners"),
    Person("U0REP7", "lucas", "Lucas Rossi", "Europe/Rome", "rep", "U0JAMES", "Dragon Sales Partners"),
    Person("U0REP8", "mia", "Mia Tanaka", "Asia/Tokyo", "rep", "U0JAMES", "Northwind Outsourcing"),
    Person("U0VEND1", "nora", "Nora (Northwind)", "Europe/London", "vendor"),
    Person("U0VEND2", "li", "Li Na (Dragon)", "Asia/Shanghai", "vendor"),
)


def reps() -> list[Person]:
    return [p for p in PEOPLE if p.role == "rep"]


def local_slack_config() -> dict[str, object]:
    everyone = [p.user_id for p in PEOPLE] + [BOT_USER_ID]
    return {
        "workspace": {"name": "Pacer demo", "domain": "pacer-demo", "teamId": TEAM_ID},
        "apps": [
            {
                "appId": "A0PACER",
                "botUserId": BOT_USER_ID,
                "botName": "Pacer",
                "botToken": BOT_TOKEN,
                "appToken": APP_TOKEN,
                "mode": "socket",
            }
        ],
        "users": [{"id": p.user_id, "name": p.name, "real_name": p.real_name, "tz": p.tz} for p in PEOPLE],
        "channels": [
            {"id": GENERAL_CHANNEL, "name": "general", "members": everyone},
            {
                "id": DIGEST_CHANNEL,
                "name": "sales-digest",
                "purpose": "Pacer's weekly digest",
                "members": [p.user_id for p in PEOPLE if p.role in ("admin", "manager")] + [BOT_USER_ID],
            },
        ],
    }


def write_config(path: Path) -> Path:
    """local-slack reads JSON as well as YAML (by the file's extension)."""
    path.write_text(json.dumps(local_slack_config(), indent=2, ensure_ascii=False), encoding="utf-8")
    return path
