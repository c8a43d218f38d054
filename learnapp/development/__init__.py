"""The Party-member development procedure (发展党员): rules, each person's steps, guards, timeline.

    steps.py       the 25 step codes in order and the stage each leads to (the helpers' contract)
    rules_file.py  parsing content/development-rules.yaml with line numbers; the parameters' bounds
    rules.py       the rules in force (versions in development_rule_sets, else the shipped file)
    models.py      DevelopmentStep, StepAttachment, DevelopmentRuleSet
    guards.py      the requirements of a step checked against a person's file (unmet_requirements)
    history.py     record_history (no guards), derive_stage / apply_stage, stage_changes → steps
    services.py    record_step, decide_step, submit_filing (with guards and permissions)
    timeline.py    timeline(person, today): done, pending, next steps with what they need and dates
    check.py       the compliance check (`flask development check`, the compliance report)
    readahead.py   the files of a whole scope read at once for the check (a fixed number of statements)
    stored.py      the findings kept in development_findings, recomputed in the transaction that changes a file
    cli.py, rules_views.py, demo.py

users.stage is written only here (history.apply_stage), derived from the done steps.
"""

from __future__ import annotations


def init_app(app) -> None:
    """The procedure's pages, menu entries, home and person-page panels and `flask development`;
    and the stage recorder of the accounts domain (a person's stage comes from their steps)."""
    from flask_babel import lazy_gettext as _l

    from learnapp import blueprints, nav
    from learnapp.accounts import person_links, stage_history
    from learnapp.development import (
        blueprint,
        cli,
        rules,
        rules_views,
        stored,
        views_compliance,
        views_file,
        views_filing,
        views_list,
        views_record,
    )
    from learnapp.development.history import record_stage, stage_since
    from learnapp.security import can_read_reports, is_auditor, is_branch_admin

    blueprints.register(app, blueprint.bp, views_list, views_file, views_record, views_filing, views_compliance,
                        rules_views)
    nav.register(app, "development.mine", _l("My way to membership"), views_file.in_development, order=15)
    nav.register(app, "development.index", _l("Member development"), can_read_reports, order=12, section="admin")
    nav.register(app, "development.filings", _l("Filings"), lambda u: is_branch_admin(u) or is_auditor(u), order=13,
                 section="admin")
    nav.register(app, "development.compliance_report", _l("Compliance check"), can_read_reports, order=14,
                 section="admin")
    nav.register(app, "development.rules", _l("Development rules"), visible=rules_views.reads_development_rules,
                 order=60, section="admin")
    nav.register_panel(app, views_file.my_development_panel, order=8)
    person_links.register_panel(app, views_file.person_development_panel, order=5)
    app.cli.add_command(cli.development_cli)
    stored.init_app(app)
    rules.register_rules_stamp_fact()
    stage_history.register(record_stage, stage_since)
