"""Rules files: every rule type, line-numbered errors, loading changes nothing on error."""

from __future__ import annotations

from datetime import date, time
from pathlib import Path

import pytest

from learnapp.errors import DomainError
from learnapp.ledger import queries, services
from learnapp.ledger.models import Category, CreditRuleSet
from learnapp.ledger.offline_credit import compute_credit
from learnapp.ledger.rules import (
    RulesError,
    parse_rules,
    rules_for_year,
    template_text,
)
from learnapp.ledger.schedule import make_schedule
from learnapp.security import SYSTEM

CONTENT = Path(__file__).resolve().parents[2] / "content" / "credit-rules"


@pytest.mark.parametrize("name", ["2025.yaml", "2026.yaml"])
def test_shipped_rules_files_parse(app, name):
    rules = parse_rules((CONTENT / name).read_text(encoding="utf-8"))
    assert rules.year == int(name[:4])
    assert rules.conversions[Category.lecture].credit == 400
    assert rules.test_pass_credit == 50


def test_template_parses(app):
    rules = parse_rules(template_text(2030))
    assert rules.year == 2030 and rules.carry_over_max == 1000 and rules.daily_online_cap == 800


def test_2026_file_details(app):
    rules = parse_rules((CONTENT / "2026.yaml").read_text(encoding="utf-8"))
    assert rules.requirement_by_stage["full_member"] == 3200
    assert rules.min_online == 1000 and rules.min_offline == 1000
    assert rules.category_caps[Category.self_study] == 1000


def _problems(text):
    with pytest.raises(RulesError) as info:
        parse_rules(text)
    return [(p.line, p.key) for p in info.value.problems]


def test_errors_name_line_and_key(app):
    text = "year: 2026\nrequirement:\n  default: fifty\nconversion:\n  lecture: {per_half_day: 4, per_hour: 1}\n"
    assert _problems(text) == [(3, "requirement.default"), (5, "conversion.lecture")]


def test_unknown_keys_decimals_and_duplicates(app):
    text = ("year: 2026\ncaps:\n  daily_onlin: 8\nconversion:\n  lecture: {per_half_day: 4.125}\n"
            "  lecture: {per_hour: 1}\ncarry_over: {max: -1}\n")
    assert _problems(text) == [(3, "caps.daily_onlin"), (5, "conversion.lecture.per_half_day"),
                               (6, "conversion.lecture"), (7, "carry_over.max")]


def test_bad_yaml_and_missing_year(app):
    assert _problems("year: [2026\n")[0][0] in (1, 2)
    assert _problems("requirement: {default: 50}\n") == [(1, "year")]
    assert _problems("") == [(1, "")]
    assert _problems("conversion:\n  museum: {per_hour: 1}\nyear: 2026\n") == [(2, "conversion.museum")]


def test_band_errors(app):
    text = "year: 2026\nconversion:\n  online_reading:\n    per_item:\n      - {min_minutes: 30}\n      - {min_minutes: x, credit: 1}\n"
    assert _problems(text) == [(5, "conversion.online_reading.per_item[0]"), (6, "conversion.online_reading.per_item[1].min_minutes")]


def test_save_rules_versions_and_audit(org, db):
    text = template_text(2026)
    first = services.save_rules(org.committee_admin, text, source_name="web")
    assert first.version == 1
    assert services.save_rules(org.committee_admin, text, source_name="web") is None  # unchanged: no new version
    second = services.save_rules(org.committee_admin, text.replace("lecture: {per_half_day: 4}", "lecture: {per_half_day: 3}"),
                                 source_name="web")
    assert second.version == 2
    assert rules_for_year(2026).conversions[Category.lecture].credit == 300
    with pytest.raises(DomainError) as info:
        services.save_rules(org.committee_admin, "year: 2026\ncaps: 5\n", source_name="web")
    assert "caps" in info.value.messages[0] and "2" in info.value.messages[0]
    with pytest.raises(DomainError):
        services.save_rules(org.admin_a, text, source_name="web")
    assert db.session.scalar(db.select(db.func.count(CreditRuleSet.id))) == 2


def test_changing_rules_never_rewrites_granted_credit(org, db):
    services.save_rules(SYSTEM, template_text(2026), source_name="t")
    services.grant(SYSTEM, org.learner_a, category=Category.lecture, credit_hundredths=400, occurred_on=date(2026, 6, 1),
                   source_type="activity", source_id=1)
    services.save_rules(SYSTEM, template_text(2026).replace("per_half_day: 4}", "per_half_day: 2}"), source_name="t")
    assert queries.year_total(org.learner_a.id, 2026) == 400


def sched(d1, t1, t2, d2=None):
    return make_schedule(d1, time(*t1), time(*t2), d2)


def test_conversions_per_hour_half_day_day_fixed_bands(app):
    day = date(2026, 3, 2)
    c = lambda cat, s: sum(p.credit for p in compute_credit(cat, s))  # noqa: E731
    assert c(Category.branch_study, sched(day, (14, 0), (15, 30))) == 150       # per hour: 1.5 h → 1.5
    assert c(Category.lecture, sched(day, (9, 0), (11, 30))) == 400             # any part of a half day
    assert c(Category.lecture, sched(day, (9, 0), (17, 0))) == 800              # a full day is two half days
    assert c(Category.training_class, sched(day, (9, 0), (17, 0), date(2026, 3, 4))) == 2400  # 3 days × 8
    assert c(Category.training_class, sched(day, (9, 0), (12, 0))) == 400       # half a day of a per-day rule
    assert c(Category.online_video, sched(day, (9, 0), (9, 20))) == 50          # bands: 15–30 min → 0.5
    assert c(Category.test_passed, sched(day, (9, 0), (9, 5))) == 50            # fixed


def test_activity_across_year_end_is_split(org, db):
    services.save_rules(SYSTEM, template_text(2025).replace("per_day: 8", "per_day: 6"), source_name="t")
    services.save_rules(SYSTEM, template_text(2026), source_name="t")
    portions = compute_credit(Category.training_class, sched(date(2025, 12, 30), (9, 0), (17, 0), date(2026, 1, 2)))
    assert [(p.year, p.credit, p.minutes) for p in portions] == [(2025, 1200, 960), (2026, 1600, 960)]
    assert portions[1].first_day == date(2026, 1, 1)
    # A per-hour rule splits exactly by the hours in each year.
    hourly = compute_credit(Category.branch_study, sched(date(2025, 12, 31), (9, 0), (12, 0), date(2026, 1, 1)))
    assert [(p.year, p.credit) for p in hourly] == [(2025, 300), (2026, 300)]
