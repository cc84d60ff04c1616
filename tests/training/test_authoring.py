"""Course files: every problem listed with its line and nothing loaded; the lesson named; exactly one
correct option; the shipped samples read clean."""

from __future__ import annotations

import pytest

from bot.training.authoring import describe, read
from bot.training.cli import SHIPPED

GOOD = """\
title: Objections
category: sales_skills
language: en
pass_mark: 50
lessons:
  - text: Listen first.
    links: [https://example.com/a]
  - text: Then answer.
    question:
      prompt: What first?
      options: [Listen, Talk]
      answer: 0
      explain: Listening shows respect.
"""


def problems(text: str, name: str = "objections.en.yaml") -> list[str]:
    return [describe(error, "en") for error in read(name, text.encode()).errors]


def test_a_good_file_reads_with_its_slug_from_the_name() -> None:
    parsed = read("objections.en.yaml", GOOD.encode())
    assert parsed.errors == () and parsed.course is not None
    course = parsed.course
    assert (course.slug, course.language, course.pass_mark, len(course.lessons)) == (
        "objections",
        "en",
        50,
        2,
    )
    assert course.lessons[1].question is not None and course.lessons[1].question.answer == 0
    assert (
        course.content_hash()
        == read("x.yaml", GOOD.replace("title:", "slug: objections\ntitle:").encode()).course.content_hash()
    )  # type: ignore[union-attr]


def test_every_problem_is_listed_with_its_line() -> None:
    bad = (
        GOOD.replace("sales_skills", "cooking")
        .replace("language: en", "language: fr")
        .replace("answer: 0", "answer: [0, 1]")
        + "  - text: "
        + "x" * 1201
        + "\n  - question: {prompt: Q, options: [a, b]}\n"
    )
    assert problems(bad) == [
        "Line 2: “cooking” is not a category; use one of product, sales_skills, market, compliance, other.",
        "Line 3: “fr” is not a language; use one of en, zh.",
        "Line 12: Lesson 2: A question has exactly one correct option: give “answer” one index.",
        "Line 14: Lesson 3: “text” is 1,201 characters long; at most 1,200.",
        "Line 15: Lesson 4: “text” is missing.",
        "Line 15: Lesson 4: The question has no correct option: add “answer” with the index of the right"
        " option (from 0).",
    ]
    assert read("objections.en.yaml", bad.encode()).course is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: [unclosed\n", "Line 2: This is not valid YAML"),
        ("", "Line 1: The file is empty."),
        ("- a\n- b\n", "Line 1: The course should be a set"),
        (
            GOOD.replace("answer: 0", "answer: 2"),
            "Line 12: Lesson 2: “answer” should be a whole number from 0 to 1.",
        ),
        (GOOD.replace("[Listen, Talk]", "[Listen]"), "Line 11: Lesson 2: A question has 2 to 6 options."),
        (
            GOOD.replace("https://example.com/a", "javascript:x"),
            "Line 7: Lesson 1: “links” should be at most 5",
        ),
        (GOOD + "colour: red\n", "Line 14: “colour” is not a course field"),
        (
            GOOD.replace("pass_mark: 50", "pass_mark: 150"),
            "Line 4: “pass_mark” should be a whole number from 0 to 100.",
        ),
    ],
)
def test_each_kind_of_problem(text: str, expected: str) -> None:
    found = problems(text)
    assert found and found[0].startswith(expected), found


def test_not_utf8_and_too_big() -> None:
    assert [e.key for e in read("a.yaml", b"\xff\xfe\x00bad").errors] == ["training.file.not_utf8"]
    assert [e.key for e in read("a.yaml", b"#" * 300_000).errors] == ["training.file.too_big"]


def test_the_shipped_samples_are_clean_and_paired() -> None:
    found = {}
    for path in sorted(SHIPPED.glob("*.yaml")):
        parsed = read(path.name, path.read_bytes())
        assert parsed.errors == (), path.name
        assert parsed.course is not None
        found[(parsed.course.slug, parsed.course.language)] = len(parsed.course.lessons)
    assert found == {
        ("discovery-calls", "en"): 6,
        ("discovery-calls", "zh"): 6,
        ("product-basics", "en"): 6,
        ("product-basics", "zh"): 6,
    }
