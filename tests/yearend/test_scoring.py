"""The scoring scheme: its errors with line numbers, versions, each branch's score and its breakdown."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from learnapp.audit.models import AuditEntry
from learnapp.errors import DomainError
from learnapp.rules_yaml import RulesError
from learnapp.security import SYSTEM
from learnapp.yearend import scoring
from learnapp.yearend.scheme import parse_scheme
from tests.helpers.yearend import a_year

CONTENT = Path(__file__).resolve().parents[2] / "content" / "scoring"
SCHEME = """year: 2026
items:
  hours:
    label: {zh: 学时完成率, en: Completion of the study hours}
    measure: hours_completion
    weight: 60
    full_at: 100
    zero_at: 0
  findings:
    label: {zh: 规范性, en: Compliance}
    measure: compliance_findings
    weight: 40
    full_at: 0
    zero_at: 10
"""


def _problems(text: str) -> list[tuple[int, str]]:
    with pytest.raises(RulesError) as caught:
        parse_scheme(text)
    return [(p.line, p.key) for p in caught.value.problems]


def test_the_shipped_schemes_parse(app):
    for path in sorted(CONTENT.glob("*.yaml")):
        scheme = parse_scheme(path.read_text(encoding="utf-8"), expected_year=int(path.stem))
        assert sum(i.weight for i in scheme.items) == 100


def test_the_formula_in_words_writes_plain_numbers(app):
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        hours, findings = parse_scheme(SCHEME.replace("zero_at: 0\n", "zero_at: 0.50\n", 1)).items
        assert hours.in_words() == "60 points at 100 or more, none at 0.5 or less, in proportion between."
        assert "E+" not in findings.in_words() and "10" in findings.in_words()


def test_errors_name_their_lines(app):
    bad = SCHEME.replace("measure: hours_completion", "measure: happiness").replace("weight: 40", "weight: many") \
        .replace("zero_at: 10", "zero_at: 0").replace("full_at: 100", "full_at: 100\n    colour: red")
    assert _problems(bad) == [(5, "items.hours.measure"), (8, "items.hours.colour"), (13, "items.findings.weight"),
                              (15, "items.findings.zero_at")]
    assert _problems(SCHEME.replace("full_at: 0\n", "full_at: 10\n")) == [(14, "items.findings.zero_at")]
    assert _problems(SCHEME.replace("weight: 40", "weight: 30")) == [(3, "")]
    assert _problems("year: 2026\nitems: [1, 2]\n") == [(2, "items")]
    assert _problems("year: 2026\nitems:\n  a: {measure: [\n") [0][0] == 4
    assert _problems(SCHEME.replace("    label: {zh: 规范性, en: Compliance}\n", "")) == [(10, "items.findings.label")]


def test_versions_are_kept_and_audited(app, org, db, clock):
    first = scoring.save_scheme(org.committee_admin, SCHEME, source_name="web")
    assert scoring.save_scheme(org.committee_admin, SCHEME, source_name="web") is None
    second = scoring.save_scheme(org.committee_admin, SCHEME.replace("weight: 60", "weight: 50").replace("weight: 40", "weight: 50"),
                                 source_name="web", note="同等权重")
    assert (first.version, second.version) == (1, 2)
    assert [v.version for v in scoring.versions(2026)] == [2, 1]
    assert scoring.scheme_for_year(2026).items[0].weight == 50
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "scoring.save").limit(1)) is not None
    with pytest.raises(DomainError):
        scoring.save_scheme(org.admin_a, SCHEME, source_name="web")
    with pytest.raises(DomainError) as refused:
        scoring.save_scheme(org.committee_admin, SCHEME, source_name="web", expected_year=2025)
    assert "line 1" in refused.value.messages[0] or "第 1 行" in refused.value.messages[0]


def test_a_branch_score_and_its_breakdown(app, org, db, clock):
    a_year(org)
    scoring.save_scheme(SYSTEM, SCHEME, source_name="test")
    scheme = scoring.scheme_for_year(2026)
    [general1] = scoring.branch_scores(scheme, [org.general1], 2026, date(2026, 6, 15))
    hours, findings = general1.lines
    f_value = findings.value
    # 60 × the completed share, 40 × (10 - findings) / 10, at least nothing.
    assert hours.points == (Decimal(60) * Decimal(str(hours.value)) / 100).quantize(Decimal("0.01"))
    assert findings.points == (Decimal(40) * max(0, 10 - f_value) / 10).quantize(Decimal("0.01"))
    assert general1.score == (hours.points + findings.points).quantize(Decimal("0.1"))


def test_an_item_without_a_value_is_left_out(app, org, db, clock):
    scheme = parse_scheme(SCHEME.replace("measure: hours_completion", "measure: plan_execution"))
    [score] = scoring.branch_scores(scheme, [org.branch_b], 2026, date(2026, 6, 15))
    assert score.lines[0].value is None and score.lines[0].points is None
    assert score.applicable == 40 and score.score == (score.lines[1].points * 100 / 40).quantize(Decimal("0.1"))


def test_scores_page_per_role(app, org, db, client, login, clock):
    a_year(org)
    scoring.save_scheme(SYSTEM, SCHEME, source_name="test")
    db.session.commit()
    login(org.committee_admin)
    page = client.get("/yearend/scores?year=2026").get_data(as_text=True)
    assert "第一党总支" in page and "丙支部" in page and "学时完成率" in page
    login(org.admin_a)
    page = client.get("/yearend/scores?year=2026").get_data(as_text=True)
    assert "甲支部" in page and "丙支部" not in page and "乙支部" not in page


def test_scheme_upload_page(app, org, db, client, login, clock):
    login(org.committee_admin)
    refused = client.post("/yearend/scheme/2026/edit", data={"source_text": SCHEME.replace("weight: 40", "weight: 4")})
    assert refused.status_code == 400 and "3" in refused.get_data(as_text=True)
    assert scoring.versions(2026) == []
    saved = client.post("/yearend/scheme/2026/edit", data={"source_text": SCHEME, "note": "初版"})
    assert saved.status_code == 302
    assert client.get("/yearend/scheme/2026").status_code == 200
    assert [v.note for v in scoring.versions(2026)] == ["初版"]


def test_scheme_file_upload(app, org, db, client, login, clock):
    import io

    login(org.committee_admin)
    wrong = client.post("/yearend/scheme/2026/edit", data={"upload": (io.BytesIO(b"x"), "scheme.txt")},
                        content_type="multipart/form-data")
    assert wrong.status_code == 400 and scoring.versions(2026) == []
    saved = client.post("/yearend/scheme/2026/edit", data={"upload": (io.BytesIO(SCHEME.encode()), "2026.yaml")},
                        content_type="multipart/form-data")
    assert saved.status_code == 302 and scoring.scheme_for_year(2026).items[0].measure == "hours_completion"


def test_a_branch_without_a_plan_is_said_so(app, org, db, clock):
    from flask_babel import force_locale

    from learnapp.yearend.figures import year_end
    from learnapp.yearend.sentences import plan_sentence

    with app.test_request_context(), force_locale("zh_CN"):
        assert plan_sentence(year_end(org.branch_b, 2026, date(2026, 6, 15))) == \
            "2026年未制定发展计划，实际发展预备党员0人。"
