"""Building quizzes: committee admins for everyone, branch admins for their subtree."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learnapp.accounts import queries as accounts_queries
from learnapp.bank import queries as bank_queries
from learnapp.bank.access import get_category_or_404
from learnapp.db import db
from learnapp.errors import FAILED, save_action, save_form
from learnapp.org import queries as org_queries
from learnapp.org.models import Branch
from learnapp.quizzes import audience as audience_rules
from learnapp.quizzes import draw, queries, review, services
from learnapp.quizzes.blueprint import bp
from learnapp.quizzes.forms import AudienceForm, DrawForm, FixedForm, QuizForm
from learnapp.quizzes.models import Quiz, QuizKind, QuizSlot, QuizStatus
from learnapp.security import is_branch_admin, managed_branches, require_role

QUESTION_PAGE = 50


def _branch_choices() -> list[tuple[int, str]]:
    branches = org_queries.active_branches_by_path(managed_branches(current_user))
    return [(b.id, "　" * b.depth + b.name) for b in branches]


@bp.get("/manage")
@require_role(is_branch_admin)
def manage():
    quizzes = queries.quizzes_to_manage(current_user)
    return render_template("quizzes/manage.html", quizzes=quizzes, pending=queries.grading_queue_count(current_user))


@bp.route("/manage/new", methods=["GET", "POST"])
@require_role(is_branch_admin)
def create():
    form = QuizForm()
    form.branch_id.choices = _branch_choices()
    if request.method == "GET":
        kind = request.args.get("kind", "assessment")
        defaults = services.default_settings(QuizKind(kind if kind in ("practice", "assessment") else "assessment"))
        form.kind.data = defaults["kind"].value
        form.max_attempts.data = defaults["max_attempts"]
        form.time_limit_minutes.data = defaults["time_limit_minutes"]
        form.choice_scoring.data = defaults["choice_scoring"].value
        form.review_after_submit.data = defaults["review_after_submit"]
        form.review_after_close.data = defaults["review_after_close"]
    if form.validate_on_submit():
        branch = db.session.get(Branch, form.branch_id.data)
        quiz = save_form(form, lambda: services.create_quiz(current_user, branch, **form.values()))
        if quiz is not FAILED:
            flash(_("The quiz was created as a draft. Now add its questions."), "success")
            return redirect(url_for("quizzes.questions", quiz_id=quiz.id))
    return render_template("quizzes/edit.html", form=form, quiz=None)


@bp.route("/manage/<int:quiz_id>", methods=["GET", "POST"])
@require_role(is_branch_admin)
def edit(quiz_id: int):
    quiz = queries.get_manageable_quiz_or_404(current_user, quiz_id)
    form = QuizForm()
    form.branch_id.choices = [(quiz.branch_id, quiz.branch.name)]
    if request.method == "GET":
        form.fill_from(quiz)
    if form.validate_on_submit():
        if save_form(form, lambda: services.update_quiz(current_user, quiz, **form.values())) is not FAILED:
            flash(_("The quiz was saved."), "success")
            return redirect(url_for("quizzes.edit", quiz_id=quiz.id))
    return render_template("quizzes/edit.html", form=form, quiz=quiz, taken=services.has_attempts(quiz),
                           problems=services.publish_problems(quiz) if quiz.status == QuizStatus.draft else [])


def _category_choices() -> list[tuple[int, str]]:
    cats = bank_queries.categories_by_path(current_user)
    return [(c.id, "　" * c.depth + c.name) for c in cats]


@bp.get("/manage/<int:quiz_id>/questions")
@require_role(is_branch_admin)
def questions(quiz_id: int):
    quiz = queries.get_manageable_quiz_or_404(current_user, quiz_id)
    draw_form = DrawForm()
    categories = _category_choices()
    draw_form.category_id.choices = categories
    fixed_form = FixedForm()
    category_id = request.args.get("category", type=int)
    text = (request.args.get("q") or "").strip()
    category = get_category_or_404(current_user, category_id) if category_id else None
    found = bank_queries.current_questions_matching(current_user, category, text, QUESTION_PAGE)
    in_quiz = {s.question_id for s in quiz.slots if s.question_id}
    shortfalls = {s.id: draw.slot_shortfall(s) for s in quiz.slots}
    return render_template("quizzes/questions.html", quiz=quiz, draw_form=draw_form, fixed_form=fixed_form,
                           found=found, in_quiz=in_quiz, category_id=category_id, q=text,
                           categories=categories, shortfalls=shortfalls,
                           taken=services.has_attempts(quiz))


def _back_to_questions(quiz: Quiz):
    return redirect(url_for("quizzes.questions", quiz_id=quiz.id))


@bp.post("/manage/<int:quiz_id>/questions/fixed")
@require_role(is_branch_admin)
def add_fixed(quiz_id: int):
    quiz = queries.get_manageable_quiz_or_404(current_user, quiz_id)
    form = FixedForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return _back_to_questions(quiz)
    chosen = bank_queries.usable_questions_among(current_user, form.question_ids.data)
    added = save_action(lambda: services.add_fixed_questions(current_user, quiz, list(chosen), form.points.data))
    if added is not FAILED:
        flash(_("%(n)d question(s) added.", n=added), "success")
    return _back_to_questions(quiz)


@bp.post("/manage/<int:quiz_id>/questions/draw")
@require_role(is_branch_admin)
def add_draw(quiz_id: int):
    quiz = queries.get_manageable_quiz_or_404(current_user, quiz_id)
    form = DrawForm()
    form.category_id.choices = _category_choices()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for message in errors:
                flash(message, "error")
        return _back_to_questions(quiz)
    category = bank_queries.visible_category(current_user, form.category_id.data)
    slot = save_action(lambda: services.add_draw_rule(
        current_user, quiz, count=form.count.data, category=category,
        include_subcategories=form.include_subcategories.data, tag=form.tag.data, points=form.points.data))
    if slot is not FAILED:
        short = draw.slot_shortfall(slot)
        if short:
            flash(_("The bank has only %(have)d matching questions for this draw.", have=slot.count - short), "warning")
        else:
            flash(_("The random draw was added."), "success")
    return _back_to_questions(quiz)


def _slot_or_404(quiz: Quiz, slot_id: int) -> QuizSlot:
    slot = next((s for s in quiz.slots if s.id == slot_id), None)
    if slot is None:
        abort(404)
    return slot


@bp.post("/manage/<int:quiz_id>/slots/<int:slot_id>/remove")
@require_role(is_branch_admin)
def remove_slot(quiz_id: int, slot_id: int):
    quiz = queries.get_manageable_quiz_or_404(current_user, quiz_id)
    slot = _slot_or_404(quiz, slot_id)
    save_action(lambda: services.remove_slot(current_user, quiz, slot))
    return _back_to_questions(quiz)


@bp.post("/manage/<int:quiz_id>/slots/<int:slot_id>/move")
@require_role(is_branch_admin)
def move_slot(quiz_id: int, slot_id: int):
    quiz = queries.get_manageable_quiz_or_404(current_user, quiz_id)
    slot = _slot_or_404(quiz, slot_id)
    save_action(lambda: services.move_slot(current_user, quiz, slot, -1 if request.form.get("direction") == "up" else 1))
    return _back_to_questions(quiz)


@bp.route("/manage/<int:quiz_id>/audience", methods=["GET", "POST"])
@require_role(is_branch_admin)
def audience(quiz_id: int):
    quiz = queries.get_manageable_quiz_or_404(current_user, quiz_id)
    form = AudienceForm()
    form.branches.choices = _branch_choices()
    if request.method == "GET":
        form.branches.data = [a.branch_id for a in quiz.audience_branches]
        form.stages.data = list(quiz.audience_stages or [])
        form.people.data = "\n".join(p.user.login_id for p in quiz.audience_people)
    if form.validate_on_submit():
        ids = form.login_ids()
        people = accounts_queries.people_by_login_ids(ids)
        unknown = sorted(set(ids) - {p.login_id for p in people})
        if unknown:
            form.people.errors.append(_("Unknown login IDs: %(ids)s", ids=", ".join(unknown)))
        else:
            branches = org_queries.branches_by_ids(form.branches.data or [])
            if save_form(form, lambda: services.set_audience(current_user, quiz, branches=list(branches),
                                                             stages=form.stages.data or [], people=list(people))) is not FAILED:
                flash(_("The audience was saved."), "success")
                return redirect(url_for("quizzes.audience", quiz_id=quiz.id))
    return render_template("quizzes/audience.html", quiz=quiz, form=form, size=audience_rules.audience_size(quiz))


@bp.post("/manage/<int:quiz_id>/status")
@require_role(is_branch_admin)
def set_status(quiz_id: int):
    quiz = queries.get_manageable_quiz_or_404(current_user, quiz_id)
    wanted = request.form.get("status", "")
    if wanted not in {s.value for s in QuizStatus}:
        flash(_("Unknown status."), "error")
        return redirect(url_for("quizzes.edit", quiz_id=quiz.id))
    if save_action(lambda: services.set_status(current_user, quiz, QuizStatus(wanted))) is not FAILED:
        flash(_("The quiz is now: %(status)s.", status=quiz.status.label), "success")
    return redirect(url_for("quizzes.edit", quiz_id=quiz.id))


@bp.post("/manage/<int:quiz_id>/copy")
@require_role(is_branch_admin)
def copy(quiz_id: int):
    quiz = queries.get_manageable_quiz_or_404(current_user, quiz_id)
    new = save_action(lambda: services.copy_quiz(current_user, quiz))
    if new is FAILED:
        return redirect(url_for("quizzes.edit", quiz_id=quiz.id))
    flash(_("A draft copy was made."), "success")
    return redirect(url_for("quizzes.edit", quiz_id=new.id))


@bp.get("/manage/<int:quiz_id>/preview")
@require_role(is_branch_admin)
def preview(quiz_id: int):
    """One sample draw with the answers, for the builder to check (nothing is recorded)."""
    quiz = queries.get_manageable_quiz_or_404(current_user, quiz_id)
    seed = request.args.get("seed", type=int) or 1
    planned = draw.plan(quiz, seed)
    # The draw carries version ids; the preview shows each version whole, answers included.
    versions = bank_queries.versions_by_id([p.version_id for p in planned])
    return render_template("quizzes/preview.html", quiz=quiz, planned=planned, versions=versions, seed=seed,
                           render=review.render_markdown)
