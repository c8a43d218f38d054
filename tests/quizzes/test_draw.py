"""Random draws ("10 from 党章 subtree, 5 tagged 纪律") and shuffling, reproducible from the seed."""

from __future__ import annotations

from datetime import timedelta

from learnapp import clock
from learnapp.db import db
from learnapp.quizzes import attempts, draw, services
from learnapp.quizzes.models import Attempt, QuizKind, QuizStatus
from tests.helpers.quizzes import make_category, make_question, make_quiz, opts


def _bank():
    root = make_category("题库")
    dangzhang = make_category("党章", root)
    chapter = make_category("第一章 党员", dangzhang)
    other = make_category("党史", root)
    in_subtree = [make_question(chapter if i % 2 else dangzhang, "single", f"党章题{i}",
                                options=opts(("A", "对", 100), ("B", "错", 0), ("C", "也错", 0), ("D", "还错", 0)))
                  for i in range(12)]
    tagged = [make_question(other, "truefalse", f"纪律题{i}", answer=True, tags=["纪律"]) for i in range(6)]
    untagged = [make_question(other, "truefalse", f"党史题{i}", answer=False) for i in range(4)]
    return root, dangzhang, other, in_subtree, tagged, untagged


def test_draw_rules_pick_from_the_subtree_and_the_tag(org):
    root, dangzhang, other, in_subtree, tagged, untagged = _bank()
    quiz = make_quiz(org.committee_admin, org.branch_a, [], publish=False, shuffle_questions=True, shuffle_options=True)
    services.add_draw_rule(org.committee_admin, quiz, count=10, category=dangzhang)
    services.add_draw_rule(org.committee_admin, quiz, count=5, category=root, tag="纪律")
    planned = draw.plan(quiz, seed=42)
    ids = [p.question_id for p in planned]
    assert len(ids) == 15 and len(set(ids)) == 15
    assert len(set(ids) & {q.id for q in in_subtree}) == 10
    assert len(set(ids) & {q.id for q in tagged}) == 5
    assert not set(ids) & {q.id for q in untagged}


def test_same_seed_same_attempt_other_seed_other_order(org):
    root, dangzhang, *_ = _bank()
    quiz = make_quiz(org.committee_admin, org.branch_a, [], publish=False, shuffle_questions=True, shuffle_options=True)
    services.add_draw_rule(org.committee_admin, quiz, count=8, category=dangzhang)
    first = [(p.question_id, tuple(p.option_order)) for p in draw.plan(quiz, seed=7)]
    again = [(p.question_id, tuple(p.option_order)) for p in draw.plan(quiz, seed=7)]
    other = [(p.question_id, tuple(p.option_order)) for p in draw.plan(quiz, seed=8)]
    assert first == again
    assert first != other
    assert any(order != ("A", "B", "C", "D") for _q, order in first)  # options were shuffled


def test_an_attempt_is_reproducible_from_its_stored_seed(org):
    root, dangzhang, *_ = _bank()
    quiz = make_quiz(org.committee_admin, org.branch_a, [], publish=False, shuffle_questions=True, shuffle_options=True)
    services.add_draw_rule(org.committee_admin, quiz, count=6, category=dangzhang)
    services.set_status(org.committee_admin, quiz, QuizStatus.published)
    attempt = attempts.start_attempt(org.learner_a, quiz)
    db.session.commit()
    replay = draw.plan(quiz, attempt.seed)
    assert [(p.question_id, p.version.id, p.option_order) for p in replay] == [
        (i.question_id, i.question_version_id, i.option_order) for i in attempt.items]


def test_a_draw_larger_than_the_bank_cannot_be_published(org):
    root, dangzhang, *_ = _bank()
    quiz = make_quiz(org.committee_admin, org.branch_a, [], publish=False)
    slot = services.add_draw_rule(org.committee_admin, quiz, count=20, category=dangzhang)
    assert draw.slot_shortfall(slot) == 8
    assert services.publish_problems(quiz)


def test_retired_questions_are_never_drawn(org):
    root, dangzhang, other, in_subtree, *_ = _bank()
    for question in in_subtree[:10]:
        question.retired = True
    db.session.flush()
    quiz = make_quiz(org.committee_admin, org.branch_a, [], publish=False)
    services.add_draw_rule(org.committee_admin, quiz, count=5, category=dangzhang)
    assert {p.question_id for p in draw.plan(quiz, 1)} == {q.id for q in in_subtree[10:]}


def test_each_start_draws_the_bank_as_it_is_then(org):
    """Nothing about the bank is kept from one start to the next: an edit or a retirement counts
    from the next attempt on (and never changes an attempt already started)."""
    from tests.helpers.quizzes import add_version

    root, dangzhang, other, in_subtree, tagged, _untagged = _bank()
    quiz = make_quiz(org.committee_admin, org.branch_a, in_subtree[:3], kind=QuizKind.practice, max_attempts=None)
    services.add_draw_rule(org.committee_admin, quiz, count=2, category=root, tag="纪律")
    first = attempts.start_attempt(org.learner_a, quiz)
    attempts.submit_attempt(first.id)
    db.session.commit()
    given = {i.question_id: i.question_version_id for i in first.items}
    edited = add_version(in_subtree[0], "single", "改过的题干", options=opts(("A", "对", 100), ("B", "错", 0)), points=3)
    in_subtree[1].retired = True
    for question in tagged[:5]:
        question.retired = True  # one tagged question is left for the draw of two
    db.session.commit()
    second = attempts.start_attempt(org.learner_a, quiz)
    db.session.commit()
    now_given = {i.question_id: i for i in second.items}
    assert now_given[in_subtree[0].id].question_version_id == edited.id
    assert now_given[in_subtree[0].id].option_order == ["A", "B"] and now_given[in_subtree[0].id].points == 3
    assert in_subtree[1].id not in now_given
    assert set(now_given) == {in_subtree[0].id, in_subtree[2].id, tagged[5].id}
    assert second.max_score_hundredths == (3 + 1 + 1) * 100
    db.session.expire_all()
    assert {i.question_id: i.question_version_id for i in db.session.get(Attempt, first.id).items} == given


def _practice_and_exam(org, dangzhang, in_subtree, *, avoid: bool, exam_opens=None, exam_closes=None):
    exam = make_quiz(org.committee_admin, org.branch_a, in_subtree[:4], title="正式测试",
                     opens_at=exam_opens, closes_at=exam_closes or clock.now() + timedelta(days=7))
    practice = make_quiz(org.committee_admin, org.branch_a, [], publish=False, kind=QuizKind.practice,
                         title="练习", avoids_assessment_questions=avoid)
    services.add_draw_rule(org.committee_admin, practice, count=8, category=dangzhang)
    return exam, practice


def test_a_practice_quiz_can_avoid_the_questions_of_an_assessment_of_the_same_period(org):
    root, dangzhang, other, in_subtree, *_ = _bank()
    exam, practice = _practice_and_exam(org, dangzhang, in_subtree, avoid=True)
    for seed in range(20):
        assert not {p.question_id for p in draw.plan(practice, seed)} & {q.id for q in in_subtree[:4]}
    # 12 in the subtree, 4 avoided: a draw of 8 can be filled, one of 9 lacks one.
    assert draw.slot_shortfall(practice.slots[0]) == 0
    practice.slots[0].count = 9
    assert draw.slot_shortfall(practice.slots[0]) == 1


def test_without_the_setting_or_outside_the_period_the_practice_draws_everything(org):
    root, dangzhang, other, in_subtree, *_ = _bank()
    exam, practice = _practice_and_exam(org, dangzhang, in_subtree, avoid=False)
    assert draw.assessment_questions(practice) == set()
    practice.avoids_assessment_questions = True
    assert draw.assessment_questions(practice) == {q.id for q in in_subtree[:4]}
    # An exam that closed before the practice opens is past: its questions may be practised.
    exam.opens_at, exam.closes_at = clock.now() - timedelta(days=30), clock.now() - timedelta(days=20)
    practice.opens_at = clock.now() - timedelta(days=1)
    db.session.flush()
    assert draw.assessment_questions(practice) == set()


def test_questions_drawn_into_an_assessments_attempts_are_avoided_too(org):
    root, dangzhang, other, in_subtree, *_ = _bank()
    exam = make_quiz(org.committee_admin, org.branch_a, [], publish=False, title="随机正式测试")
    services.add_draw_rule(org.committee_admin, exam, count=3, category=dangzhang)
    services.set_status(org.committee_admin, exam, QuizStatus.published)
    attempt = attempts.start_attempt(org.learner_a, exam)
    db.session.flush()
    practice = make_quiz(org.committee_admin, org.branch_a, [], publish=False, kind=QuizKind.practice,
                         avoids_assessment_questions=True)
    assert draw.assessment_questions(practice) == {item.question_id for item in attempt.items}
