"""The year-end figures of a subtree: each figure against the records it counts."""

from __future__ import annotations

from datetime import date

from learnapp.accounts.models import Stage
from learnapp.assessments.models import Grade
from learnapp.ledger.models import Category
from learnapp.yearend import sentences
from learnapp.yearend.figures import year_end
from tests.helpers.yearend import a_year

TODAY = date(2026, 6, 15)


def test_figures_of_a_general_branch(org, db, clock):
    made = a_year(org)
    f = year_end(org.general1, 2026, TODAY)
    assert (f.plan.planned, f.plan.developed, f.plan.rate) == (2, 1, 50.0)
    women = next(c for c in f.plan.composition if c.code == "women")
    assert (women.count, women.share, women.target) == (1, 100.0, 1)
    by_stage = {line.stage: line for line in f.training.by_stage}
    assert f.training.requirement == 5000
    # learner_a: 60 学时 (50 online, 10 offline): complete; learner_b 15 online.
    assert by_stage[Stage.activist].completed == 1 and by_stage[Stage.activist].people == 2
    assert by_stage[Stage.development_target].people == 1
    assert (f.training.online, f.training.offline) == (6500, 1000)
    lecture = next(a for a in f.activities if a.category == Category.lecture)
    assert (lecture.held, lecture.attendances, lecture.attendees) == (1, 2, 2)
    assert (f.training_class.completed, f.training_class.targets, f.training_class.targets_trained) == (1, 1, 1)
    assert (f.tests.participants, f.tests.results, f.tests.passed) == (2, 2, 1)
    assert f.tests.average_score == 65.0 and f.tests.pass_rate == 50.0
    assert f.assessments.by_grade[Grade.excellent] == 1 and f.assessments.by_grade[Grade.competent] == 1
    assert made["woman"].branch_id == org.branch_a.id


def test_the_committee_counts_every_branch(org, db, clock):
    a_year(org)
    f = year_end(org.committee, 2026, TODAY)
    assert (f.plan.planned, f.plan.developed) == (3, 2)
    assert (f.tests.participants, f.tests.results, f.tests.passed) == (3, 3, 2)
    assert f.assessments.total == 3


def test_sentences_in_chinese(app, org, db, clock):
    a_year(org)
    f = year_end(org.branch_a, 2026, TODAY)
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("zh_CN"):
        text = sentences.sentences(f)
    assert text[0] == "今年计划发展2人，实际发展1人，计划执行率50%。"
