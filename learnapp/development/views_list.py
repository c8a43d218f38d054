"""The branch's list of people on the way to membership: stage, next step and its date, waiting filings.

Phone: one card per person; PC: a table (the same markup, laid out by css/development.css).
Scoped to the branches the actor administers or audits.
"""

from __future__ import annotations

from flask import render_template, request
from flask_login import current_user

from learnapp import clock
from learnapp.accounts.models import User
from learnapp.development import queries
from learnapp.development.blueprint import bp
from learnapp.development.queries import IN_DEVELOPMENT
from learnapp.development.readahead import Files
from learnapp.development.rules import current_rules
from learnapp.development.timeline import timeline
from learnapp.org.queries import branch_choices, full_names
from learnapp.security import (
    can_read_reports,
    get_visible_branch_or_404,
    require_role,
    visible_branches,
)

PER_PAGE = 40


@bp.get("/")
@require_role(can_read_reports)
def index():
    """People in development, by stage, each with the next step and by when."""
    branch_id = request.args.get("branch", type=int)
    scope = queries.in_development(current_user, get_visible_branch_or_404(current_user, branch_id) if branch_id else None)
    counts = queries.counts_by_stage(scope)
    stage = request.args.get("stage")
    if stage in {s.value for s in IN_DEVELOPMENT}:
        scope.append(User.stage == stage)
    else:
        stage = None
    page = queries.people_page(scope, request.args.get("page", 1, type=int), PER_PAGE)
    today = clock.today()
    waiting = queries.with_waiting_filing([p.id for p in page.items])
    files = Files(User.id.in_([p.id for p in page.items]))  # the page's files at once, not one person at a time
    rows = []
    for person in page.items:
        line = timeline(person, today, steps=files.steps.get(person.id, []), training=files.training)
        last = line.done[-1] if line.done else None
        rows.append({"person": person, "last": last, "next": line.next, "waiting": person.id in waiting})
    branches = branch_choices(visible_branches(current_user), active_only=False)
    filter_args = {k: v for k, v in {"branch": branch_id, "stage": stage}.items() if v}
    return render_template("development/index.html", rows=rows, page=page, counts=counts, stages=IN_DEVELOPMENT,
                           stage=stage, branch_id=branch_id, branches=branches, names=full_names(), today=today,
                           filter_args=filter_args,
                           labels={rule.code: str(rule.label) for rule in current_rules().steps})
