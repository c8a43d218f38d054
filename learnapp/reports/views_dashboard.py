"""Dashboard pages: the branch tree with roll-ups, drill-down, test scores, year summary, spot-check,
reminders. Readers (admins, auditors) only; every figure scoped to the actor's subtrees."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learnapp import charts, clock
from learnapp.accounts.models import Stage
from learnapp.assessments.queries import years_choice
from learnapp.assessments.status import Status
from learnapp.errors import FAILED, save_action
from learnapp.ledger.evidence import evidence_url
from learnapp.org.queries import flatten, full_names
from learnapp.planning import actuals
from learnapp.planning.categories import categories
from learnapp.reports import quiz_scores, reminders, rollup, spotcheck
from learnapp.reports.blueprint import bp, params
from learnapp.reports.people import people_page
from learnapp.reports.scope import managed_people, readable_people
from learnapp.reports.summary import year_summary
from learnapp.security import can_read_reports, is_branch_admin, require_role


def _common(p) -> dict:
    return {"p": p, "years": years_choice(clock.today().year), "stages": list(Stage), "statuses": list(Status)}


def _completion_chart(nodes: list[rollup.Node]):
    """Bars for the level below the top: a branch admin sees their branches, the committee its general branches."""
    rows = nodes[0].children if len(nodes) == 1 and nodes[0].children else nodes
    data = [(n.branch.name, n.total.pct_met or 0, n.total.pct_behind or 0) for n in rows if n.total.people]
    return charts.completion_bars(data, _("Share of people who met the requirement, by branch"),
                                  goal_label=_("No people in scope."))


@bp.get("/")
@require_role(can_read_reports)
def dashboard():
    p = params(current_user)
    nodes = rollup.dashboard(current_user, p.filters, branch=p.branch)
    return render_template("reports/dashboard.html", nodes=flatten(nodes), overall=rollup.totals(nodes),
                           chart=_completion_chart(nodes), **_common(p))


@bp.get("/branches/<int:branch_id>")
@require_role(can_read_reports)
def branch(branch_id: int):
    """Drill-down: the branch's subtree roll-up and its people, page by page."""
    p = params(current_user, branch_id=branch_id)
    nodes = rollup.dashboard(current_user, p.filters, branch=p.branch)
    sort = request.args.get("sort", "name")
    page = people_page(readable_people(current_user, p.branch), p.year, clock.today(), stage=p.stage,
                       status=p.status, page=request.args.get("page", 1, type=int), sort=sort)
    return render_template("reports/branch.html", nodes=flatten(nodes), overall=rollup.totals(nodes),
                           page=page, sort=sort, names=full_names(), chart=_completion_chart(nodes), status_of=Status,
                           **_common(p))


@bp.get("/tests")
@require_role(can_read_reports)
def tests():
    """Score distribution per assessment quiz among the people in scope."""
    p = params(current_user)
    quizzes = quiz_scores.score_bands(current_user, p.branch, p.stage, p.year)
    for q in quizzes:
        q["chart"] = charts.histogram(q["bins"], _("Score distribution: %(title)s", title=q["title"]),
                                      pass_bp=q["pass_bp"], pass_label=_("Pass mark"))
    return render_template("reports/tests.html", quizzes=quizzes, **_common(p))


@bp.get("/branches/<int:branch_id>/summary")
@require_role(can_read_reports)
def summary(branch_id: int):
    """The branch secretary's year-end summary (述职评议) against the previous year."""
    p = params(current_user, branch_id=branch_id)
    this_year, last_year = year_summary(p.branch, p.year)
    plan_now, _rows, _found = actuals.rows_for(p.branch, p.year)
    plan_before, _rows, _found = actuals.rows_for(p.branch, p.year - 1)
    return render_template("reports/summary.html", now=this_year, before=last_year, branch=p.branch,
                           plan_now=plan_now, plan_before=plan_before, measures=actuals.MEASURE_LABELS,
                           categories=categories(), **_common(p))


@bp.get("/spot-check")
@require_role(can_read_reports)
def spot_check():
    p = params(current_user)
    seed = request.args.get("seed", type=int)
    if seed is None:
        # A fresh draw gets its own seed in the URL, so the same sample can be opened again.
        return redirect(url_for("reports.spot_check", seed=spotcheck.new_seed(), n=request.args.get("n", 10, type=int),
                                branch=p.branch.id if p.branch else None, **p.args()))
    n = max(1, min(spotcheck.MAX_SAMPLE, request.args.get("n", 10, type=int)))
    claims, population = spotcheck.draw(readable_people(current_user, p.branch), p.year, n, seed)
    return render_template("reports/spot_check.html", claims=claims, population=population, n=n, seed=seed,
                           names=full_names(), evidence_url=evidence_url, **_common(p))


@bp.route("/reminders", methods=["GET", "POST"])
@require_role(can_read_reports)
def reminders_page():
    """People behind pace. Administrators may e-mail them when SMTP is configured."""
    p = params(current_user)
    can_send = is_branch_admin(current_user)
    scope = managed_people(current_user, p.branch) if can_send else readable_people(current_user, p.branch)
    if request.method == "POST":
        if not can_send:
            abort(403)
        chosen = [int(v) for v in request.form.getlist("user_id") if v.isdigit()] or None
        report = save_action(lambda: reminders.send(current_user, scope, p.year, chosen, branch=p.branch), joined=True)
        if report is not FAILED:
            flash(_("Reminded in the site: %(noticed)d, by e-mail as well: %(sent)d. Without e-mail address: "
                    "%(none)d. Reminded recently: %(recent)d. E-mail failed: %(failed)d.",
                    noticed=len(report.noticed), sent=len(report.sent), none=len(report.no_email),
                    recent=len(report.recent), failed=len(report.failed)),
                  "success" if report.noticed else "warning")
        return redirect(url_for("reports.reminders_page", branch=p.branch.id if p.branch else None, **p.args()))
    rows = reminders.behind_pace_rows(scope, p.year, clock.today(), 1000)
    return render_template("reports/reminders.html", rows=rows, can_send=can_send, smtp=reminders.smtp_configured(),
                           names=full_names(), quiet_days=reminders.QUIET_DAYS, **_common(p))
