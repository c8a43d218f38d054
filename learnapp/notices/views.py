"""The notices page (paged), marking read, and the bell every page draws."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from learnapp.errors import FAILED, save_action
from learnapp.notices import kinds, queries, services

bp = Blueprint("notices", __name__, url_prefix="/notices")


@bp.app_context_processor
def _bell():
    # A function, so that a page that draws no bell (signed out) reads nothing.
    def unread_notices() -> int:
        if not current_user.is_authenticated:
            return 0
        return queries.unread_count(current_user)

    return {"unread_notices": unread_notices}


@bp.get("/")
@login_required
def index():
    page = request.args.get("page", 1, type=int) or 1
    rows, info = queries.page_of(current_user, page)
    items = [(n, kinds.text_of(n.kind, n.params), kinds.link_of(n.kind, n.params)) for n in rows]
    return render_template("notices/index.html", items=items, page=info, unread=queries.unread_count(current_user))


@bp.post("/<int:notice_id>/read")
@login_required
def read(notice_id: int):
    """Mark one notice read; `open` goes on to what it is about."""
    if queries.own_notice(current_user, notice_id) is None:
        abort(404)
    notice = save_action(lambda: services.mark_read(current_user, notice_id))
    if notice is FAILED:
        return redirect(url_for("notices.index"))
    link = kinds.link_of(notice.kind, notice.params) if request.form.get("open") else None
    return redirect(link or url_for("notices.index", page=request.form.get("page", type=int)))


@bp.post("/read-all")
@login_required
def read_all():
    save_action(lambda: services.mark_all_read(current_user), success=_("Every notice is marked read."))
    return redirect(url_for("notices.index"))
