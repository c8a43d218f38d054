"""Quiz reports (admins and auditors, scoped), item analysis, XLSX export, the essay grading queue."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learnapp import clock
from learnapp.audit.exports import record_export
from learnapp.db import db
from learnapp.errors import FAILED, save_form
from learnapp.quizzes import analysis, export, queries, results, review
from learnapp.quizzes.blueprint import bp
from learnapp.quizzes.forms import GradeForm
from learnapp.quizzes.models import Attempt, QuizKind, ReviewItem
from learnapp.security import (
    can_read_reports,
    can_view_user,
    get_visible_user_or_404,
    is_branch_admin,
    require_role,
    visible_users,
)
from learnapp.web import format_credit

ALL_REVIEW = set(ReviewItem)


@bp.get("/reports")
@require_role(can_read_reports)
def reports():
    quizzes = queries.quizzes_to_read(current_user)
    return render_template("quizzes/reports.html", quizzes=quizzes)


@bp.get("/reports/<int:quiz_id>")
@require_role(can_read_reports)
def report(quiz_id: int):
    quiz = queries.get_readable_quiz_or_404(current_user, quiz_id)
    data = analysis.quiz_report(quiz, visible_users(current_user))
    return render_template("quizzes/report.html", quiz=quiz, report=data, QuizKind=QuizKind)


@bp.get("/reports/<int:quiz_id>/items")
@require_role(can_read_reports)
def item_analysis(quiz_id: int):
    quiz = queries.get_readable_quiz_or_404(current_user, quiz_id)
    items = analysis.item_analysis(quiz, visible_users(current_user))
    return render_template("quizzes/items.html", quiz=quiz, items=items, render=review.render_markdown)


@bp.get("/reports/<int:quiz_id>/export.xlsx")
@require_role(can_read_reports)
def report_xlsx(quiz_id: int):
    quiz = queries.get_readable_quiz_or_404(current_user, quiz_id)
    scope = visible_users(current_user)
    body = export.report_xlsx(analysis.quiz_report(quiz, scope), analysis.item_analysis(quiz, scope))
    stamp = clock.to_local(clock.now()).strftime("%Y%m%d")
    record_export(current_user, "quiz_report", quiz, branch=quiz.branch, summary=f"quiz-{quiz.id}-{stamp}.xlsx")
    response = Response(body, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response.headers["Content-Disposition"] = f"attachment; filename=quiz-{quiz.id}-{stamp}.xlsx"
    return response


@bp.get("/reports/<int:quiz_id>/people/<int:user_id>")
@require_role(can_read_reports)
def attempts_of(quiz_id: int, user_id: int):
    """One person's attempts at an assessment quiz (practice attempts stay the learner's own)."""
    quiz = queries.get_readable_quiz_or_404(current_user, quiz_id)
    person = get_visible_user_or_404(current_user, user_id)
    if quiz.kind != QuizKind.assessment:
        abort(404)
    attempts = queries.attempts_at(quiz, person)
    return render_template("quizzes/attempts_of.html", quiz=quiz, person=person, attempts=attempts)


@bp.get("/reports/attempts/<int:attempt_id>")
@require_role(can_read_reports)
def attempt_detail(attempt_id: int):
    """One person's attempt with every answer, for admins and auditors who may see that person.

    Practice attempts are the learner's own business: not shown to anyone else.
    """
    attempt = db.session.get(Attempt, attempt_id)
    if (attempt is None or attempt.quiz.kind != QuizKind.assessment or not can_view_user(current_user, attempt.user)
            or not queries.is_readable_quiz(current_user, attempt.quiz_id)):
        abort(404)
    items = [review.result_item(item, ALL_REVIEW) for item in attempt.items] if attempt.finished else []
    return render_template("quizzes/attempt_detail.html", attempt=attempt, quiz=attempt.quiz, items=items,
                           ReviewItem=ReviewItem, show=ALL_REVIEW, blank_html=review.blank_html)


@bp.get("/grading")
@require_role(is_branch_admin)
def grading_queue():
    rows = queries.grading_queue_rows(current_user, 200)
    return render_template("quizzes/grading_queue.html", rows=rows)


@bp.route("/grading/<int:item_id>", methods=["GET", "POST"])
@require_role(is_branch_admin)
def grade_item(item_id: int):
    item = queries.get_gradable_item_or_404(current_user, item_id)
    if not item.attempt.finished:
        abort(404)
    form = GradeForm()
    if request.method == "GET" and item.score_hundredths is not None:
        form.score.data = format_credit(item.score_hundredths)  # same "1.25" notation for hundredths
        form.feedback.data = item.feedback
    if form.validate_on_submit():
        if save_form(form, lambda: results.grade_item_manually(current_user, item, form.score_hundredths(), form.feedback.data or "")) is not FAILED:
            flash(_("The grade was saved."), "success")
            return redirect(url_for("quizzes.grading_queue"))
    view = review.result_item(item, ALL_REVIEW)
    return render_template("quizzes/grade_item.html", item=item, view=view, form=form, attempt=item.attempt)
