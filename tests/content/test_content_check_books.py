"""`flask content check` with books: the figure "online 学时 a learner earns who reads everything on
the year's lists" counts every published chapter of a listed book once, by the year's length
bands and category caps, and the check fails below the year's minimum."""

from __future__ import annotations

import pytest

from learnapp.materials.cli import content_cli
from learnapp.materials.content_check import check
from tests.helpers.books import write, write_book

ARTICLE = """---
title: 预备期
source: 《中国共产党章程》第一章第七条
estimated_minutes: 10
knowledge_points: [预备期]
---
正文
"""


@pytest.fixture
def root(tmp_path):
    write(tmp_path, "materials/yubeiqi.md", ARTICLE)
    write_book(tmp_path)  # chapters of 30, 15 and 10 minutes: 1 + 0.5 + 0.25
    return tmp_path


def lists(root, *items: str, year: int = 2026) -> None:
    write(root, f"reading-lists/list-{year}.yaml", f"year: {year}\ntitle: 必读\nitems:\n" + "".join(f"  - {i}\n" for i in items))


def messages(report, root) -> list[str]:
    return [str(f).replace(f"{root.name}/", "") for f in report.findings]


def test_a_listed_book_counts_each_of_its_chapters_once(app, root):
    lists(root, "material: yubeiqi", "book: xiaoduben", "material: xiaoduben-02")
    report = check(root)
    assert messages(report, root) == []
    assert report.reading_credit[2026] == (4, 200)  # 0.25 + 1 + 0.5 + 0.25; chapter 2 once
    assert report.reading_books[2026] == (3, 1)


def test_a_draft_book_or_chapter_earns_nothing(app, tmp_path):
    write_book(tmp_path, status="draft")
    lists(tmp_path, "book: xiaoduben")
    assert check(tmp_path).reading_credit[2026] == (0, 0)


def test_the_rules_category_caps_apply(app, root):
    write(root, "credit-rules/2026.yaml", """year: 2026
requirement: {default: 50}
conversion:
  online_reading: {per_item: [{min_minutes: 30, credit: 1}, {min_minutes: 15, credit: 0.5}, {min_minutes: 0, credit: 0.25}]}
caps:
  per_category: {online_reading: 1.5}
""")
    lists(root, "material: yubeiqi", "book: xiaoduben")
    assert check(root).reading_credit[2026] == (4, 150)


def test_below_the_years_minimum_the_check_fails(app, root):
    lists(root, "book: xiaoduben")
    write(root, "content-check.yaml", "reading_minimum:\n  2026: 2\n")
    report = check(root)
    assert report.reading_minimum == {2026: 200}
    assert messages(report, root) == ["content-check.yaml: reading everything on the 2026 lists earns 1.75 online 学时, "
                                      "below the minimum of 2.00"]
    write(root, "content-check.yaml", "reading_minimum:\n  2026: 1.75\n")
    assert messages(check(root), root) == []


def test_a_minimum_for_a_year_without_lists_fails(app, root):
    write(root, "content-check.yaml", "reading_minimum: {2027: 15}\n")
    assert any("2027 lists earns 0.00" in m for m in messages(check(root), root))


def test_a_bad_minimum_file_is_named(app, root):
    write(root, "content-check.yaml", "reading_minimum: fifteen\n")
    assert any(m.startswith("content-check.yaml: reading_minimum") for m in messages(check(root), root))


def test_a_book_item_naming_no_book_is_named(app, root):
    lists(root, "book: nope")
    assert any("names a book that does not exist: nope" in m for m in messages(check(root), root))


def test_a_chapter_must_cite_its_source(app, root):
    write(root / "books/xiaoduben", "05-wu.md", "---\ntitle: 无出处\nsource: 网上\n---\n正文\n")
    assert any(m.startswith("books/xiaoduben/05-wu.md") and "cites no document" in m for m in messages(check(root), root))


def test_the_command_prints_the_figure(app, root):
    lists(root, "material: yubeiqi", "book: xiaoduben")
    result = app.test_cli_runner().invoke(content_cli, ["check", "--path", str(root)])
    assert result.exit_code == 0, result.output
    assert ("2026: online 学时 a learner earns who reads everything on the 2026 lists: 2.00 "
            "(4 timed materials, 3 of them chapters of 1 book(s)).") in result.output
