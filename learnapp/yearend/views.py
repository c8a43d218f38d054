"""/yearend/: the year-end figures of a branch's subtree (page, XLSX, Word), the branches' scores and
the scoring scheme.

Readers (admins of a branch, auditors) see their subtree: committee admins and auditors every branch,
a branch admin theirs; another branch is 404. The scheme is the committee's: committee admins load
it, auditors read it.
"""

from __future__ import annotations

import io
from urllib.parse import quote

from flask import Blueprint, abort, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learnapp import clock
from learnapp.audit.exports import record_export
from learnapp.db import db
from learnapp.org.models import Branch
from learnapp.org.queries import branch_choices, branches_where, full_names
from learnapp.planning import services as plan_services
from learnapp.security import (
    can_read_reports,
    get_visible_branch_or_404,
    is_auditor,
    is_committee_admin,
    read_paths,
    require_role,
    visible_branches,
)
from learnapp.versioned_rules import save_version_form, shown_version
from learnapp.yearend import charts, documents, scoring
from learnapp.yearend.figures import year_end
from learnapp.yearend.forms import SchemeForm
from learnapp.yearend.scheme import MEASURES
from learnapp.yearend.sentences import sentences

bp = Blueprint("yearend", __name__, url_prefix="/yearend")


def _committee_reader(user) -> bool:
    return is_committee_admin(user) or is_auditor(user)


def _branch() -> Branch:
    """The branch of the query string (outside the actor's scope: 404), else the top of their scope."""
    branch_id = request.args.get("branch", type=int)
    if branch_id:
        return get_visible_branch_or_404(current_user, branch_id)
    top = min(read_paths(current_user), key=len)
    return db.session.get(Branch, int(top.strip("/").split("/")[-1]))


def _year() -> int:
    year = request.args.get("year", type=int)
    return year if year in plan_services.year_range() else clock.today().year


def _common(branch: Branch | None, year: int) -> dict:
    return {"branch": branch, "year": year, "years": list(reversed(plan_services.year_range())), "names": full_names(),
            "branches": branch_choices(visible_branches(current_user), active_only=False)}


@bp.get("/")
@require_role(can_read_reports)
def index():
    branch, year = _branch(), _year()
    figures = year_end(branch, year, clock.today())
    return render_template("yearend/index.html", f=figures, sentences=sentences(figures),
                           tables=documents.tables(figures), chart=charts.plan_bars(figures),
                           composition_chart=charts.composition_bars(figures),
                           so_far=year >= clock.today().year, **_common(branch, year))


def attachment(data: bytes, media_type: str, ascii_name: str, name: str):
    response = send_file(io.BytesIO(data), mimetype=media_type)
    response.headers.set("Content-Disposition", "attachment", filename=ascii_name,
                         **{"filename*": "UTF-8''" + quote(name, safe="!#$&+-.^_`|~")})
    return response


@bp.get("/export.<fmt>")
@require_role(can_read_reports)
def export(fmt: str):
    """The figures as XLSX (one sheet per section) or as a Word document."""
    if fmt not in ("xlsx", "docx"):
        abort(404)
    branch, year = _branch(), _year()
    figures = year_end(branch, year, clock.today())
    data = documents.xlsx_bytes(figures) if fmt == "xlsx" else documents.docx_bytes(figures)
    name = f"年度工作总结数据-{year}-{branch.name}.{fmt}"
    record_export(current_user, "year_end", ("branches", branch.id), branch=branch, summary=name, year=year,
                  branch_id=branch.id, format=fmt)
    media_type = documents.XLSX_MEDIA_TYPE if fmt == "xlsx" else documents.DOCX_MEDIA_TYPE
    return attachment(data, media_type, f"year-end-{year}.{fmt}", name)


@bp.get("/scores")
@require_role(can_read_reports)
def scores():
    """Each branch's score with its breakdown, in the tree's order (never ranked)."""
    year = _year()
    scheme = scoring.scheme_for_year(year)
    branches = [b for b in branches_where(visible_branches(current_user), active_only=False) if b.parent_id is not None]
    if not branches:  # an admin of the committee's own node only
        branches = branches_where(visible_branches(current_user), active_only=False)
    results = scoring.branch_scores(scheme, branches, year, clock.today()) if scheme else []
    # Each item's texts once, not once per branch.
    texts = {item.code: (item.label, MEASURES[item.measure].label, item.in_words()) for item in scheme.items} if scheme else {}
    return render_template("yearend/scores.html", scheme=scheme, results=results, measures=MEASURES, texts=texts,
                           can_edit=is_committee_admin(current_user), can_read_scheme=_committee_reader(current_user),
                           **_common(None, year))


@bp.get("/scheme/<int:year>")
@require_role(_committee_reader)
def scheme(year: int):
    if year not in plan_services.year_range():
        abort(404)
    versions = scoring.versions(year)
    shown, diff = shown_version(versions, request.args.get("version", type=int))
    return render_template("yearend/scheme.html", versions=versions, shown=shown, diff=diff, measures=MEASURES,
                           parsed=scoring.scheme_for_year(year), can_edit=is_committee_admin(current_user),
                           year=year)


@bp.route("/scheme/<int:year>/edit", methods=["GET", "POST"])
@require_role(is_committee_admin)
def scheme_edit(year: int):
    """Paste or upload a scheme file: checked whole, every error with its line, saved as a new version."""
    if year not in plan_services.year_range():
        abort(404)
    form = SchemeForm()
    if request.method == "GET":
        current = next(iter(scoring.versions(year)), None) or next(iter(scoring.versions(year - 1)), None)
        if current is not None:
            form.source_text.data = current.source_text.replace(f"year: {current.year}", f"year: {year}")
    if form.validate_on_submit():
        if form.upload.data:
            form.source_text.data = form.upload.data.read(256 * 1024).decode("utf-8", errors="replace")
        done = save_version_form(
            form, lambda: scoring.save_scheme(current_user, form.source_text.data or "", source_name="web",
                                              note=form.note.data, expected_year=year),
            unchanged=_("Nothing changed: the scheme is the same as the version in force."),
            saved=lambda saved: _("The scoring scheme was saved as version %(v)d.", v=saved.version),
            then=url_for("yearend.scheme", year=year))
        if done is not None:
            return done
    return render_template("yearend/scheme_edit.html", form=form, year=year, measures=MEASURES), \
        (400 if form.errors else 200)


