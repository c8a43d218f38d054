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
    cli.py, rules_views.py, demo.py

users.stage is written only here (history.apply_stage), derived from the done steps.
"""

from __future__ import annotations


def init_app(app) -> None:
    """Plug the procedure into the app: the accounts domain records stages through its steps."""
    from learnapp.accounts import stage_history
    from learnapp.development.history import record_stage, stage_since

    stage_history.register(record_stage, stage_since)
