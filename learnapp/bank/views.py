"""Question bank pages: category tree and question list with filters, question detail with its
versions, the editor (a new version on each edit), retire/restore, preview, categories.

Who may do what is decided in bank/access.py; import and export pages are in import_views.py.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learnapp.bank import access, queries, services
from learnapp.bank.blueprint import bp
from learnapp.bank.forms import CategoryForm, QuestionForm
from learnapp.bank.models import KIND_LABELS, QuestionKind, QuestionVersion
from learnapp.bank.rendering import plain_snippet, render_markdown, render_stem
from learnapp.db import db
from learnapp.errors import FAILED, DomainError, save_action, save_form
from learnapp.org import queries as org_queries
from learnapp.org.models import Branch
from learnapp.security import is_committee_admin, managed_branches, require, require_role

PER_PAGE = 30


@bp.app_template_global("bank_render")
def _bank_render(text, inline=False):
    return render_markdown(text, inline=inline)


@bp.app_template_global("bank_stem")
def _bank_stem(text, inline=False):
    return render_stem(text, inline=inline)


@bp.app_template_global("bank_snippet")
def _bank_snippet(text, length=80):
    return plain_snippet(text, length)


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.get("/")
@require_role(access.can_open_bank)
def index():
    """Category tree beside the filtered question list."""
    kind = request.args.get("kind") or None
    filters = queries.QuestionFilters(
        category_id=_int_arg("category"), kind=kind if kind in QuestionKind.__members__ else None,
        source=request.args.get("source") or None, knowledge_point=request.args.get("kp") or None,
        tag=request.args.get("tag") or None, difficulty=_int_arg("difficulty"),
        retired=request.args.get("retired") if request.args.get("retired") in ("active", "retired", "all") else "active",
        text=(request.args.get("q") or "").strip()[:200] or None,
    )
    category = None
    if filters.category_id:
        category = access.get_category_or_404(current_user, filters.category_id)
    page = queries.questions_page(current_user, filters, _int_arg("page") or 1, PER_PAGE)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("bank/index.html", tree=queries.category_tree(current_user), page=page, filters=filters,
                           category=category, facets=queries.facets(current_user), kinds=KIND_LABELS, args=args,
                           can_create_root=access.can_create_root(current_user))


# --- categories -----------------------------------------------------------------------------

def _owner_choices() -> list[tuple[int, str]]:
    choices = [(0, _("The committee's bank"))] if is_committee_admin(current_user) else []
    branches = org_queries.active_branches_by_path(managed_branches(current_user))
    return choices + [(b.id, b.name) for b in branches]


@bp.route("/categories/new", methods=["GET", "POST"])
@require_role(access.can_create_root)
def category_new():
    """A new category: under ?parent=ID, or a top-level one in a bank the user may change."""
    parent = None
    if _int_arg("parent"):
        parent = access.get_category_or_404(current_user, _int_arg("parent"), edit=True)
    form = CategoryForm()
    form.parent_id.choices = [(parent.id, parent.name)] if parent else [(0, "—")]
    form.branch_id.choices = _owner_choices()
    if form.validate_on_submit():
        branch = None
        if parent is None and form.branch_id.data:
            branch = db.session.get(Branch, form.branch_id.data)
            require(branch is not None and form.branch_id.data in {c.value for c in form.branch_id.choices}, not_found=True)
        category = save_form(form, lambda: services.create_category(
            current_user, form.name.data, parent, branch=branch, description=form.description.data or ""))
        if category is not FAILED:
            flash(_("Category %(name)s created.", name=category.name), "success")
            return redirect(url_for("bank.index", category=category.id))
    return render_template("bank/category_form.html", form=form, parent=parent, category=None)


@bp.route("/categories/<int:category_id>/edit", methods=["GET", "POST"])
@require_role(access.can_open_bank)
def category_edit(category_id: int):
    """Rename, describe or move a category; delete it when empty."""
    category = access.get_category_or_404(current_user, category_id, edit=True)
    form = CategoryForm(obj=category if request.method == "GET" else None)
    moves = [(cid, label) for cid, label in queries.category_options(current_user, editable=True)
             if cid != category.id and not _is_below(cid, category)]
    form.parent_id.choices = ([(0, "—")] if category.parent_id is None else []) + moves
    form.branch_id.choices = [(category.branch_id or 0, category.branch.name if category.branch else _("The committee's bank"))]
    if request.method == "GET":
        form.parent_id.data = category.parent_id or 0

    def save():
        services.update_category(current_user, category, form.name.data, form.description.data or "")
        if form.parent_id.data and form.parent_id.data != category.parent_id:
            new_parent = access.get_category_or_404(current_user, form.parent_id.data, edit=True)
            services.move_category(current_user, category, new_parent)

    if form.validate_on_submit() and save_form(form, save) is not FAILED:
        flash(_("Category saved."), "success")
        return redirect(url_for("bank.index", category=category.id))
    return render_template("bank/category_form.html", form=form, parent=category.parent, category=category)


def _is_below(candidate_id: int, category) -> bool:
    candidate = db.session.get(type(category), candidate_id)
    return candidate is not None and candidate.path.startswith(category.path)


@bp.post("/categories/<int:category_id>/delete")
@require_role(access.can_open_bank)
def category_delete(category_id: int):
    category = access.get_category_or_404(current_user, category_id, edit=True)
    parent_id = category.parent_id
    if save_action(lambda: services.delete_category(current_user, category), joined=True) is FAILED:
        return redirect(url_for("bank.category_edit", category_id=category_id))
    flash(_("Category deleted."), "success")
    return redirect(url_for("bank.index", category=parent_id) if parent_id else url_for("bank.index"))


# --- questions ------------------------------------------------------------------------------

def _editor_reasons(exc: DomainError, kind: QuestionKind) -> DomainError:
    """Point the service's reasons at the editor's fields."""
    answer_field = {QuestionKind.truefalse: "tf_answer", QuestionKind.fill_blank: "blanks"}.get(kind, "correct")
    mapping = {"options": "correct", "answer": answer_field}
    return DomainError([(mapping.get(f, f), m) for f, m in exc.reasons])


@bp.route("/questions/new", methods=["GET", "POST"])
@require_role(access.can_open_bank)
def question_new():
    """The editor for a new question; the kind (?kind=) is chosen first and fixed for good."""
    kind_arg = request.args.get("kind", "")
    options = queries.category_options(current_user, editable=True)
    require(bool(options))
    if kind_arg not in QuestionKind.__members__:
        return render_template("bank/choose_kind.html", kinds=KIND_LABELS, category=_int_arg("category"))
    kind = QuestionKind(kind_arg)
    form = QuestionForm()
    form.category_id.choices = options
    if request.method == "GET" and _int_arg("category"):
        form.category_id.data = access.get_category_or_404(current_user, _int_arg("category"), edit=True).id
    if form.validate_on_submit():
        category = access.get_category_or_404(current_user, form.category_id.data, edit=True)
        question = save_form(form, lambda: services.create_question(current_user, category, form.to_parsed(kind)),
                             explain=lambda exc: _editor_reasons(exc, kind))
        if question is not FAILED:
            flash(_("Question saved."), "success")
            return redirect(url_for("bank.question_detail", question_id=question.id))
    return render_template("bank/question_form.html", form=form, kind=kind, question=None)


@bp.get("/questions/<int:question_id>")
@require_role(access.can_open_bank)
def question_detail(question_id: int):
    """A question with answers and explanation; ?v=N shows an older version."""
    question = access.get_question_or_404(current_user, question_id)
    versions = queries.versions_of(question)
    shown = question.current_version
    if _int_arg("v"):
        shown = next((v for v in versions if v.number == _int_arg("v")), None)
        require(shown is not None, not_found=True)
    return render_template("bank/question_detail.html", question=question, version=shown, versions=versions,
                           path=services.path_names(question.category),
                           can_edit=access.can_edit_question(current_user, question))


@bp.get("/questions/<int:question_id>/preview")
@require_role(access.can_open_bank)
def question_preview(question_id: int):
    """The question as a learner sees it in a quiz (inputs only; the answer folded away)."""
    question = access.get_question_or_404(current_user, question_id)
    return render_template("bank/preview.html", question=question, version=question.current_version)


@bp.route("/questions/<int:question_id>/edit", methods=["GET", "POST"])
@require_role(access.can_open_bank)
def question_edit(question_id: int):
    """Edit a question: saving a changed text makes a new version; old versions stay as they were."""
    question = access.get_question_or_404(current_user, question_id, edit=True)
    current: QuestionVersion = question.current_version
    kind = QuestionKind(current.kind)
    form = QuestionForm()
    form.category_id.choices = queries.category_options(current_user, editable=True)
    if request.method == "GET":
        form.fill_from(current)
        form.category_id.data = question.category_id
    if form.validate_on_submit():
        category = access.get_category_or_404(current_user, form.category_id.data, edit=True)
        version = save_form(form, lambda: services.edit_question(
            current_user, question, form.to_parsed(kind), category=category, note=form.change_note.data or ""),
            explain=lambda exc: _editor_reasons(exc, kind))
        if version is not FAILED:
            if version is None:
                flash(_("Nothing in the question changed; no new version was made."), "warning")
            else:
                flash(_("Saved as version %(n)d.", n=version.number), "success")
            return redirect(url_for("bank.question_detail", question_id=question.id))
    return render_template("bank/question_form.html", form=form, kind=kind, question=question)


@bp.post("/questions/<int:question_id>/retire")
@require_role(access.can_open_bank)
def question_retire(question_id: int):
    question = access.get_question_or_404(current_user, question_id, edit=True)
    services.retire_question(current_user, question)
    flash(_("Question retired: new quizzes will not use it; past attempts keep it."), "success")
    return redirect(url_for("bank.question_detail", question_id=question.id))


@bp.post("/questions/<int:question_id>/restore")
@require_role(access.can_open_bank)
def question_restore(question_id: int):
    question = access.get_question_or_404(current_user, question_id, edit=True)
    services.restore_question(current_user, question)
    flash(_("Question restored."), "success")
    return redirect(url_for("bank.question_detail", question_id=question.id))
