"""Importing (all or nothing, duplicates, report), export round trips, and the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask_babel import force_locale
from sqlalchemy import func, select

from learnapp.audit.models import AuditEntry
from learnapp.bank import formats, importing, queries, services
from learnapp.bank.cli import find_path
from learnapp.bank.models import Question, QuestionCategory, QuestionKind, QuestionVersion
from learnapp.security import SYSTEM

FILES = Path(__file__).parent / "files"
CONTENT = Path(__file__).parents[2] / "content" / "question-banks"


@pytest.fixture(autouse=True)
def english(app):
    with force_locale("en"):
        yield


def count(db, model=Question) -> int:
    return db.session.scalar(select(func.count(model.id)))


def comparable(questions):
    """What must survive a round trip: everything but the line numbers and parse warnings."""
    return sorted((tuple(q.category), q.fingerprint, repr(q.content())) for q in questions)


def test_import_gift_creates_categories_and_reports(org, db):
    result = formats.parse((FILES / "mixed.gift").read_bytes(), "gift")
    report = importing.run(org.committee_admin, result, filename="mixed.gift", fmt="gift")
    db.session.commit()
    counts = report.counts()
    assert counts == {QuestionKind.single: 1, QuestionKind.multiple: 1, QuestionKind.truefalse: 2,
                      QuestionKind.fill_blank: 2, QuestionKind.essay: 1}
    assert [(s.line, s.kind_name) for s in report.skipped] == [(22, "matching"), (24, "numerical")]
    assert find_path("党章/总纲") is not None
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "bank.import")).one()
    assert len(entry.details["after"]["question_ids"]) == 7
    version = db.session.scalars(select(QuestionVersion).where(QuestionVersion.title == "Q1")).one()
    assert version.change_note.startswith("Imported") and version.source == "党章"


def test_import_below_base_category(org, db):
    base = services.create_category(org.committee_admin, "导入")
    importing.run(org.committee_admin, formats.parse((FILES / "sample.xml").read_bytes(), "moodle-xml"), base)
    leaf = find_path("导入/党史/新民主主义革命时期")
    assert leaf is not None and count(db) == 6


def test_malformed_file_imports_nothing(org, db):
    result = formats.parse((FILES / "bad.gift").read_bytes(), "gift")
    with pytest.raises(importing.ImportFailed) as exc:
        importing.run(org.committee_admin, result)
    assert exc.value.errors[0][0] == 4
    db.session.rollback()
    assert count(db) == 0 and count(db, QuestionCategory) == 0


def test_invalid_question_imports_nothing(org, db):
    text = "好题 {T}\n\n::无正确项::选择 {~%0%甲 ~%0%乙}\n"
    with pytest.raises(importing.ImportFailed) as exc:
        importing.run(org.committee_admin, formats.parse(text.encode(), "gift"))
    assert [line for line, _m in exc.value.errors] == [3]
    db.session.rollback()
    assert count(db) == 0


def test_duplicates_flagged_and_skipped(org, db):
    data = (FILES / "sample.aiken.txt").read_bytes()
    importing.run(org.committee_admin, formats.parse(data, "aiken"))
    db.session.commit()
    plan = importing.plan(formats.parse(data + b"\n" + data.replace(b"A. ", b"A.  "), "aiken"))
    assert [i.question.line for i in plan.duplicates] == [1, 8, 14, 21]
    assert plan.items[2].duplicate_of_question is not None
    report = importing.run(org.committee_admin, formats.parse(data, "aiken"))
    assert report.created == [] and len(report.duplicates_skipped) == 2
    report = importing.run(org.committee_admin, formats.parse(data, "aiken"), duplicates=importing.DUPLICATES_IMPORT)
    assert len(report.created) == 2 and count(db) == 4


def test_duplicates_within_one_file(org, db):
    plan = importing.plan(formats.parse("甲 {T}\n\n甲。{T}\n".encode(), "gift"))
    assert plan.items[1].duplicate_of_line == 1


def test_branch_admin_imports_into_own_bank_only(org, db):
    own = services.create_category(org.admin_a, "甲支部题库", branch=org.branch_a)
    report = importing.run(org.admin_a, formats.parse((FILES / "sample.aiken.txt").read_bytes(), "aiken"), own)
    assert len(report.created) == 2
    committee = services.create_category(org.committee_admin, "党章")
    from learnapp.errors import DomainError

    with pytest.raises(DomainError):
        importing.run(org.admin_a, formats.parse("新题 {T}".encode(), "gift"), committee)


@pytest.mark.parametrize("fmt", ["gift", "moodle-xml", "xlsx", "csv"])
def test_round_trip(org, db, fmt):
    """Export a category subtree and import it into an empty bank: the same questions come back."""
    importing.run(org.committee_admin, formats.parse((FILES / "mixed.gift").read_bytes(), "gift"))
    importing.run(org.committee_admin, formats.parse((FILES / "sample.xml").read_bytes(), "moodle-xml"))
    importing.run(org.committee_admin, formats.parse((FILES / "sample.aiken.txt").read_bytes(), "aiken"),
                  services.ensure_path(SYSTEM, ["党章", "纪律"]))
    db.session.commit()
    for root_name in ("党章", "党史"):
        root = find_path(root_name)
        before = queries.export_questions(root)
        data = formats.write(before, fmt)
        again = formats.parse(data, fmt)
        assert again.errors == [] and again.skipped == []
        for q in again.questions:
            services.clean(q)
        assert comparable(again.questions) == comparable(before), fmt
        # Importing the export into the same bank flags every question as a duplicate.
        plan = importing.plan(formats.parse(data, fmt))
        assert plan.ok and len(plan.duplicates) == len(before)


def test_demo_bank_imports_cleanly(org, db):
    files = sorted(CONTENT.glob("*"))
    assert files, "the shipped question bank is missing"
    total = 0
    kinds = set()
    for path in files:
        data = path.read_bytes()
        fmt = formats.detect(path.name, data)
        report = importing.run(SYSTEM, formats.parse(data, fmt), filename=path.name, fmt=fmt)
        assert report.skipped == [] and report.duplicates_skipped == []
        total += len(report.created)
        kinds |= {k for _l, _id, k in report.created}
    assert total >= 60 and kinds == set(QuestionKind)
    versions = db.session.scalars(select(QuestionVersion)).all()
    assert all(v.source and v.knowledge_points and v.explanation for v in versions)
    sources = {v.source for v in versions}
    assert {"党章", "发展党员工作细则", "党史", "纪律处分条例"} <= sources


# --- CLI ------------------------------------------------------------------------------------

def test_cli_import_and_export(app, org, db, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["questions", "import", str(FILES / "mixed.gift"), "--category", "导入", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "imported 7 question(s)" in result.output
    assert "skipped line 22: matching" in result.output and "skipped line 24: numerical" in result.output
    assert "Single choice: 1" in result.output
    again = runner.invoke(args=["questions", "import", str(FILES / "mixed.gift"), "--category", "导入", "--lang", "en"])
    assert "imported 0 question(s)" in again.output and "duplicate of question #" in again.output
    out = tmp_path / "out.xml"
    exported = runner.invoke(args=["questions", "export", "导入", "--format", "moodle-xml", "-o", str(out)])
    assert exported.exit_code == 0 and out.read_bytes().startswith(b"<?xml")
    tree = runner.invoke(args=["questions", "tree"])
    assert "导入 (7)" in tree.output


def test_cli_malformed_file_exits_1_and_writes_nothing(app, org, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["questions", "import", str(FILES / "bad.gift"), "--format", "gift", "--category", "坏",
                                 "--lang", "en"])
    assert result.exit_code == 1
    assert "line 4:" in result.output
    db.session.rollback()
    assert count(db) == 0 and count(db, QuestionCategory) == 0


def test_cli_dry_run_and_format_mismatch(app, org, db, tmp_path):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["questions", "import", str(FILES / "sample.xml"), "--dry-run", "--lang", "en"])
    assert result.exit_code == 0 and "would import 6" in result.output
    assert count(db) == 0
    fake = tmp_path / "x.xlsx"
    fake.write_text("not a workbook")
    result = runner.invoke(args=["questions", "import", str(fake), "--format", "xlsx"])
    assert result.exit_code == 1


def test_cli_speaks_chinese_unless_told(app, org, db):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["questions", "import", str(FILES / "mixed.gift"), "--category", "导入"])
    assert result.exit_code == 0, result.output
    assert "imported" not in result.output and "导入 7 道" in result.output and "单选题" in result.output
    bad = runner.invoke(args=["questions", "import", str(FILES / "bad.gift"), "--format", "gift", "--category", "坏"])
    assert bad.exit_code == 1 and "第 4 行" in bad.output


def test_demo_loader_is_idempotent(org, db):
    from learnapp.bank.demo import load_demo

    class Ctx:
        admin = org.committee_admin

    load_demo(Ctx())
    db.session.commit()
    first = count(db)
    audits = db.session.scalar(select(func.count(AuditEntry.id)))
    load_demo(Ctx())
    assert count(db) == first >= 60
    assert db.session.scalar(select(func.count(AuditEntry.id))) == audits
