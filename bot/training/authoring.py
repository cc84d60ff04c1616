"""A course file (YAML), read and checked: `read(name, data)` → `Parsed(course, errors)`. Every problem is
listed with its line (yaml's node marks), and a file with any problem loads nothing. Pure: no database.

    title: Product basics
    category: product            # product | sales_skills | market | compliance | other
    language: en                 # en | zh
    pass_mark: 70                # optional, % of the questions answered right
    slug: product-basics         # optional: else the file's name ("product-basics.en.yaml")
    lessons:
      - text: "At most 1,200 characters."
        links: ["https://example.com/guide"]     # optional, at most 5
        image: https://example.com/diagram.png   # optional
        question:                                # optional
          prompt: Which one?
          options: [A, B, C]                     # 2 to 6
          answer: 1                              # the correct option's index, from 0
          explain: Why B is right.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import asdict, dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from bot.format import count
from bot.i18n import Locale, t
from bot.spreadsheets import LineError
from bot.training.models import LESSON_TEXT_MAX, Category

FILE_MAX = 256 * 1024  # bytes of a course file
TITLE_MAX = 200
LESSONS_MAX = 60
OPTIONS = (2, 6)
OPTION_MAX = 150  # characters of an option (a Slack button's text is at most 75 shown; kept in the text)
PROMPT_MAX = 500
EXPLAIN_MAX = 600
LINKS_MAX = 5
URL_MAX = 500
LANGUAGES = ("en", "zh")
SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,79}")
URL = re.compile(r"https?://[^\s<>|]+")
TOP_KEYS = {"title", "category", "language", "pass_mark", "slug", "lessons"}
LESSON_KEYS = {"text", "links", "image", "question"}
QUESTION_KEYS = {"prompt", "options", "answer", "explain"}


@dataclass(frozen=True)
class Question:
    prompt: str
    options: tuple[str, ...]
    answer: int
    explain: str


@dataclass(frozen=True)
class LessonSpec:
    text: str
    links: tuple[str, ...] = ()
    image: str | None = None
    question: Question | None = None


@dataclass(frozen=True)
class CourseSpec:
    slug: str
    title: str
    category: Category
    language: str
    pass_mark: int | None
    lessons: tuple[LessonSpec, ...]

    def content_hash(self) -> str:
        """What a re-import compares: the same hash is the same course, nothing written."""
        canonical = json.dumps(asdict(self), sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Parsed:
    course: CourseSpec | None
    errors: tuple[LineError, ...]


class _Checker:
    """Collects every problem with its line while reading the node tree."""

    def __init__(self) -> None:
        self.errors: list[LineError] = []

    def fail(self, node: Node | None, code: str, /, **values: Any) -> None:
        self.errors.append(LineError(node.start_mark.line + 1 if node is not None else 1, code, values))

    def mapping(self, node: Node, allowed: set[str], what: str) -> dict[str, tuple[Node, Node]]:
        if not isinstance(node, MappingNode):
            self.fail(node, "training.file.not_mapping", what=what)
            return {}
        found: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            name = str(key_node.value) if isinstance(key_node, ScalarNode) else ""
            if name not in allowed:
                self.fail(
                    key_node, "training.file.unknown_key", field=name[:40], allowed=", ".join(sorted(allowed))
                )
            elif name in found:
                self.fail(key_node, "training.file.duplicate_key", field=name)
            else:
                found[name] = (key_node, value_node)
        return found

    def text(
        self, entry: tuple[Node, Node] | None, name: str, limit: int, *, at: Node, **values: Any
    ) -> str | None:
        """A required string of at most `limit` characters."""
        if entry is None:
            self.fail(at, "training.file.missing", field=name, **values)
            return None
        node = entry[1]
        if not isinstance(node, ScalarNode) or node.tag.endswith(":null") or not str(node.value).strip():
            self.fail(node, "training.file.not_text", field=name, **values)
            return None
        value = str(node.value).strip()
        if len(value) > limit:
            self.fail(node, "training.file.too_long", field=name, max=limit, length=len(value), **values)
            return None
        return value

    def integer(self, node: Node, name: str, low: int, high: int, **values: Any) -> int | None:
        raw = str(node.value) if isinstance(node, ScalarNode) else ""
        if not re.fullmatch(r"-?[0-9]{1,6}", raw) or not low <= int(raw) <= high:
            self.fail(node, "training.file.not_integer", field=name, low=low, high=high, **values)
            return None
        return int(raw)

    def strings(self, node: Node, name: str, limit: int, **values: Any) -> list[str] | None:
        if not isinstance(node, SequenceNode):
            self.fail(node, "training.file.not_list", field=name, **values)
            return None
        found = [self.text((node, item), name, limit, at=item, **values) for item in node.value]
        return None if any(item is None for item in found) else [str(item) for item in found]


def read(name: str, data: bytes) -> Parsed:
    """The course in `data` (a file called `name`), or every problem with its line."""
    checker = _Checker()
    if len(data) > FILE_MAX:
        checker.fail(None, "training.file.too_big", max=FILE_MAX // 1024)
        return Parsed(None, tuple(checker.errors))
    try:
        text = data.decode("utf-8-sig")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError:
        return Parsed(None, (LineError(1, "training.file.not_utf8"),))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        return Parsed(None, (LineError(line, "training.file.not_yaml", {"problem": _problem(error)}),))
    if root is None:
        return Parsed(None, (LineError(1, "training.file.empty"),))
    course = _course(checker, root, name)
    errors = tuple(sorted(checker.errors, key=lambda e: e.line))
    return Parsed(None if errors else course, errors)


def _problem(error: yaml.YAMLError) -> str:
    return str(getattr(error, "problem", None) or "syntax")[:120]


def _course(checker: _Checker, root: Node, name: str) -> CourseSpec | None:
    top = checker.mapping(root, TOP_KEYS, "course")
    if not top and not isinstance(root, MappingNode):
        return None
    title = checker.text(top.get("title"), "title", TITLE_MAX, at=root)
    category, language = (
        _choice(checker, top, root, "category", [c.value for c in Category]),
        _choice(checker, top, root, "language", list(LANGUAGES)),
    )
    pass_mark = checker.integer(top["pass_mark"][1], "pass_mark", 0, 100) if "pass_mark" in top else None
    slug = _slug(checker, top, name)
    lessons = _lessons(checker, top, root)
    if title is None or category is None or language is None or slug is None or lessons is None:
        return None
    return CourseSpec(slug, title, Category(category), language, pass_mark, tuple(lessons))


def _choice(
    checker: _Checker, top: dict[str, tuple[Node, Node]], root: Node, key: str, allowed: list[str]
) -> str | None:
    value = checker.text(top.get(key), key, 40, at=root)
    if value is not None and value not in allowed:
        checker.fail(
            top[key][1], "training.file.not_one_of", field=key, value=value, allowed=", ".join(allowed)
        )
        return None
    return value


def _slug(checker: _Checker, top: dict[str, tuple[Node, Node]], name: str) -> str | None:
    if "slug" in top:
        raw = str(top["slug"][1].value) if isinstance(top["slug"][1], ScalarNode) else ""
        if not SLUG.fullmatch(raw):
            checker.fail(top["slug"][1], "training.file.bad_slug")
            return None
        return raw
    stem = name.rsplit("/", 1)[-1].lower()
    for suffix in (".yaml", ".yml", ".en", ".zh"):
        stem = stem.removesuffix(suffix)
    slug = re.sub(r"[^a-z0-9]+", "-", stem).strip("-")[:80]
    if not slug:
        checker.fail(None, "training.file.bad_slug")
        return None
    return slug


def _lessons(checker: _Checker, top: dict[str, tuple[Node, Node]], root: Node) -> list[LessonSpec] | None:
    entry = top.get("lessons")
    if entry is None:
        checker.fail(root, "training.file.missing", field="lessons")
        return None
    node = entry[1]
    if not isinstance(node, SequenceNode) or not node.value:
        checker.fail(node, "training.file.no_lessons")
        return None
    if len(node.value) > LESSONS_MAX:
        checker.fail(node, "training.file.too_many_lessons", max=LESSONS_MAX)
        return None
    found = [_lesson(checker, item, n) for n, item in enumerate(node.value, start=1)]
    return None if any(lesson is None for lesson in found) else [lesson for lesson in found if lesson]


def _lesson(checker: _Checker, node: Node, number: int) -> LessonSpec | None:
    keys = checker.mapping(node, LESSON_KEYS, f"lesson {number}")
    if not keys:
        return None
    text = checker.text(keys.get("text"), "text", LESSON_TEXT_MAX, at=node, lesson=number)
    links = checker.strings(keys["links"][1], "links", URL_MAX, lesson=number) if "links" in keys else []
    if links is not None and (len(links) > LINKS_MAX or not all(URL.fullmatch(link) for link in links)):
        checker.fail(keys["links"][1], "training.file.bad_links", lesson=number, max=LINKS_MAX)
        links = None
    image = (
        checker.text(keys.get("image"), "image", URL_MAX, at=node, lesson=number) if "image" in keys else ""
    )
    if image and not URL.fullmatch(image):
        checker.fail(keys["image"][1], "training.file.bad_url", field="image", lesson=number)
        image = None
    question = _question(checker, keys["question"][1], number) if "question" in keys else None
    if "question" in keys and question is None:
        return None
    if text is None or links is None or image is None:
        return None
    return LessonSpec(text, tuple(links), image or None, question)


def _question(checker: _Checker, node: Node, number: int) -> Question | None:
    keys = checker.mapping(node, QUESTION_KEYS, f"lesson {number}")
    if not keys:
        return None
    prompt = checker.text(keys.get("prompt"), "prompt", PROMPT_MAX, at=node, lesson=number)
    options = (
        checker.strings(keys["options"][1], "options", OPTION_MAX, lesson=number)
        if "options" in keys
        else None
    )
    if "options" not in keys:
        checker.fail(node, "training.file.missing", field="options", lesson=number)
    elif options is not None and not OPTIONS[0] <= len(options) <= OPTIONS[1]:
        checker.fail(
            keys["options"][1], "training.file.option_count", lesson=number, low=OPTIONS[0], high=OPTIONS[1]
        )
        options = None
    answer = _answer(checker, keys, node, number, len(options) if options else OPTIONS[1])
    explain = (
        checker.text(keys.get("explain"), "explain", EXPLAIN_MAX, at=node, lesson=number)
        if "explain" in keys
        else ""
    )
    if prompt is None or options is None or answer is None or explain is None:
        return None
    return Question(prompt, tuple(options), answer, explain)


def _answer(
    checker: _Checker, keys: dict[str, tuple[Node, Node]], at: Node, number: int, count: int
) -> int | None:
    """Exactly one correct option: its index, from 0."""
    if "answer" not in keys:
        checker.fail(at, "training.file.no_answer", lesson=number)
        return None
    node = keys["answer"][1]
    if isinstance(node, SequenceNode):
        checker.fail(node, "training.file.one_answer", lesson=number)
        return None
    return checker.integer(node, "answer", 0, count - 1, lesson=number)


def describe(error: LineError, locale: Locale) -> str:
    """One problem as a person reads it: "Line 12: Lesson 3: “text” is 1,300 characters long; …"."""
    values = dict(error.values)
    lesson = values.pop("lesson", None)
    for name in ("length", "max"):
        if isinstance(values.get(name), int):
            values[name] = count(values[name], locale)
    problem = t(error.key, locale, **values)
    if lesson is not None:
        problem = t("training.file.in_lesson", locale, lesson=lesson, problem=problem)
    return t("training.file.line", locale, line=error.line, problem=problem)
