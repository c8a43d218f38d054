"""Credit rules (view, edit as YAML with line-numbered errors, versions) and year close."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from learnapp import clock
from learnapp.accounts.forms import EmptyForm
from learnapp.accounts.models import Role, Stage
from learnapp.errors import FAILED, save_action
from learnapp.ledger import services, years
from learnapp.ledger.blueprint import bp
from learnapp.ledger.forms import ReasonForm, RulesForm
from learnapp.ledger.rules import current_rule_set, rule_sets, rules_for_year, template_text
from learnapp.security import is_auditor, is_committee_admin, require_role
from learnapp.versioned_rules import save_version_form, shown_version


def _rules_reader(user) -> bool:
    return is_committee_admin(user) or is_auditor(user)


def _valid_year(year: int) -> int:
    if not 2000 <= year <= clock.today().year + 5:
        abort(404)
    return year


@bp.get("/rules")
@require_role(_rules_reader)
def rules_index():
    rows = [(y, current_rule_set(y), years.year_state(y)) for y in years.known_years()]
    next_year = clock.today().year + 1
    if next_year not in [y for y, _r, _s in rows]:
        rows.insert(0, (next_year, None, None))
    return render_template("ledger/rules_index.html", rows=rows)


@bp.get("/rules/<int:year>")
@require_role(_rules_reader)
def rules_year(year: int):
    _valid_year(year)
    versions = rule_sets(year)
    shown, diff = shown_version(versions, request.args.get("version", type=int))
    return render_template("ledger/rules_year.html", year=year, versions=versions, shown=shown, diff=diff,
                           rules=rules_for_year(year), can_edit=is_committee_admin(current_user),
                           labels={**{s.value: s.label for s in Stage}, **{r.value: r.label for r in Role}})


@bp.route("/rules/<int:year>/edit", methods=["GET", "POST"])
@require_role(is_committee_admin)
def rules_edit(year: int):
    _valid_year(year)
    form = RulesForm()
    if request.method == "GET":
        current = current_rule_set(year)
        previous = current_rule_set(year - 1)
        if current is not None:
            form.source_text.data = current.source_text
        elif previous is not None:
            form.source_text.data = previous.source_text.replace(f"year: {year - 1}", f"year: {year}")
        else:
            form.source_text.data = template_text(year)
    if form.validate_on_submit():
        done = save_version_form(
            form, lambda: services.save_rules(current_user, form.source_text.data, source_name="web", note=form.note.data,
                                              expected_year=year),
            unchanged=_("Nothing changed: the rules are the same as the version in force."),
            saved=lambda saved: _("Rules saved as version %(v)d. Credit already granted is not changed.", v=saved.version),
            then=url_for("ledger.rules_year", year=year))
        if done is not None:
            return done
    return render_template("ledger/rules_edit.html", form=form, year=year)


@bp.get("/years")
@require_role(_rules_reader)
def years_index():
    this_year = clock.today().year
    rows = [(y, years.year_state(y)) for y in years.known_years() if y < this_year]
    return render_template("ledger/years.html", rows=rows, this_year=this_year)


@bp.get("/years/<int:year>")
@require_role(_rules_reader)
def year_detail(year: int):
    _valid_year(year)
    state = years.year_state(year)
    plan = years.carry_over_plan(year)
    return render_template("ledger/year.html", year=year, state=state, plan=plan, rules=rules_for_year(year),
                           can_close=is_committee_admin(current_user) and year < clock.today().year,
                           empty_form=EmptyForm(), reopen_form=ReasonForm())


@bp.post("/years/<int:year>/close")
@require_role(is_committee_admin)
def close_year(year: int):
    _valid_year(year)
    if EmptyForm().validate_on_submit():
        lines = save_action(lambda: years.close_year(current_user, year), joined=True)
        if lines is not FAILED:
            flash(_("%(year)d is closed. Carry-over: %(n)d people.", year=year, n=len([x for x in lines if x.carry])), "success")
    return redirect(url_for("ledger.year_detail", year=year))


@bp.post("/years/<int:year>/reopen")
@require_role(is_committee_admin)
def reopen_year(year: int):
    _valid_year(year)
    form = ReasonForm()
    if not form.validate_on_submit():
        flash(_("Give the reason for reopening the year."), "error")
        return redirect(url_for("ledger.year_detail", year=year))
    save_action(lambda: years.reopen_year(current_user, year, form.reason.data),
                success=_("%(year)d is open again for corrections. Close it again when done.", year=year), joined=True)
    return redirect(url_for("ledger.year_detail", year=year))
