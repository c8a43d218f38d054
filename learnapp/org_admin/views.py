"""The organisation tree: everyone who administers or audits reads the tree of their scope;
committee admins create, rename, move, deactivate, reactivate and delete branches."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import true

from learnapp.accounts.forms import EmptyForm
from learnapp.accounts.models import Stage
from learnapp.db import db
from learnapp.errors import FAILED, save_action, save_form
from learnapp.org import queries as tree_queries
from learnapp.org.models import Branch, BranchKind
from learnapp.org_admin import queries, services
from learnapp.org_admin.forms import KIND_LABELS, BranchEditForm, BranchForm
from learnapp.security import (
    can_read_reports,
    get_visible_branch_or_404,
    is_committee_admin,
    require_role,
    visible_branches,
)

bp = Blueprint("org", __name__, url_prefix="/org")


@bp.app_template_filter("branch_kind")
def branch_kind_label(kind: BranchKind) -> str:
    return str(KIND_LABELS[BranchKind(kind)])


@bp.get("/")
@require_role(can_read_reports)
def tree():
    roots = queries.tree(visible_branches(current_user))
    return render_template("org/tree.html", nodes=tree_queries.flatten(roots), stages=list(Stage),
                           top_depth=min((n.depth for n in roots), default=0),
                           manage=is_committee_admin(current_user))


@bp.get("/branches/<int:branch_id>")
@require_role(can_read_reports)
def branch(branch_id: int):
    branch = get_visible_branch_or_404(current_user, branch_id)
    roots = queries.tree(Branch.path.startswith(branch.path, autoescape=True))
    node = roots[0] if roots else queries.TreeNode(branch)
    grants = queries.grants_on(branch)
    return render_template(
        "org/branch.html", branch=branch, node=node, stages=list(Stage), grants=grants,
        ancestors=tree_queries.ancestors(branch),
        visible_ids={b.id for b in tree_queries.branches_where(visible_branches(current_user))},
        people_total=queries.people_count(branch, active_only=False),
        manage=is_committee_admin(current_user), form=EmptyForm(),
    )


@bp.route("/branches/new", methods=["GET", "POST"])
@require_role(is_committee_admin)
def create():
    form = BranchForm()
    form.parent_id.choices = tree_queries.branch_choices(true())
    if not form.is_submitted():
        parent_id = request.args.get("parent", type=int)
        if parent_id:
            form.parent_id.data = parent_id
            parent = db.session.get(Branch, parent_id)
            if parent is not None and parent.parent_id is None:
                form.kind.data = BranchKind.general_branch.value
    if form.validate_on_submit():
        parent = db.session.get(Branch, form.parent_id.data)
        created = save_form(form, lambda: services.create_branch(current_user, form.name.data, parent, form.kind.data))
        if created is not FAILED:
            flash(_("%(name)s was created.", name=created.name), "success")
            return redirect(url_for("org.branch", branch_id=created.id))
    return render_template("org/form.html", form=form, branch=None)


@bp.route("/branches/<int:branch_id>/edit", methods=["GET", "POST"])
@require_role(is_committee_admin)
def edit(branch_id: int):
    branch = get_visible_branch_or_404(current_user, branch_id)
    form = BranchEditForm(obj=branch)
    if branch.parent_id is None:
        del form.parent_id  # the committee stays at the root
    else:
        # Any active branch outside the branch's own subtree can become its parent.
        form.parent_id.choices = tree_queries.branch_choices(~Branch.path.startswith(branch.path, autoescape=True))

    def save():
        services.rename_branch(current_user, branch, form.name.data)
        if "parent_id" in form and form.parent_id.data != branch.parent_id:
            services.move_branch(current_user, branch, db.session.get(Branch, form.parent_id.data))

    if form.validate_on_submit() and save_form(form, save) is not FAILED:
        flash(_("The branch was saved."), "success")
        return redirect(url_for("org.branch", branch_id=branch_id))
    return render_template("org/form.html", form=form, branch=branch)


def _post_action(branch_id: int, action, success: str):
    branch = get_visible_branch_or_404(current_user, branch_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    name, parent_id = branch.name, branch.parent_id
    if save_action(lambda: action(branch), joined=True) is FAILED:
        return redirect(url_for("org.branch", branch_id=branch_id))
    flash(success % {"name": name}, "success")
    if db.session.get(Branch, branch_id) is None:
        return redirect(url_for("org.branch", branch_id=parent_id) if parent_id else url_for("org.tree"))
    return redirect(url_for("org.branch", branch_id=branch_id))


@bp.post("/branches/<int:branch_id>/deactivate")
@require_role(is_committee_admin)
def deactivate(branch_id: int):
    return _post_action(branch_id, lambda b: services.set_branch_active(current_user, b, False),
                        _("%(name)s was deactivated."))


@bp.post("/branches/<int:branch_id>/reactivate")
@require_role(is_committee_admin)
def reactivate(branch_id: int):
    return _post_action(branch_id, lambda b: services.set_branch_active(current_user, b, True),
                        _("%(name)s was reactivated."))


@bp.post("/branches/<int:branch_id>/delete")
@require_role(is_committee_admin)
def delete(branch_id: int):
    return _post_action(branch_id, lambda b: services.delete_branch(current_user, b), _("%(name)s was deleted."))
