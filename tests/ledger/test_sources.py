"""Ledger lines name what earned them (material, quiz, activity, claim), linked where the viewer
may open it, read in the lines' own statement (no statement per line)."""

from __future__ import annotations

from datetime import date

from learnapp import clock as app_clock
from learnapp.db import db
from learnapp.ledger import services, sources
from learnapp.ledger.models import Category
from learnapp.security import SYSTEM
from tests.helpers.materials import make_material
from tests.helpers.query_counter import statements_of_get
from tests.helpers.quizzes import Bank, make_quiz


def _lines(org, n_materials: int):
    materials = [make_material(f"mat-{n}", title=f"学习资料{n}号") for n in range(n_materials)]
    for n, material in enumerate(materials):
        services.grant(SYSTEM, org.learner_a, category=Category.online_reading, credit_hundredths=50,
                       occurred_on=date(2026, 6, 1 + n % 10), source_type="material", source_id=str(material.id))
    return materials


def test_the_ledger_page_names_and_links_the_material_and_quiz(app, client, clock, org, login):
    material = _lines(org, 1)[0]
    quiz = make_quiz(org.admin_a, org.branch_a, Bank().auto_questions, title="党章知识测试")
    services.grant(SYSTEM, org.learner_a, category=Category.test_passed, credit_hundredths=100,
                   occurred_on=date(2026, 6, 2), source_type="quiz", source_id=str(quiz.id), reason=quiz.title)
    db.session.commit()
    login(org.learner_a)
    page = client.get("/ledger/?year=2026").get_data(as_text=True)
    assert f'href="/materials/{material.slug}">学习资料0号</a>' in page
    assert f'href="/quizzes/{quiz.id}">党章知识测试</a>' in page
    login(org.admin_a)
    other = client.get(f"/ledger/people/{org.learner_a.id}?year=2026").get_data(as_text=True)
    assert "学习资料0号" in other and f'href="/quizzes/{quiz.id}"' not in other  # the learner's quiz page is theirs


def test_statements_do_not_grow_with_the_lines(app, client, clock, org, login):
    _lines(org, 2)
    login(org.learner_a)
    few = statements_of_get(client, "/ledger/?year=2026")
    _lines_more = [make_material(f"more-{n}", title=f"更多{n}") for n in range(15)]
    for n, material in enumerate(_lines_more):
        services.grant(SYSTEM, org.learner_a, category=Category.online_reading, credit_hundredths=10,
                       occurred_on=date(2026, 5, 1 + n), source_type="material", source_id=str(material.id))
    many = statements_of_get(client, "/ledger/?year=2026")
    assert many.count <= few.count, many.report()


def test_batched_titles_for_the_record_and_exports(app, clock, org):
    materials = _lines(org, 3)
    found = sources.titles([("material", str(m.id)) for m in materials] + [("adjustment", "x"), ("claim", "99999")])
    assert {found[("material", str(m.id))][0] for m in materials} == {"学习资料0号", "学习资料1号", "学习资料2号"}
    assert ("adjustment", "x") not in found and ("claim", "99999") not in found


def test_the_assessment_record_names_the_material(app, client, clock, org, login):
    _lines(org, 1)
    db.session.commit()
    login(org.admin_a)
    page = client.get(f"/assessments/people/{org.learner_a.id}?year=2026").get_data(as_text=True)
    assert "学习资料0号" in page


def test_the_demo_reading_lines_name_materials(app, clock, db):
    from learnapp.demo import load_all
    from learnapp.ledger.models import LedgerEntry

    load_all(app_clock.today())
    db.session.commit()
    reading = db.session.execute(db.select(LedgerEntry.source_type, LedgerEntry.source_id)
                                 .where(LedgerEntry.source_type == "material")).all()
    assert reading and all(source_id for _t, source_id in reading)
    titles = sources.titles(set(reading))
    assert len({titles[pair][0] for pair in set(reading)}) > 5  # many materials, each line names one
