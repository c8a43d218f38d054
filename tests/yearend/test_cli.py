"""`flask report year-end` writes the same figures as the page (audited); `flask scoring load` refuses a
file with any error, naming its lines, and loads the shipped schemes."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook
from sqlalchemy import select

from learnapp.audit.models import AuditEntry
from learnapp.yearend import scoring
from tests.helpers.yearend import a_year


def test_year_end_as_word_and_excel(app, org, db, clock, tmp_path):
    a_year(org)
    db.session.commit()
    runner = app.test_cli_runner()
    out = tmp_path / "ye.docx"
    result = runner.invoke(args=["report", "year-end", "--year", "2026", "--branch", str(org.general1.id),
                                 "--format", "docx", "-o", str(out)])
    assert result.exit_code == 0, result.output
    text = [p.text for p in Document(io.BytesIO(out.read_bytes())).paragraphs]
    assert "今年计划发展2人，实际发展1人，计划执行率50%。" in text
    out = tmp_path / "ye.xlsx"
    result = runner.invoke(args=["report", "year-end", "--year", "2026", "--format", "xlsx", "--lang", "en", "-o", str(out)])
    assert result.exit_code == 0, result.output
    book = load_workbook(out)
    assert book.sheetnames[1] == "Plan and actual"
    assert list(book["Plan and actual"].iter_rows(values_only=True))[1][:3] == ("测试党委", 3, 2)
    entries = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "export.year_end")).all()
    assert len(entries) == 2 and all(e.actor_id is None and e.details["scope"]["via"] == "cli" for e in entries)
    bad = runner.invoke(args=["report", "year-end", "--year", "2026", "--branch", "99999", "--format", "xlsx",
                              "-o", str(out)])
    assert bad.exit_code != 0


def test_scoring_load(app, org, db, clock, tmp_path):
    runner = app.test_cli_runner()
    bad = tmp_path / "2026.yaml"
    bad.write_text("year: 2026\nitems:\n  a:\n    measure: nope\n", encoding="utf-8")
    result = runner.invoke(args=["scoring", "load", str(bad)])
    assert result.exit_code == 1 and f"{bad}:4: items.a.measure" in result.output and "未载入任何内容" in result.output
    assert scoring.versions(2026) == []
    result = runner.invoke(args=["scoring", "load", "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "2026.yaml: loaded as 2026 version 1" in result.output
    assert runner.invoke(args=["scoring", "load"]).output.count("无变化") >= 2
    shown = runner.invoke(args=["scoring", "show", "2026"])
    assert "hours_completion" in shown.output
