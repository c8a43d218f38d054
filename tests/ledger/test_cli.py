"""`flask rules load` names file, line and key of each error and loads nothing; totals and year close."""

from __future__ import annotations

from datetime import date

from learnapp.ledger import services
from learnapp.ledger.models import Category, CreditRuleSet
from learnapp.ledger.rules import template_text
from learnapp.security import SYSTEM


def test_rules_load_all_or_nothing(app, org, db, tmp_path):
    good = tmp_path / "2026.yaml"
    good.write_text("year: 2026\nrequirement: {default: 40}\n", encoding="utf-8")
    bad = tmp_path / "2025.yaml"
    bad.write_text("year: 2025\nconversion:\n  lecture: {per_half_day: four}\n", encoding="utf-8")
    runner = app.test_cli_runner()
    result = runner.invoke(args=["rules", "load", str(good), str(bad)])
    assert result.exit_code == 1
    assert f"{bad}:3: conversion.lecture.per_half_day:" in result.output
    assert db.session.scalar(db.select(db.func.count(CreditRuleSet.id))) == 0
    result = runner.invoke(args=["rules", "load", str(good), "--lang", "en"])
    assert result.exit_code == 0 and "version 1" in result.output
    assert runner.invoke(args=["rules", "load", str(good)]).output.strip().endswith("无变化")
    wrong = tmp_path / "2024.yaml"
    wrong.write_text("year: 2023\n", encoding="utf-8")
    assert runner.invoke(args=["rules", "load", str(wrong)]).exit_code == 1


def test_default_folder_loads_shipped_files(app, org, db):
    result = app.test_cli_runner().invoke(args=["rules", "load"])
    assert result.exit_code == 0, result.output
    assert {r.year for r in db.session.scalars(db.select(CreditRuleSet))} == {2025, 2026}
    assert "专题讲座" in app.test_cli_runner().invoke(args=["rules", "show", "2026"]).output


def test_totals_and_close(app, org, db):
    services.save_rules(SYSTEM, template_text(2025), source_name="t")  # carries up to 10
    services.grant(SYSTEM, org.learner_a, category=Category.lecture, credit_hundredths=6000, occurred_on=date(2025, 5, 1),
                   source_type="activity", source_id=1)
    db.session.commit()
    runner = app.test_cli_runner()
    assert "learner_a\t" in runner.invoke(args=["ledger", "totals", "2025"]).output
    result = runner.invoke(args=["ledger", "close", "2025"])
    assert result.exit_code == 0 and "1 人结转" in result.output
    assert runner.invoke(args=["ledger", "close", "2025"]).exit_code == 1
    assert runner.invoke(args=["ledger", "reopen", "2025", "--reason", "补录"]).exit_code == 0
