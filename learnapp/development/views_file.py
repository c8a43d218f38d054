"""A person's development file (timeline), one's own view, the steps' files; menu, panels, links.

Recording a step is in views_record.py, the committee's filing queue in views_filing.py, the
branch's list of people in development in views_list.py. All register on the one blueprint.
"""

from __future__ import annotations

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from learnapp import clock
from learnapp.accounts.models import Stage
from learnapp.development.blueprint import bp
from learnapp.development.models import StepAttachment
from learnapp.development.rules import current_rules
from learnapp.development.timeline import timeline
from learnapp.development.views_access import access_to, visible_person_or_404
from learnapp.development.views_present import OWN_STEPS, present
from learnapp.errors import DomainError
from learnapp.ledger import evidence
from learnapp.protected_files import send_protected
from learnapp.security import (
    can_view_user,
    get_or_404,
)


def file_of(person, access):
    """The person's timeline as this reader sees it: done steps, next steps, who may record them."""
    rules = current_rules().by_code
    line = timeline(person, clock.today())
    # Done steps, those waiting for the committee and those it returned, in the order they happened.
    steps = sorted([*line.done, *line.pending, *line.returned], key=lambda s: (s.done_on, s.id))
    done = [present(step, rules[step.code].label if step.code in rules else step.code, access) for step in steps]
    return done, _upcoming(line, rules, access)


def upcoming_of(person, access):
    """Only the next steps of `file_of`: a panel reads the person's steps and nothing about them
    (no attachments, recorders or names), so its statements do not grow with the file."""
    return _upcoming(timeline(person, clock.today()), current_rules().by_code, access)


def _upcoming(line, rules, access) -> list[dict]:
    confidential_outcome = any(step.code == "political_review" and (step.data or {}).get("conclusion") != "qualified"
                               for step in line.done)
    upcoming = []
    for nxt in line.next:
        rule = rules.get(nxt.code)
        # The person learns a failed political review from the branch in person, not from a list.
        unmet = list(nxt.unmet) if access.full or not confidential_outcome else []
        upcoming.append({"next": nxt, "label": str(nxt.label), "unmet": unmet,
                         "may_record": rule is not None and access.may_record(rule)})
    return upcoming


@bp.get("/people/<int:user_id>")
@login_required
def person(user_id: int):
    """A person's development file: steps done, the next steps, what they still need and by when."""
    who = visible_person_or_404(current_user, user_id)
    access = access_to(current_user, who)
    done, upcoming = file_of(who, access)
    # Administrators may record any other step (a repeated examination, a step caught up on).
    offered = {item["next"].code for item in upcoming}
    taken = {v.step.code for v in done if v.step.done}
    recordable = [(rule.code, rule.label) for rule in current_rules().steps
                  if access.administers and rule.code not in offered and (rule.repeatable or rule.code not in taken)
                  and access.may_record(rule)]
    return render_template("development/person.html", person=who, access=access, done=done, upcoming=upcoming,
                           recordable=recordable, own=who.id == current_user.id, today=clock.today())


@bp.get("/mine")
@login_required
def mine():
    """My own development file (我的入党进程)."""
    return redirect(url_for("development.person", user_id=current_user.id))


@bp.get("/attachments/<int:attachment_id>")
@login_required
def attachment(attachment_id: int):
    """A step's file: for those who read the whole file, and the person for their own application."""
    item = get_or_404(StepAttachment, attachment_id)
    step = item.step
    who = step.user
    if not can_view_user(current_user, who):
        abort(404)
    if not (access_to(current_user, who).full or (who.id == current_user.id and step.code in OWN_STEPS)):
        abort(404)
    try:
        path = evidence.path_of(item.stored_name)
    except DomainError:
        abort(404)
    if not path.exists():
        abort(404)
    response = send_protected(path, mimetype=item.content_type, as_attachment=request.args.get("download") == "1",
                         download_name=item.original_name, max_age=0, conditional=True)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    if item.is_image:
        response.headers["Content-Security-Policy"] = "default-src 'none'; img-src 'self'; sandbox"
    return response


def in_development(user) -> bool:
    return user.stage != Stage.full_member


def person_development_panel(actor, who) -> dict | None:
    """The person page (personnel): the stage, the next steps and the way into the file."""
    access = access_to(actor, who)
    if not access.full:
        return None
    return {"template": "development/_person_panel.html", "person": who, "upcoming": upcoming_of(who, access)[:3],
            "today": clock.today()}


def my_development_panel(user) -> dict | None:
    """Home page: where I am on the way to membership and what comes next."""
    if not in_development(user):
        return None
    return {"template": "development/_panel.html", "upcoming": upcoming_of(user, access_to(user, user))[:2],
            "today": clock.today()}
