"""Shared helpers of the books tests: a small book kept as files (a content folder in a temporary
directory) and a book made through the services."""

from __future__ import annotations

from pathlib import Path

from learnapp.db import db
from learnapp.materials import book_services, services
from learnapp.materials.models import Material, MaterialStatus
from learnapp.security import SYSTEM

BOOK_MD = """---
title: 党章小读本
summary: 三章读懂党章的基本内容。
source: 党章
tags: [党章学习]
status: {status}
---
## 前言

本书供测试使用。
"""

CHAPTER_MD = """---
title: {title}
summary: {title}的摘要
source: 《中国共产党章程》第一章
estimated_minutes: {minutes}
knowledge_points: [{point}]
---
## {title}

第{n}章正文。
"""

CHAPTERS = [("01-xingzhi.md", "党的性质", 30, "党的性质"), ("02-quanli.md", "党员的权利", 15, "党员的权利"),
            ("04-yiwu.md", "党员的义务", 10, "党员的义务")]


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_book(root: Path, slug: str = "xiaoduben", *, status: str = "published", chapters=None) -> Path:
    """The fixture book under root/books/<slug>/: book.md and three chapters at places 1, 2 and 4
    (30, 15 and 10 minutes: 1, 0.5 and 0.25 学时 by the default bands). Returns the folder."""
    folder = root / "books" / slug
    write(folder, "book.md", BOOK_MD.format(status=status))
    for n, (name, title, minutes, point) in enumerate(chapters or CHAPTERS, start=1):
        write(folder, name, CHAPTER_MD.format(title=title, minutes=minutes, point=point, n=n))
    return folder


def make_book(slug: str = "book", *, chapters: int = 3, minutes: int = 30, status=MaterialStatus.published,
              chapter_status=MaterialStatus.published) -> tuple[Material, list[Material]]:
    """A book with chapters 1…n made through the services (flushed, not committed)."""
    book = book_services.create_book(SYSTEM, slug, services.MaterialData(
        title=f"书 {slug}", summary="摘要", body="前言正文", source="党章", status=status))
    made = []
    for n in range(1, chapters + 1):
        made.append(book_services.add_chapter(SYSTEM, book, f"{slug}-{n:02d}", services.MaterialData(
            title=f"第{n}章", body=f"第{n}章正文", source="党章", estimated_minutes=minutes, status=chapter_status)))
    db.session.flush()
    return book, made


def read_for(person, material, seconds: int):
    """`person` reads `material` for `seconds` ending now, through the real heartbeat (the demo's
    sittings: open, beat, close), so reading sessions, progress and ledger lines come from it. The
    first beat only starts the count, so the sitting lasts one beat longer than `seconds`."""
    from datetime import timedelta

    from learnapp import clock
    from learnapp.materials import demo_reading, reading

    sitting = seconds + reading.timing().most_per_beat
    return demo_reading.sit_on(person, material.id, clock.now() - timedelta(seconds=sitting), sitting)
