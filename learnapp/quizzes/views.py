"""Learner pages: my quizzes, taking an attempt (autosave + plain form posts), results, 错题本.

The building (admin_views) and report (report_views) pages hang on the same blueprint.
"""

from __future__ import annotations

from flask import flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnapp import clock
from learnapp.db import write_after_reads
from learnapp.errors import FAILED, save_action, try_save, wants_json
from learnapp.materials import list_queries
from learnapp.materials.queries import materials_by_point, materials_for_knowledge_points
from learnapp.materials.rendering import render_markdown
from learnapp.quizzes import attempts, queries, review
from learnapp.quizzes.blueprint import bp
from learnapp.quizzes.models import AttemptState, QuizKind, QuizStatus, ReviewItem
from learnapp.quizzes.queries import get_own_attempt_or_404, get_quiz_for_learner_or_404


@bp.get("/")
@login_required
def index():
    return render_template("quizzes/index.html", rows=queries.my_quizzes(current_user), now=clock.now())


@bp.get("/<int:quiz_id>")
@login_required
def quiz_info(quiz_id: int):
    quiz = get_quiz_for_learner_or_404(current_user, quiz_id)
    participant = queries.participant(current_user, quiz)
    my_attempts = queries.my_attempts(current_user, quiz)
    open_attempt = next((a for a in my_attempts if a.state == AttemptState.in_progress), None)
    reason = attempts.availability(current_user, quiz)
    if reason is None and open_attempt is None and attempts.attempts_left(quiz, participant) == 0:
        reason = _("You have used all %(n)d attempts of this quiz.", n=quiz.max_attempts)
    return render_template("quizzes/quiz.html", quiz=quiz, participant=participant, attempts=my_attempts,
                           open_attempt=open_attempt, reason=reason, left=attempts.attempts_left(quiz, participant),
                           question_count=sum(1 if s.kind.value == "fixed" else s.count for s in quiz.slots),
                           state=queries.quiz_state(quiz), show_score=review.score_visible(quiz),
                           description=render_markdown(quiz.description))


@bp.post("/<int:quiz_id>/start")
@login_required
def start(quiz_id: int):
    quiz = get_quiz_for_learner_or_404(current_user, quiz_id)
    started = save_action(lambda: attempts.start_attempt(current_user, quiz))
    if started is FAILED:
        # start_attempt submits an attempt whose time ran out before it refuses a new one; the
        # refusal undid that, and the old attempt must be submitted whatever happens next.
        current = attempts.open_attempt(quiz, current_user)
        if current is not None:
            attempts.close_if_overdue(current)
        return redirect(url_for("quizzes.quiz_info", quiz_id=quiz_id))
    return redirect(url_for("quizzes.attempt", attempt_id=started.id))


def _finish_overdue(attempt) -> bool:
    """Submit an overdue attempt (in a write transaction of its own, also in a GET) before anything
    else touches it."""
    if not attempts.is_overdue(attempt):
        return False
    attempt_id = attempt.id
    with write_after_reads():
        if attempts.submit_attempt(attempt_id, auto=True):
            flash(_("Time was up: your attempt was submitted with the answers saved before the deadline."), "warning")
    return True


@bp.get("/attempts/<int:attempt_id>")
@login_required
def attempt(attempt_id: int):
    attempt = get_own_attempt_or_404(current_user, attempt_id)
    if _finish_overdue(attempt) or attempt.state != AttemptState.in_progress:
        return redirect(url_for("quizzes.result", attempt_id=attempt_id))
    items = [review.taking_item(item) for item in attempt.items]
    return render_template("quizzes/attempt.html", attempt=attempt, quiz=attempt.quiz, items=items,
                           seconds_left=attempts.seconds_left(attempt), blank_html=review.blank_html)


def _answer(attempt_id: int, action: str):
    attempt = get_own_attempt_or_404(current_user, attempt_id, items=False)
    json = wants_json()
    result_url = url_for("quizzes.result", attempt_id=attempt_id)
    if _finish_overdue(attempt) or attempt.state != AttemptState.in_progress:
        if json:
            return jsonify({"state": "finished", "redirect": result_url,
                            "message": _("This attempt has been submitted.")}), 409
        return redirect(result_url)
    if action == "submit":
        changed, refused = try_save(lambda: attempts.save_and_submit(current_user, attempt, request.form, actor=current_user))
    else:
        changed, refused = try_save(lambda: attempts.save_responses(current_user, attempt, request.form))
    if refused is not None:
        if json:
            return jsonify({"error": "invalid", "message": "; ".join(refused.messages)}), 422
        for message in refused.messages:
            flash(message, "error")
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    if action == "submit":
        if json:
            return jsonify({"state": "finished", "redirect": result_url})
        flash(_("Your answers were submitted."), "success")
        return redirect(result_url)
    if json:
        return jsonify({"state": "in_progress", "saved": changed, "saved_at": clock.now().isoformat(),
                        "seconds_left": attempts.seconds_left(attempt)})
    flash(_("Your answers were saved."), "success")
    return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))


@bp.post("/attempts/<int:attempt_id>/save")
@login_required
def save(attempt_id: int):
    """Autosave (fetch, JSON answer) and the page's Save button (plain form post)."""
    return _answer(attempt_id, "submit" if request.form.get("action") == "submit" else "save")


@bp.post("/attempts/<int:attempt_id>/submit")
@login_required
def submit(attempt_id: int):
    """Save what the form carries, then submit. A second submission changes nothing."""
    return _answer(attempt_id, "submit")


@bp.get("/attempts/<int:attempt_id>/result")
@login_required
def result(attempt_id: int):
    attempt = get_own_attempt_or_404(current_user, attempt_id)
    if _finish_overdue(attempt):
        attempt = get_own_attempt_or_404(current_user, attempt_id)
    if attempt.state == AttemptState.in_progress:
        return redirect(url_for("quizzes.attempt", attempt_id=attempt_id))
    show = review.allowed(attempt)
    items = [review.result_item(item, show) for item in attempt.items]
    return render_template("quizzes/result.html", attempt=attempt, quiz=attempt.quiz, items=items, show=show,
                           ReviewItem=ReviewItem, blank_html=review.blank_html, show_items=bool(show - {ReviewItem.score}),
                           participant=queries.participant(current_user, attempt.quiz))


@bp.get("/mistakes")
@login_required
def mistakes():
    entries = queries.mistakes(current_user)
    lists, reading = list_queries.reading_of_this_year(current_user)
    required = {item.material.id for status in lists for item in status.required}
    done = reading.completed
    points: dict[str, int] = {}
    for entry in entries:
        for point in entry["item"].version.knowledge_points or []:
            points[point] = points.get(point, 0) + 1
    by_point = materials_by_point(points, per_point=2, prefer=required, done=done)
    for entry in entries:
        version = entry["item"].version
        entry["view"] = review.result_item(entry["item"], entry["show"])
        related = list({m.id: m for p in version.knowledge_points or [] for m in by_point.get(p, [])}.values())[:3]
        if not related and version.source:
            related = materials_for_knowledge_points([], [version.source], limit=3, prefer=required, done=done)
        entry["materials"] = related
        entry["version"] = version
    review_points = [(point, n, by_point.get(point, [])) for point, n in sorted(points.items(), key=lambda pair: -pair[1])]
    return render_template("quizzes/mistakes.html", entries=entries, ReviewItem=ReviewItem, blank_html=review.blank_html,
                           material_url=_material_url, review_points=review_points, required=required, done=done)


def _material_url(material) -> str:
    """The material's reading page."""
    return url_for("materials.read", slug=material.slug)


def quizzes_panel(user):
    """Home panel: quizzes open to the person now, and an attempt to continue."""
    rows = [r for r in queries.my_quizzes_now(user) if r["state"] == "open" and r["quiz"].status == QuizStatus.published]
    todo = [r for r in rows if r["open_attempt"] or (r["participant"] is None or r["participant"].counted_bp is None)]
    if not todo:
        return None
    return {"template": "quizzes/_panel.html", "quiz_rows": todo[:5], "QuizKind": QuizKind}
