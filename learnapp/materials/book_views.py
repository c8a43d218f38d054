"""Books (书目): the learner's book page (foreword, chapters with my state, resume) and the book
administration (a book with its chapters, add a chapter, reorder). A book's address is its
material's, /materials/<slug>: the reading view hands a book to `book_page`."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from learnapp import clock
from learnapp.errors import FAILED, save_action, save_form
from learnapp.materials import book_services, books, list_queries, queries, services
from learnapp.materials.blueprint import bp
from learnapp.materials.forms import MaterialForm
from learnapp.materials.models import Material, MaterialKind, MaterialStatus
from learnapp.materials.rendering import render_markdown
from learnapp.security import get_or_404, is_committee_admin, require_role


def book_page(book: Material):
    """The book: foreword, chapters with the person's state, progress and where to go on (a fixed
    number of statements whatever the number of chapters)."""
    year = clock.today().year
    chapters = books.chapters_of(book.id)
    progress = list_queries.progress_map(current_user.id, year, [c.id for c in chapters]) if chapters else {}
    state = books.book_state(chapters, progress, year)
    return render_template("materials/book.html", book=book, foreword=render_markdown(book.body), state=state,
                           memberships=list_queries.memberships(current_user, year, book))


# --- administration ------------------------------------------------------------------------------


class ChapterForm(MaterialForm):
    position = IntegerField(_l("Place in the book"), validators=[Optional(), NumberRange(min=1, max=book_services.MAX_POSITION)],
                            description=_l("1 for the first chapter; empty: after the last one."))


def _book_or_404(book_id: int) -> Material:
    return get_or_404(Material, book_id, lambda m: m.is_book)


def _data_from(form: MaterialForm) -> services.MaterialData:
    return services.MaterialData(
        title=form.title.data or "", summary=form.summary.data or "", body=form.body.data or "",
        kind=MaterialKind.chapter, source=form.source.data or "", estimated_minutes=form.estimated_minutes.data or 0,
        status=form.status.data, tags=services.split_labels(form.tags.data),
        knowledge_points=services.split_labels(form.knowledge_points.data),
    )


@bp.get("/materials/manage/books/<int:book_id>")
@require_role(queries.sees_drafts)
def book_admin(book_id: int):
    book = _book_or_404(book_id)
    chapters = books.chapters_of(book.id, published_only=False)
    placed = [c for c in chapters if c.position is not None]
    return render_template("materials/book_admin.html", book=book, chapters=chapters, placed=placed,
                           can_edit=is_committee_admin(current_user))


@bp.route("/materials/manage/books/<int:book_id>/chapters/new", methods=["GET", "POST"])
@require_role(is_committee_admin)
def chapter_create(book_id: int):
    book = _book_or_404(book_id)
    form = ChapterForm()
    form.kind.choices = [(MaterialKind.chapter.value, MaterialKind.chapter.label)]
    if request.method == "GET":
        form.kind.data = MaterialKind.chapter.value
        form.status.data = MaterialStatus.draft.value
        form.estimated_minutes.data = 10
        form.source.data = book.citation or book.source
        form.position.data = book_services.next_position(book)
        form.slug.data = f"{book.slug}-{form.position.data:02d}"
    if form.validate_on_submit():
        chapter = save_form(form, lambda: book_services.add_chapter(current_user, book, form.slug.data, _data_from(form),
                                                                     position=form.position.data,
                                                                     note=form.note.data or None))
        if chapter is not FAILED:
            flash(_("Chapter added to the book."), "success")
            return redirect(url_for("materials.book_admin", book_id=book.id))
    return render_template("materials/chapter_form.html", form=form, book=book)


@bp.post("/materials/manage/books/<int:book_id>/chapters/<int:chapter_id>/move")
@require_role(is_committee_admin)
def chapter_move(book_id: int, chapter_id: int):
    book = _book_or_404(book_id)
    chapter = get_or_404(Material, chapter_id, lambda m: m.book_id == book.id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is None:
        abort(400)
    if save_action(lambda: book_services.move_chapter(current_user, chapter, step), joined=True) is not FAILED:
        flash(_("Chapter order saved."), "success")
    return redirect(url_for("materials.book_admin", book_id=book.id))
