"""`flask content check`: is the committee's content fit to be put before a Party committee?

Reads the files under content/ (materials, reading lists, question banks, credit rules) without
touching the database and reports every problem by file and line:

- every material and every question cites its source document (learnapp.citations);
- every knowledge point of a question is taught by at least one published material, so the
  wrong-answer notebook always has something to recommend;
- the true/false questions of a bank are neither mostly true nor mostly false (35–65 % "正确"):
  otherwise guessing "正确" passes the test;
- the right option of the single-choice questions of a bank is not mostly in one position;
- no question appears twice (the same question written differently, or the same stem twice).

It also states what the reading lists of each year are worth: the online 学时 a learner earns by
reading every timed material on them once (every published chapter of a listed book, a chapter
listed also alone counted once), by that year's credit rules: each item's length band, then the
rules' cap of each category (online reading, online video). Below the year's minimum in
`content-check.yaml` (`reading_minimum: {2026: 15}`) the check fails.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from learnapp.bank import formats
from learnapp.bank.models import QuestionKind
from learnapp.bank.normalise import fingerprint, normalise_stem
from learnapp.citations import split_source
from learnapp.ledger.models import Category
from learnapp.ledger.rules import YearRules, default_rules, parse_rules
from learnapp.materials import content, content_books
from learnapp.materials.models import MaterialKind, MaterialStatus
from learnapp.rules_yaml import RulesError

BANK_SUFFIXES = (".gift", ".txt", ".xml", ".xlsx")
MAX_BANK_BYTES = 5 * 1024 * 1024
TRUE_SHARE = (0.35, 0.65)
MAX_POSITION_SHARE = 0.5
# Below these counts a bank is too small for a share to mean anything (with one true/false
# question, it is either true or false).
MIN_TRUEFALSE = 2
MIN_SINGLE = 4


@dataclass
class Finding:
    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}" if self.line else f"{self.path}: {self.message}"


@dataclass
class CheckReport:
    findings: list[Finding] = field(default_factory=list)
    materials: int = 0
    questions: int = 0
    # year → (timed materials on the year's lists, hundredths of a 学时 earned by reading them all)
    reading_credit: dict[int, tuple[int, int]] = field(default_factory=dict)
    # year → (chapters counted, books they belong to) among those timed materials
    reading_books: dict[int, tuple[int, int]] = field(default_factory=dict)
    # year → the minimum the content asks of the year's lists (hundredths), from content-check.yaml
    reading_minimum: dict[int, int] = field(default_factory=dict)

    def add(self, path: str, line: int | None, message: str) -> None:
        self.findings.append(Finding(path, line, message))


@dataclass
class _Question:
    path: str
    line: int
    kind: QuestionKind
    stem: str
    options: list
    answer: object
    source: str | None
    points: list[str]


def check(root: Path | str | None = None) -> CheckReport:
    root = Path(root) if root else content.default_root()
    report = CheckReport()
    materials, books = _materials(root, report)
    questions = _questions(root, report)
    report.materials, report.questions = len(materials), len(questions)
    taught = {point for m in materials if MaterialStatus(m.data.status) is MaterialStatus.published
              for point in m.data.knowledge_points}
    for q in questions:
        if not split_source(q.source).citation:
            report.add(q.path, q.line, f"the question cites no document (source: {q.source or '—'})")
        for point in q.points:
            if point not in taught:
                report.add(q.path, q.line, f"no published material teaches the knowledge point {point}")
    _check_shares(questions, report)
    _check_duplicates(questions, report)
    _reading_credit(root, {m.slug: m for m in materials}, books, report)
    return report


def _materials(root: Path, report: CheckReport) -> tuple[list[content.MaterialFile], list[content_books.BookFolder]]:
    """Every material file: the materials folder's, and each book's book.md and chapters (a chapter
    of a draft book is not published)."""
    problems: list[content.Problem] = []
    found = [content.parse_material(p, root, problems) for p in sorted((root / "materials").glob("*.md"))
             if p.name.lower() != "readme.md"]
    books = content_books.parse_books(root, problems)
    for book in books:
        if MaterialStatus(book.file.data.status) is not MaterialStatus.published:
            for chapter in book.chapters:
                chapter.file.data.status = MaterialStatus.draft
    for problem in problems:
        report.add(problem.path, None, f"{problem.field}: {problem.message}" if problem.field else problem.message)
    materials = [m for m in found if m is not None] + content_books.files_of(books)
    for m in materials:
        if not split_source(m.data.source).citation:
            report.add(m.path, None, f"the material cites no document (source: {m.data.source or '—'})")
    return materials, books


def _questions(root: Path, report: CheckReport) -> list[_Question]:
    questions = []
    for path in sorted((root / "question-banks").glob("*")):
        if path.suffix.lower() not in BANK_SUFFIXES or not path.is_file():
            continue
        rel = content.relative_path(path, root)
        if path.stat().st_size > MAX_BANK_BYTES:
            report.add(rel, None, f"larger than {MAX_BANK_BYTES // (1024 * 1024)} MB: not read")
            continue
        data = path.read_bytes()
        fmt = formats.detect(path.name, data)
        if fmt is None:
            report.add(rel, None, "not a question bank format learnapp reads")
            continue
        try:
            parsed = formats.parse(data, fmt)
        except formats.FormatError as exc:
            report.add(rel, None, str(exc))
            continue
        for line, message in parsed.errors:
            report.add(rel, line, message)
        for q in parsed.questions:
            questions.append(_Question(rel, q.line, QuestionKind(q.kind), q.stem, q.options, q.answer, q.source,
                                       list(q.knowledge_points)))
    return questions


def _check_shares(questions: list[_Question], report: CheckReport) -> None:
    by_bank: dict[str, list[_Question]] = defaultdict(list)
    for q in questions:
        by_bank[q.path].append(q)
    for path, bank in by_bank.items():
        truths = [bool(q.answer) for q in bank if q.kind is QuestionKind.truefalse]
        if len(truths) >= MIN_TRUEFALSE:
            share = sum(truths) / len(truths)
            if not TRUE_SHARE[0] <= share <= TRUE_SHARE[1]:
                report.add(path, None, f"{sum(truths)} of {len(truths)} true/false questions are true ({share:.0%}); "
                                       f"keep between {TRUE_SHARE[0]:.0%} and {TRUE_SHARE[1]:.0%}")
        positions = Counter(_right_position(q) for q in bank if q.kind is QuestionKind.single)
        total = sum(positions.values())
        if total >= MIN_SINGLE:
            position, count = positions.most_common(1)[0]
            if count / total > MAX_POSITION_SHARE:
                report.add(path, None, f"the right option is option {position + 1} in {count} of {total} single-choice "
                                       f"questions; spread it over the positions")


def _right_position(q: _Question) -> int:
    return next((i for i, option in enumerate(q.options) if int(option.get("fraction", 0)) > 0), 0)


def _check_duplicates(questions: list[_Question], report: CheckReport) -> None:
    first_of: dict[object, _Question] = {}
    for q in questions:
        for key in (fingerprint(q.kind, q.stem, q.options, q.answer), (str(q.kind), normalise_stem(q.stem))):
            earlier = first_of.setdefault(key, q)
            if earlier is not q:
                report.add(q.path, q.line, f"the same question as {earlier.path}:{earlier.line}")
                break


def _rules(root: Path, year: int, report: CheckReport) -> YearRules:
    path = root / "credit-rules" / f"{year}.yaml"
    if not path.is_file():
        return default_rules(year)
    try:
        return parse_rules(path.read_text(encoding="utf-8"), expected_year=year, source=path.name)
    except RulesError as exc:
        report.add(content.relative_path(path, root), None, f"the credit rules cannot be read ({exc}); default rules used")
        return default_rules(year)


def _minimums(root: Path, report: CheckReport) -> dict[int, int]:
    """content-check.yaml's `reading_minimum`: year → online 学时 the year's lists must be worth."""
    path = root / "content-check.yaml"
    if not path.is_file():
        return {}
    rel = content.relative_path(path, root)
    try:
        meta = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        report.add(rel, None, f"cannot be read ({exc.__class__.__name__})")
        return {}
    minimums = meta.get("reading_minimum") if isinstance(meta, dict) else None
    if not isinstance(minimums, dict) or not all(isinstance(y, int) and isinstance(v, (int, float)) and v >= 0
                                                 for y, v in minimums.items()):
        report.add(rel, None, "reading_minimum: give the online 学时 per year, e.g. {2026: 15}")
        return {}
    return {year: round(value * 100) for year, value in minimums.items()}


def _reading_credit(root: Path, materials: dict[str, content.MaterialFile], books: list[content_books.BookFolder],
                    report: CheckReport) -> None:
    problems: list[content.Problem] = []
    by_slug = {book.slug: book for book in books}
    chapter_of = {c.file.slug: book.slug for book in books for c in book.chapters}
    on_lists: dict[int, set[str]] = defaultdict(set)
    for path in sorted([*(root / "reading-lists").glob("*.yaml"), *(root / "reading-lists").glob("*.yml")]):
        found = content.parse_list(path, root, problems)
        if found is None:
            continue
        for item in found.items:
            if item.book:
                if item.slug not in by_slug:
                    report.add(found.path, None, f"the list names a book that does not exist: {item.slug}")
                    continue
                on_lists[found.data.year].update(c.file.slug for c in by_slug[item.slug].chapters
                                                 if MaterialStatus(c.file.data.status) is MaterialStatus.published)
            elif item.slug not in materials or item.slug in by_slug:
                report.add(found.path, None, f"the list names a material that does not exist: {item.slug}")
            else:
                on_lists[found.data.year].add(item.slug)
    for problem in problems:
        report.add(problem.path, None, f"{problem.field}: {problem.message}" if problem.field else problem.message)
    minimums = _minimums(root, report)
    for year in sorted(set(on_lists) | set(minimums)):
        rules = _rules(root, year, report)
        timed = [materials[s] for s in sorted(on_lists.get(year, ())) if MaterialKind(materials[s].data.kind).is_timed]
        report.reading_credit[year] = (len(timed), year_credit([m.data for m in timed], rules))
        chapters = [m.slug for m in timed if m.slug in chapter_of]
        report.reading_books[year] = (len(chapters), len({chapter_of[s] for s in chapters}))
        if year in minimums:
            report.reading_minimum[year] = minimums[year]
            if report.reading_credit[year][1] < minimums[year]:
                report.add("content-check.yaml", None,
                           f"reading everything on the {year} lists earns {report.reading_credit[year][1] / 100:.2f} "
                           f"online 学时, below the minimum of {minimums[year] / 100:.2f}")


def year_credit(items, rules: YearRules) -> int:
    """What reading every item once earns in the year: each item's length band, then each
    category's cap of the rules (hundredths)."""
    by_category: dict[str, int] = defaultdict(int)
    for m in items:
        by_category[_category(m.kind)] += rules.item_credit(m.estimated_minutes, _category(m.kind))
    total = 0
    for category, credit in by_category.items():
        cap = rules.category_caps.get(Category(category))
        total += min(credit, cap) if cap is not None else credit
    return total


def _category(kind) -> str:
    return "online_video" if MaterialKind(kind).is_media else "online_reading"
