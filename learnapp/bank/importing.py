"""Importing a question file: plan (preview, no writes) and an all-or-nothing write with a report.

The same two steps serve the web page (upload → preview → confirm) and the CLI. A plan lists every
question with its line, the category it will land in, problems and duplicate flags; the file is
imported only when neither the parser nor the checks found an error.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from flask_babel import gettext as _
from sqlalchemy import select

from learnapp import audit
from learnapp.bank import services
from learnapp.bank.formats import ParsedQuestion, ParseResult, Skipped
from learnapp.bank.formats.base import check_question
from learnapp.bank.models import Question, QuestionCategory, QuestionKind, QuestionVersion
from learnapp.db import db
from learnapp.errors import DomainError

DUPLICATES_SKIP = "skip"
DUPLICATES_IMPORT = "import"


@dataclass
class PlannedQuestion:
    question: ParsedQuestion
    category_path: list[str]
    problems: list[str] = field(default_factory=list)
    duplicate_of_question: int | None = None  # id of the question already in the bank
    duplicate_of_line: int | None = None      # earlier line of the same file

    @property
    def is_duplicate(self) -> bool:
        return self.duplicate_of_question is not None or self.duplicate_of_line is not None


@dataclass
class ImportPlan:
    items: list[PlannedQuestion]
    skipped: list[Skipped]
    errors: list[tuple[int, str]]  # parser errors and per-question problems, by line

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def duplicates(self) -> list[PlannedQuestion]:
        return [i for i in self.items if i.is_duplicate]

    def counts(self) -> Counter:
        return Counter(QuestionKind(i.question.kind) for i in self.items)


@dataclass
class ImportReport:
    created: list[tuple[int, int, QuestionKind]] = field(default_factory=list)  # (line, question id, kind)
    skipped: list[Skipped] = field(default_factory=list)
    duplicates_skipped: list[PlannedQuestion] = field(default_factory=list)
    duplicates_imported: list[PlannedQuestion] = field(default_factory=list)
    warnings: list[tuple[int, str]] = field(default_factory=list)

    def counts(self) -> dict[QuestionKind, int]:
        counter = Counter(kind for _line, _id, kind in self.created)
        return {kind: counter.get(kind, 0) for kind in QuestionKind}


class ImportFailed(DomainError):
    """The file has errors; nothing was imported. `errors` holds (line, message)."""

    def __init__(self, errors: list[tuple[int, str]]):
        self.errors = sorted(errors)
        super().__init__([(None, _("Line %(line)d: %(message)s", line=line, message=message)) for line, message in self.errors])


def _existing(fingerprints: set[str]) -> dict[str, int]:
    if not fingerprints:
        return {}
    rows = db.session.execute(
        select(QuestionVersion.fingerprint, Question.id)
        .join(Question, Question.current_version_id == QuestionVersion.id)
        .where(QuestionVersion.fingerprint.in_(fingerprints))
    ).all()
    return {fp: qid for fp, qid in rows}


def plan(result: ParseResult, base: QuestionCategory | None = None) -> ImportPlan:
    """Check every parsed question and flag duplicates; writes nothing."""
    base_names = services.path_names(base) if base is not None else []
    items, errors = [], list(result.errors)
    for pq in result.questions:
        services.clean(pq)
        item = PlannedQuestion(pq, base_names + list(pq.category))
        item.problems = [message for _field, message in check_question(pq)]
        errors += [(pq.line, message) for message in item.problems]
        items.append(item)
    existing = _existing({i.question.fingerprint for i in items if not i.problems})
    seen: dict[str, int] = {}
    for item in items:
        if item.problems:
            continue
        fp = item.question.fingerprint
        if fp in existing:
            item.duplicate_of_question = existing[fp]
        elif fp in seen:
            item.duplicate_of_line = seen[fp]
        seen.setdefault(fp, item.question.line)
    return ImportPlan(items, list(result.skipped), sorted(errors))


def run(actor, result: ParseResult, base: QuestionCategory | None = None, *, branch=None,
        duplicates: str = DUPLICATES_SKIP, filename: str = "", fmt: str = "") -> ImportReport:
    """Import all questions of `result` below `base` (or at the root of `branch`'s bank), or none.

    Raises ImportFailed (a DomainError) listing every error by line when anything is wrong.
    """
    if base is not None:
        branch = base.branch
    the_plan = plan(result, base)
    if not the_plan.ok:
        raise ImportFailed(the_plan.errors)
    report = ImportReport(skipped=list(the_plan.skipped))
    categories: dict[tuple[str, ...], QuestionCategory] = {}
    for item in the_plan.items:
        pq = item.question
        report.warnings += [(pq.line, w) for w in pq.warnings]
        if item.is_duplicate and duplicates == DUPLICATES_SKIP:
            report.duplicates_skipped.append(item)
            continue
        if item.is_duplicate:
            report.duplicates_imported.append(item)
        key = tuple(pq.category)
        if key not in categories:
            categories[key] = services.ensure_path(actor, list(pq.category), base, branch=branch)
        question = services.add_question(actor, categories[key], pq, note=_("Imported from %(file)s", file=filename or fmt))
        report.created.append((pq.line, question.id, QuestionKind(pq.kind)))
    audit.record(actor, "bank.import", base if base is not None else ("questions", None), branch=branch, summary=filename or fmt,
                 after={"format": fmt, "file": filename, "created": {str(k): v for k, v in report.counts().items() if v},
                        "question_ids": [qid for _l, qid, _k in report.created],
                        "skipped": [f"{s.line}:{s.kind_name}" for s in report.skipped],
                        "duplicates_skipped": [i.question.line for i in report.duplicates_skipped]})
    db.session.flush()
    return report
