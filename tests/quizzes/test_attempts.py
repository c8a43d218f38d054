"""Taking a quiz at the service level: deadline, saving, submitting once, limits, results, credit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from learnapp.errors import DomainError
from learnapp.ledger.models import Category, LedgerEntry
from learnapp.quizzes import attempts, results, services
from learnapp.quizzes.models import Attempt, AttemptState, GradingMethod, QuizKind, QuizParticipant
from tests.helpers.quizzes import Bank, form_for, make_quiz, right_answers


@pytest.fixture
def bank(org, db):
    bank = Bank()
    db.session.commit()
    return bank


def _credit_entries(db, user):
    return db.session.scalars(select(LedgerEntry).where(LedgerEntry.user_id == user.id,
                                                        LedgerEntry.category == Category.test_passed)).all()


def test_deadline_is_fixed_by_the_server_at_start(org, bank, clock, db):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, time_limit_minutes=30,
                     closes_at=clock.now() + timedelta(minutes=20))
    attempt = attempts.start_attempt(org.learner_a, quiz)
    assert attempt.deadline_at == clock.now() + timedelta(minutes=20)  # the close time comes first
    quiz2 = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, time_limit_minutes=30)
    attempt2 = attempts.start_attempt(org.learner_a, quiz2)
    assert attempt2.deadline_at == clock.now() + timedelta(minutes=30)
    assert attempts.seconds_left(attempt2) == 1800


def test_start_resumes_the_open_attempt(org, bank, db):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions)
    first = attempts.start_attempt(org.learner_a, quiz)
    db.session.commit()
    again = attempts.start_attempt(org.learner_a, quiz)
    assert again.id == first.id
    assert db.session.scalar(select(func.count(Attempt.id))) == 1


def test_saved_answers_survive_and_are_graded(org, bank, db, clock):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions)
    attempt = attempts.start_attempt(org.learner_a, quiz)
    db.session.commit()
    attempts.save_responses(org.learner_a, attempt, form_for(attempt, {bank.single.id: "A", bank.truefalse.id: True}))
    db.session.commit()
    db.session.expire_all()  # as after a restart: everything comes from the database
    attempt = db.session.get(Attempt, attempt.id)
    saved = {i.question_id: i.response for i in attempt.items}
    assert saved[bank.single.id] == "A" and saved[bank.truefalse.id] is True
    assert attempts.submit_attempt(attempt.id) is True
    db.session.commit()
    assert attempt.state == AttemptState.graded
    assert attempt.score_hundredths == 300  # single 2 points + true/false 1 point of 7
    assert attempt.max_score_hundredths == 700
    assert attempt.score_bp == 4286
    assert attempt.passed is False


def test_a_tampered_form_stores_nothing_odd(org, bank, db):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions)
    attempt = attempts.start_attempt(org.learner_a, quiz)
    attempts.save_responses(org.learner_a, attempt, form_for(attempt, {bank.single.id: "Z", bank.multiple.id: ["A", "X"]}))
    saved = {i.question_id: i.response for i in attempt.items}
    assert saved[bank.single.id] is None
    assert saved[bank.multiple.id] == ["A"]
    with pytest.raises(DomainError):
        attempts.save_responses(org.learner_b, attempt, form_for(attempt, {}))


def test_submitting_twice_grades_once_and_credits_once(org, bank, db):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions)
    attempt = attempts.start_attempt(org.learner_a, quiz)
    attempts.save_responses(org.learner_a, attempt, form_for(attempt, right_answers(bank)))
    assert attempts.submit_attempt(attempt.id) is True
    assert attempts.submit_attempt(attempt.id) is False
    db.session.commit()
    assert attempt.score_bp == 10000 and attempt.passed
    entries = _credit_entries(db, org.learner_a)
    assert len(entries) == 1
    assert entries[0].credit_hundredths == 50 and entries[0].source_type == "quiz" and entries[0].source_id == str(quiz.id)
    with pytest.raises(DomainError):
        attempts.save_responses(org.learner_a, attempt, form_for(attempt, {}))


def test_passing_again_in_a_new_attempt_credits_nothing_more(org, bank, db):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, kind=QuizKind.practice, max_attempts=None)
    for _ in range(2):
        attempt = attempts.start_attempt(org.learner_a, quiz)
        attempts.save_responses(org.learner_a, attempt, form_for(attempt, right_answers(bank)))
        attempts.submit_attempt(attempt.id)
        db.session.commit()
    assert len(_credit_entries(db, org.learner_a)) == 1


def test_late_answers_are_not_saved_and_overdue_attempts_submit_with_what_was_saved(org, bank, db, clock):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, time_limit_minutes=10)
    attempt = attempts.start_attempt(org.learner_a, quiz)
    attempts.save_responses(org.learner_a, attempt, form_for(attempt, {bank.single.id: "A"}))
    db.session.commit()
    clock.advance(minutes=10, seconds=20)  # within the grace period: a save on its way still counts
    attempts.save_responses(org.learner_a, attempt, form_for(attempt, {bank.single.id: "A", bank.truefalse.id: True}))
    db.session.commit()
    clock.advance(minutes=5)
    with pytest.raises(DomainError):
        attempts.save_responses(org.learner_a, attempt, form_for(attempt, right_answers(bank)))
    db.session.rollback()
    assert attempts.close_if_overdue(attempt) is True
    db.session.commit()
    assert attempt.state == AttemptState.graded and attempt.auto_submitted
    assert attempt.submitted_at == attempt.deadline_at
    assert attempt.score_hundredths == 300


def test_close_overdue_command(app, org, bank, db, clock):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, time_limit_minutes=10)
    late = attempts.start_attempt(org.learner_a, quiz)
    other = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, time_limit_minutes=60)
    on_time = attempts.start_attempt(org.learner_a, other)
    db.session.commit()
    clock.advance(minutes=30)
    result = CliRunner().invoke(app.cli, ["quizzes", "close-overdue"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "1" in result.output
    db.session.expire_all()
    assert db.session.get(Attempt, late.id).state == AttemptState.graded
    assert db.session.get(Attempt, on_time.id).state == AttemptState.in_progress


def test_attempt_limit(org, bank, db):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, max_attempts=2)
    for _ in range(2):
        attempt = attempts.start_attempt(org.learner_a, quiz)
        attempts.submit_attempt(attempt.id)
        db.session.commit()
    with pytest.raises(DomainError, match="2"):
        attempts.start_attempt(org.learner_a, quiz)


def test_window_and_audience(org, bank, db, clock):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions,
                     opens_at=clock.now() + timedelta(hours=1), closes_at=clock.now() + timedelta(hours=2),
                     time_limit_minutes=None)
    db.session.commit()
    with pytest.raises(DomainError):
        attempts.start_attempt(org.learner_a, quiz)  # not open yet
    db.session.rollback()
    clock.advance(hours=1, minutes=1)
    with pytest.raises(DomainError):
        attempts.start_attempt(org.learner_c, quiz)  # branch_c is not in the audience
    db.session.rollback()
    assert attempts.start_attempt(org.learner_a, quiz).deadline_at == quiz.closes_at
    db.session.commit()
    clock.advance(hours=2)
    assert attempts.availability(org.learner_b, quiz)  # closed


@pytest.mark.parametrize("method,expected", [("highest", 10000), ("first", 0), ("last", 5714), ("average", 5238)])
def test_grading_method_over_attempts(org, bank, db, method, expected):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, kind=QuizKind.practice,
                     max_attempts=None, grading_method=GradingMethod(method))
    answer_sets = [{}, right_answers(bank), {bank.single.id: "A", bank.fill.id: ["全国代表大会", "中央委员会"]}]
    for answers in answer_sets:
        attempt = attempts.start_attempt(org.learner_a, quiz)
        attempts.save_responses(org.learner_a, attempt, form_for(attempt, answers))
        attempts.submit_attempt(attempt.id)
        db.session.commit()
    participant = db.session.scalar(select(QuizParticipant).where(QuizParticipant.quiz_id == quiz.id))
    assert participant.counted_bp == expected
    assert participant.attempts_graded == 3 and participant.year == 2026


def test_new_pass_mark_recounts_results(org, bank, db):
    quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions)
    attempt = attempts.start_attempt(org.learner_a, quiz)
    attempts.save_responses(org.learner_a, attempt, form_for(attempt, {bank.single.id: "A", bank.truefalse.id: True}))
    attempts.submit_attempt(attempt.id)
    db.session.commit()
    participant = db.session.scalar(select(QuizParticipant).where(QuizParticipant.quiz_id == quiz.id))
    assert participant.passed is False
    services.update_quiz(org.committee_admin, quiz, pass_bp=4000)
    db.session.commit()
    assert participant.passed is True
    assert len(_credit_entries(db, org.learner_a)) == 1
    with pytest.raises(DomainError):
        services.update_quiz(org.committee_admin, quiz, kind=QuizKind.practice)  # frozen once taken


def test_later_edit_of_a_question_never_changes_a_past_score(org, bank, db):
    from tests.helpers.quizzes import add_version, opts

    quiz = make_quiz(org.committee_admin, org.branch_a, [bank.single])
    attempt = attempts.start_attempt(org.learner_a, quiz)
    attempts.save_responses(org.learner_a, attempt, form_for(attempt, {bank.single.id: "A"}))
    attempts.submit_attempt(attempt.id)
    db.session.commit()
    given_version = attempt.items[0].question_version_id
    add_version(bank.single, "single", "改过的题干", options=opts(("A", "错", 0), ("B", "对", 100)))
    db.session.commit()
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt.id)
    assert attempt.items[0].question_version_id == given_version
    assert attempt.score_bp == 10000


def test_essay_waits_for_a_person_then_counts(org, bank, db):
    quiz = make_quiz(org.committee_admin, org.branch_a, [bank.truefalse, bank.essay])
    attempt = attempts.start_attempt(org.learner_a, quiz)
    attempts.save_responses(org.learner_a, attempt, form_for(attempt, {bank.truefalse.id: True, bank.essay.id: "增强政治意识"}))
    attempts.submit_attempt(attempt.id)
    db.session.commit()
    assert attempt.state == AttemptState.pending_review and attempt.score_bp is None
    essay_item = next(i for i in attempt.items if i.question_id == bank.essay.id)
    with pytest.raises(DomainError):
        results.grade_item_manually(org.committee_admin, essay_item, 600)  # more than its 5 points
    results.grade_item_manually(org.committee_admin, essay_item, 350, "理解较好")
    db.session.commit()
    assert attempt.state == AttemptState.graded
    assert attempt.score_hundredths == 450 and attempt.score_bp == 7500 and attempt.passed


def test_unanswered_essay_is_zero_without_a_grader(org, bank, db):
    quiz = make_quiz(org.committee_admin, org.branch_a, [bank.truefalse, bank.essay])
    attempt = attempts.start_attempt(org.learner_a, quiz)
    attempts.submit_attempt(attempt.id)
    assert attempt.state == AttemptState.graded and attempt.score_hundredths == 0
