"""create_app plugs in every domain explicitly (blueprints, commands, menu entries, hooks), and the
actor of every service is explicit: a person or SYSTEM, never None."""

from __future__ import annotations

import sys
from types import ModuleType

import pytest
from flask import Blueprint
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from learnapp import audit, blueprints, create_app, nav
from learnapp.accounts.models import User
from learnapp.audit.models import AuditEntry
from learnapp.errors import DomainError
from learnapp.ledger import services as ledger_services
from learnapp.ledger.rules import template_text
from learnapp.org.models import Branch
from learnapp.org_admin import services as org_services
from learnapp.security import (
    SYSTEM,
    can_manage_user,
    can_view_user,
    get_or_404,
    is_system,
    visible_users,
)

BLUEPRINTS = {"home", "accounts", "people", "org", "audit", "ledger", "materials", "bank", "quizzes", "assessments",
              "reports", "development", "contactwork", "register", "planning", "yearend", "ops", "notices", "site"}
COMMANDS = {"users", "audit", "demo", "rules", "ledger", "content", "questions", "quizzes", "report", "development", "scoring", "jobs", "backup"}
# One menu entry (at least) of each domain that has one.
MENU = {"people.index", "accounts.my_account", "org.tree", "audit.index", "ledger.mine", "ledger.queue",
        "materials.library", "materials.manage", "bank.index", "quizzes.index", "assessments.index",
        "reports.dashboard", "development.mine", "development.rules", "contactwork.reviews", "planning.index", "yearend.index"}


def test_every_domain_registers_its_blueprints(app):
    assert set(app.blueprints) == BLUEPRINTS
    with_routes = {rule.endpoint.split(".")[0] for rule in app.url_map.iter_rules() if "." in rule.endpoint}
    assert BLUEPRINTS <= with_routes


def test_every_domain_registers_its_commands(app):
    listed = app.test_cli_runner().invoke(args=["--help"]).output
    for command in COMMANDS:
        assert f"  {command} " in listed, command


def test_every_domain_registers_its_menu_entries_once_per_application(app, base_config):
    menu = nav.menu_of(app)
    assert MENU <= set(menu.items)
    assert all(endpoint in app.view_functions for endpoint in menu.items)
    assert len(menu.panels) == len({id(p) for _o, p in menu.panels}) >= 8
    other = create_app(base_config)
    assert set(nav.menu_of(other).items) == set(menu.items)
    assert nav.menu_of(other) is not menu
    assert len(menu.items) == len(nav.menu_of(create_app(base_config)).items)
    with pytest.raises(ValueError, match="registered twice"):
        nav.register(app, "ledger.mine", "again")


def test_a_missing_command_module_fails_loudly(base_config, monkeypatch):
    import learnapp.ledger

    monkeypatch.delattr(learnapp.ledger, "cli")
    monkeypatch.setitem(sys.modules, "learnapp.ledger.cli", None)
    with pytest.raises(ImportError):
        create_app(base_config)


def test_a_route_module_must_use_the_blueprint_it_is_listed_for(base_config):
    app = create_app(base_config)
    stray = ModuleType("stray_views")
    stray.bp = Blueprint("stray", __name__)
    with pytest.raises(RuntimeError, match="stray_views"):
        blueprints.register(app, Blueprint("other", __name__), stray)


def test_services_refuse_a_missing_actor(app, org, db):
    with pytest.raises(TypeError, match="no actor"):
        org_services.create_branch(None, "无人支部", org.general1)
    with pytest.raises(TypeError, match="no actor"):
        ledger_services.save_rules(None, template_text(2026), source_name="t")
    with pytest.raises(TypeError, match="no actor"):
        audit.record(None, "test.nobody")
    with pytest.raises(TypeError):
        is_system(None)
    assert db.session.scalar(select(Branch.id).where(Branch.name == "无人支部")) is None


def test_the_system_acts_where_services_allow_it_and_holds_no_role(app, org, db):
    branch = org_services.create_branch(SYSTEM, "系统支部", org.general1)
    with pytest.raises(DomainError):
        org_services.create_branch(org.learner_a, "学员支部", org.general1)
    assert ledger_services.save_rules(SYSTEM, template_text(2026), source_name="t") is not None
    db.session.commit()
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "branch.create",
                                                        AuditEntry.target_id == str(branch.id))).one()
    assert (entry.actor_id, entry.actor_name) == (None, "system")
    assert not can_view_user(SYSTEM, org.learner_a) and not can_manage_user(SYSTEM, org.learner_a)
    assert db.session.scalars(select(User.id).where(visible_users(SYSTEM))).all() == []


def test_commands_act_as_the_system(app, org, db):
    result = app.test_cli_runner().invoke(args=["audit", "checkpoint", "--reason", "daily"])
    assert result.exit_code == 0, result.output
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "audit.checkpoint")).one()
    assert (entry.actor_id, entry.actor_name) == (None, "system")


def test_get_or_404_answers_not_found_outside_the_check(app, org):
    assert get_or_404(User, org.learner_a.id) == org.learner_a
    assert get_or_404(User, org.learner_a.id, lambda u: u.active) == org.learner_a
    with pytest.raises(NotFound):
        get_or_404(User, org.learner_a.id, lambda u: False)
    with pytest.raises(NotFound):
        get_or_404(User, 10**6)
