"""Registers each domain's click group on the app's CLI."""

from __future__ import annotations

import importlib

# (module, attribute): each attribute is a click group added to `flask --app learnapp ...`
CLI_GROUPS = [
    ("learnapp.accounts.cli", "users_cli"),
    ("learnapp.org.cli", "org_cli"),
    ("learnapp.audit.cli", "audit_cli"),
    ("learnapp.demo", "demo_cli"),
    ("learnapp.ledger.cli", "rules_cli"),
    ("learnapp.ledger.cli", "ledger_cli"),
    ("learnapp.materials.cli", "content_cli"),
    ("learnapp.bank.cli", "questions_cli"),
    ("learnapp.quizzes.cli", "quizzes_cli"),
    ("learnapp.reports.cli", "report_cli"),
    ("learnapp.development.cli", "development_cli"),
    ("learnapp.ops.cli", "jobs_cli"),
    ("learnapp.ops.cli", "backup_cli"),
]


def register_cli(app) -> None:
    for module_name, attribute in CLI_GROUPS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # a domain without commands yet
        group = getattr(module, attribute, None)
        if group is not None:
            app.cli.add_command(group)
