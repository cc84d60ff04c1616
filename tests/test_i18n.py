import re
from pathlib import Path

import pytest

from bot.i18n import LOCALES, catalog, locale_from_slack, placeholders, t

BOT = Path(__file__).resolve().parents[1] / "bot"


def test_catalogs_have_the_same_keys() -> None:
    english, chinese = set(catalog("en")), set(catalog("zh"))
    assert english - chinese == set(), "missing in zh.toml"
    assert chinese - english == set(), "missing in en.toml"


@pytest.mark.parametrize("key", sorted(catalog("en")))
def test_placeholders_match(key: str) -> None:
    assert placeholders(catalog("en")[key]) == placeholders(catalog("zh")[key])


def test_chinese_catalog_is_translated() -> None:
    zh = catalog("zh")
    has_han = [key for key, text in zh.items() if re.search(r"[\u4e00-\u9fff]", text)]
    untranslated = [key for key in zh if zh[key] == catalog("en")[key] and key not in has_han]
    # Only strings with nothing to translate (a bullet and placeholders) may read the same in both.
    assert all(not re.search(r"[A-Za-z]{3,}", re.sub(r"\{[^}]+\}", "", zh[key])) for key in untranslated)


def test_every_literal_key_in_the_code_exists() -> None:
    used: set[str] = set()
    pattern = re.compile(
        r"""\b(?:t|Invalid|NotFound|NotAllowed|Conflict|PacerError)\(\s*"([a-z_]+\.[a-z_.]+)\""""
    )
    for path in BOT.rglob("*.py"):
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    assert used, "the scan found no keys: the pattern is broken"
    assert sorted(used - set(catalog("en"))) == []


def test_t_formats_and_falls_back() -> None:
    assert t("manager.added", "en", user="U1").startswith("<@U1> is now a manager")
    assert "经理" in t("manager.added", "zh", user="U1")
    with pytest.raises(KeyError):
        t("no.such.key", "en")


@pytest.mark.parametrize(
    ("slack_locale", "expected"), [("zh-CN", "zh"), ("en-US", "en"), ("fr-FR", None), (None, None)]
)
def test_locale_from_slack(slack_locale: str | None, expected: str | None) -> None:
    assert locale_from_slack(slack_locale) == expected


def test_both_locales_listed() -> None:
    assert LOCALES == ("en", "zh")
