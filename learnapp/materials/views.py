"""Learner pages: the library with search, a material's reading page, attachments, my reading list.

The blueprint is defined in blueprint.py; the administration pages, reading-list pages and the
heartbeat API register their routes on it from their own modules, imported here.
"""

from __future__ import annotations

from flask import abort, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from jinja2.utils import htmlsafe_json_dumps

from learnapp import clock
from learnapp.db import hot_read
from learnapp.i18n import per_catalog
from learnapp.materials import book_views, books, list_queries, queries, reading
from learnapp.materials.blueprint import bp
from learnapp.materials.credit import credit_minutes, material_credit
from learnapp.materials.models import (
    Attachment,
    Material,
    MaterialKind,
)
from learnapp.materials.reading import watching
from learnapp.materials.rendering import render_markdown
from learnapp.materials.uploads import path_of
from learnapp.materials.watch_page import watch_page
from learnapp.protected_files import send_protected
from learnapp.security import get_or_404, get_visible_user_or_404

PER_PAGE = 20


def reading_panel(user):
    if user is None or not user.is_authenticated:
        return None
    lists, status = list_queries.reading_of_this_year(user)
    if status.required_total == 0 and status.optional_total == 0:
        return None
    return {"template": "materials/_panel.html", "reading": status, "due": list_queries.due_soon(user, lists=lists)[:5]}


@bp.get("/materials/")
@login_required
def library():
    q = (request.args.get("q") or "").strip()[:100]
    source = request.args.get("source") or None
    tag = request.args.get("tag") or None
    kind = request.args.get("kind") or None
    page = request.args.get("page", 1, type=int)
    stmt = queries.search_materials(current_user, q, source=source, tag=tag, kind=kind,
                                    status=None if queries.sees_drafts(current_user) else "published")
    if not q and kind != MaterialKind.chapter:
        stmt = stmt.where(Material.book_id.is_(None))  # a book is one entry; a search finds its chapters
    results = queries.page_of(stmt, page, PER_PAGE)
    year = clock.today().year
    progress = list_queries.progress_map(current_user.id, year, [m.id for m in results.items])
    queries.with_book_titles(results.items)
    return render_template(
        "materials/library.html", results=results, q=q, source=source, tag=tag, kind=kind,
        sources=queries.facet_sources(current_user), tags=queries.facet_tags(current_user),
        kinds=list(MaterialKind), progress=progress, terms=queries.query_terms(q),
        book_summaries=books.summaries([m.id for m in results.items if m.is_book], current_user.id, year),
    )


def _visible_material_or_404(slug: str) -> Material:
    material = queries.get_by_slug(slug)
    if not queries.can_see_material(current_user, material):
        abort(404)
    return material


def _reading_messages():
    """The reading script's messages as a JSON block, in the request's language: made once per
    catalog (the same for every reading page)."""
    return per_catalog("materials.reading_messages", lambda: htmlsafe_json_dumps({
        "counting": _("Counting: reading time is being recorded."),
        "paused": _("Paused: no activity in the last minute, or the page is hidden."),
        "superseded": _("Reading time is now counted for the material you opened last (in another tab or window)."),
        "capped": _("Today’s limit for online study hours is reached; reading time still shows, but earns no more "
                    "credit today."),
        "completed": _("Completed: the full credit for this material is earned."),
        "error": _("Reading time could not be recorded. Check your connection; reload the page to try again."),
        "offline": _("Reading time is not being counted."),
    }))


@bp.get("/materials/<slug>")
@hot_read
@login_required
def read(slug: str):
    material = _visible_material_or_404(slug)
    if material.is_book:
        return book_views.book_page(material)
    year = clock.today().year
    progress = list_queries.progress_map(current_user.id, year, [material.id]).get(material.id)
    # The person's lists that include this material, with the item's required flag and due date.
    memberships = list_queries.memberships(current_user, year, material)
    points, tags = queries.labels_of(material.id)
    timing = reading.timing()
    place = books.neighbours(material)
    attachments = queries.attachments_of(material.id)
    return render_template(
        "materials/read.html", material=material, body=render_markdown(material.body), progress=progress,
        attachments=attachments, points=points, tags=tags,
        target=material_credit(year, credit_minutes(material), material.kind), memberships=memberships,
        interval=timing.heartbeat, idle=timing.idle, server_now=clock.now(),
        timed=material.is_published and material.kind.is_timed and (place is None or place.book_published),
        messages=_reading_messages(), place=place,
        need=watching.need_seconds(material), **watch_page(material, attachments),
    )


@bp.get("/materials/files/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    """Serve an attachment to a signed-in person who may see its material (Range requests work)."""
    item = get_or_404(Attachment, attachment_id,
                      lambda a: a.removed_at is None and queries.can_see_material(current_user, a.material))
    path = path_of(item)
    if not path.is_file():
        abort(404)
    response = send_protected(path, mimetype=item.content_type, as_attachment=item.media is None and not item.is_subtitles,
                         download_name=item.filename, conditional=True, max_age=0)
    response.headers["Cache-Control"] = "private, no-store"
    return response


def _reading_years(person) -> list[int]:
    return list_queries.reading_years(person, queries.year_of_today())


@bp.get("/reading/")
@login_required
def my_reading():
    year = queries.parse_year(request.args.get("year"))
    lists, status = list_queries.reading_of(current_user, year)
    return render_template("materials/my_reading.html", person=current_user, year=year, lists=lists, status=status,
                           recent=queries.recent_reading(current_user), own=True, years=_reading_years(current_user))


@bp.get("/reading/people/<int:user_id>")
@login_required
def person_reading(user_id: int):
    """A person's reading list and progress, for the person, their training contact, admins and auditors."""
    person = get_visible_user_or_404(current_user, user_id)
    year = queries.parse_year(request.args.get("year"))
    lists, status = list_queries.reading_of(person, year)
    return render_template("materials/my_reading.html", person=person, year=year, lists=lists, status=status,
                           recent=queries.recent_reading(person), years=_reading_years(person),
                           own=person.id == current_user.id)
