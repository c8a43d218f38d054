"""The rules file: loaded as audited versions, refused whole with FILE:LINE, numbers changed in the site."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from learnapp.audit.models import AuditEntry
from learnapp.development.models import DevelopmentRuleSet
from learnapp.development.rules import current_rules, default_path, save_parameters, save_rules
from learnapp.development.rules_file import STEP_CODES, parse_rules
from learnapp.errors import DomainError
from learnapp.rules_yaml import RulesError
from learnapp.security import SYSTEM
from tests.helpers.development import person_up_to


def _shipped() -> str:
    return default_path().read_text(encoding="utf-8")


def test_the_shipped_file_describes_every_step_in_order(app):
    parsed = parse_rules(_shipped())
    assert tuple(r.code for r in parsed.steps) == STEP_CODES
    decided = {r.code for r in parsed.steps if r.committee_decides}
    assert decided == {"activist_filed", "target_filed", "committee_prereview", "committee_approval_admission",
                       "committee_approval_full", "probation_extended", "probation_cancelled"}
    assert all(r.citation.startswith("《中国共产党") for r in parsed.steps)
    assert parsed.parameters["activist_min_months"] == 12


def test_problems_name_their_line_and_key(app):
    text = _shipped().replace("activist_min_months: 12", "activist_min_months: 6").replace(
        "recorded_by: contact", "recorded_by: anybody")
    with pytest.raises(RulesError) as caught:
        parse_rules(text)
    lines = text.split("\n")
    problems = {(p.key, p.line) for p in caught.value.problems}
    assert ("parameters.activist_min_months", lines.index("  activist_min_months: 6          # 经过一年以上培养教育和考察方可列为发展对象") + 1) in problems
    assert any(key == "steps.target_contact_opinion.recorded_by" and "anybody" in lines[line - 1] for key, line in problems)
    with pytest.raises(RulesError) as broken:
        parse_rules("parameters:\n  talk_within_months: [1\n")
    assert broken.value.problems[0].line >= 2


def test_cli_loads_a_version_then_refuses_a_malformed_file_and_changes_nothing(app, db, tmp_path):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["development", "rules", "load", "--lang", "en"])
    assert first.exit_code == 0 and "version 1" in first.output
    assert runner.invoke(args=["development", "rules", "load"]).output.strip().endswith("无变化")
    bad = tmp_path / "rules.yaml"
    text = _shipped().replace("    recorded_by: person\n", "    recorded_by: nobody\n", 1)
    bad.write_text(text, encoding="utf-8")
    line = text.split("\n").index("    recorded_by: nobody") + 1
    refused = runner.invoke(args=["development", "rules", "load", str(bad)])
    assert refused.exit_code == 1
    assert f"{bad}:{line}: steps.application.recorded_by" in refused.output
    assert db.session.scalar(select(func.count(DevelopmentRuleSet.id))) == 1
    assert current_rules().version == 1
    shown = runner.invoke(args=["development", "rules", "show"])
    assert shown.exit_code == 0 and "target_determined" in shown.output and "第 1 版" in shown.output


def test_the_committee_makes_the_numbers_stricter_as_a_new_audited_version(app, org, db, clock):
    save_rules(SYSTEM, _shipped(), source_name="development-rules.yaml")
    person = person_up_to(org.branch_a, "target_contact_opinion")
    assert current_rules().step("target_determined")  # 12 months: 2024-09-10 is enough
    saved = save_parameters(org.committee_admin, {"activist_min_months": 18}, note="局党委要求培养一年半")
    assert saved.version == 2 and "activist_min_months: 18" in saved.source_text
    assert "# 经过一年以上培养教育和考察方可列为发展对象" in saved.source_text  # comments kept
    from learnapp.development.guards import unmet_requirements

    assert any("2025-03-10" in m for m in unmet_requirements(person, "target_determined", date(2024, 9, 10)))
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "development.rules_save")
                               .order_by(AuditEntry.seq.desc())).first()
    assert entry.actor_id == org.committee_admin.id
    assert entry.details["before"]["parameters"]["activist_min_months"] == 12
    assert entry.details["after"]["parameters"]["activist_min_months"] == 18
    assert save_parameters(org.committee_admin, {"activist_min_months": 18}) is None  # unchanged
    with pytest.raises(DomainError) as looser:
        save_parameters(org.committee_admin, {"activist_min_months": 6, "approval_within_months": 6})
    assert {f for f, _m in looser.value.reasons} == {"activist_min_months", "approval_within_months"}
    with pytest.raises(DomainError):
        save_parameters(org.admin_a, {"activist_min_months": 24})
    assert current_rules().version == 2


def test_the_numbers_form_saves_and_shows_errors(client, org, login, db):
    login(org.committee_admin)
    page = client.get("/development/rules/edit")
    assert page.status_code == 200 and 'name="activist_min_months"' in page.get_data(as_text=True)
    values = dict(current_rules().parameters)
    wrong = client.post("/development/rules/edit", data={**values, "approval_within_months": 4})
    assert wrong.status_code == 200 and 'class="error"' in wrong.get_data(as_text=True)
    assert current_rules().version is None
    done = client.post("/development/rules/edit", data={**values, "training_min_days": 5, "note": "五天"})
    assert done.status_code == 302
    assert current_rules().parameters["training_min_days"] == 5
    shown = client.get("/development/rules").get_data(as_text=True)
    assert "五天" in shown and "发展党员规则" in shown
