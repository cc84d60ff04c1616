"""Translations: `t(key, locale, **values)` over one TOML catalog per language, made of the shared words
here and each feature's own `i18n/` files. No process-wide language."""

from __future__ import annotations

import re
import string
import tomllib
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Any, Literal, TypeGuard
from zoneinfo import ZoneInfo

from bot import format as fmt
from bot.text import Mrkdwn, channel_mention, escape, mention, render

Locale = Literal["en", "zh"]
LOCALES: tuple[Locale, ...] = ("en", "zh")
DEFAULT_LOCALE: Locale = "en"


def is_locale(value: object) -> TypeGuard[Locale]:
    return value in LOCALES


def _flatten(table: dict[str, Any], prefix: str = "") -> dict[str, str]:
    flat: dict[str, str] = {}
    for key, value in table.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{name}."))
        else:
            flat[name] = str(value)
    return flat


def _feature_folders() -> list[Traversable]:
    """Each feature's own catalogs, `bot/<feature>/i18n/`: the folders `Feature.catalogs` names in the
    list (a test holds the two equal). Found by path, so this leaf module never imports the list."""
    root = resources.files("bot")
    return sorted(
        (package / "i18n" for package in root.iterdir() if package.joinpath("i18n").is_dir()),
        key=str,
    )


_EXTRA_FOLDERS: list[Traversable] = []


def add_catalogs(folder: Traversable) -> None:
    """Load the catalogs of a feature that lives outside `bot/` too (the example feature in the tests)."""
    if all(str(folder) != str(known) for known in [*_feature_folders(), *_EXTRA_FOLDERS]):
        _EXTRA_FOLDERS.append(folder)
        catalog.cache_clear()


@cache
def catalog(locale: Locale) -> dict[str, str]:
    """`<locale>.toml` (words every feature shares) plus each feature's own `<locale>.toml`; a key
    defined twice is a bug."""
    core = resources.files(__package__)
    files = [core.joinpath(f"{locale}.toml")]
    files += [folder.joinpath(f"{locale}.toml") for folder in [*_feature_folders(), *_EXTRA_FOLDERS]]
    merged: dict[str, str] = {}
    for file in files:
        part = _flatten(tomllib.loads(file.read_text(encoding="utf-8")))
        twice = merged.keys() & part.keys()
        if twice:
            raise ValueError(f"{file} defines keys already defined: {sorted(twice)}")
        merged.update(part)
    return merged


def placeholders(message: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(message) if name}


def t(key: str, locale: Locale, **values: Any) -> Mrkdwn:
    """The message `key` in `locale`, falling back to English; a missing key is a bug and raises KeyError.
    Every value is escaped for mrkdwn unless it is `Mrkdwn` (Pacer's own: a mention, another `t()`), so
    a person's text can't ping, mention or link; the result is `Mrkdwn`."""
    message = catalog(locale).get(key)
    if message is None:
        message = catalog(DEFAULT_LOCALE)[key]
    if not values:
        return Mrkdwn(message)
    return render(_ID_SLOT.sub(lambda slot: _id_slot(slot, values), message), **values)


# `<@{user}>` and `<#{channel}>` in a catalog: the value must be a Slack id, or it is shown as text.
_ID_SLOT = re.compile(r"<([@#])\{(\w+)\}>")


def _id_slot(slot: re.Match[str], values: dict[str, Any]) -> str:
    kind, name = slot.groups()
    value = values[name]
    if not isinstance(value, Mrkdwn):
        try:
            values[name] = mention(str(value)) if kind == "@" else channel_mention(str(value))
        except ValueError:
            values[name] = escape(value)  # not an id (e.g. "—"): plain text, never a mention
    return "{" + name + "}"


def day(when: date, locale: Locale) -> str:
    """A day in words, by Babel: "Dec 7" / "12月7日" (plain text: fits headers and mrkdwn alike)."""
    return fmt.day_text(when, locale)


def moment(at: datetime, zone: ZoneInfo | None, locale: Locale) -> Mrkdwn:
    """A moment for mrkdwn: Slack's `<!date>` ("Mon, Dec 14 at 4:00 PM"), which each reader's Slack shows in
    their own zone and language. The fallback is written in `zone` and `locale`; with no zone known, it is
    the day alone (never a time in a zone the reader is not told of). Never a zone's name."""
    tokens = t("format.moment", locale, date=Mrkdwn("{date_short_pretty}"), time=Mrkdwn("{time}"))
    if zone is None:
        return fmt.slack_date(at, tokens, fmt.day_text(at.astimezone(UTC).date(), locale, "weekday"))
    return fmt.slack_date(at, tokens, moment_text(at, zone, locale))


def moment_text(at: datetime, zone: ZoneInfo, locale: Locale) -> str:
    """The same moment as plain text (for plain_text fields, where `<!date>` does not work)."""
    local = at.astimezone(zone)
    date_text = fmt.day_text(local.date(), locale, "weekday")
    return t("format.moment", locale, date=date_text, time=fmt.time_text(local, locale))


def locale_from_slack(slack_locale: str | None) -> Locale | None:
    """Slack's `users.info` locale (e.g. "zh-CN", "en-US") to one of Pacer's languages, if it has one."""
    if not slack_locale:
        return None
    language = slack_locale.split("-", 1)[0].lower()
    return language if is_locale(language) else None
