"""Facts memoised per request (learnapp.request_memo): looked up once, never stale after a change."""

from __future__ import annotations

from learnapp import request_memo, security
from learnapp.accounts.models import Role, RoleGrant
from learnapp.ledger import services as ledger_services
from learnapp.ledger.rules import rules_for_year
from learnapp.security import SYSTEM
from tests.helpers.materials import rules_text
from tests.helpers.query_counter import count_queries


def test_role_checks_query_once_per_request(app, org, db):
    with app.test_request_context("/"):
        with count_queries() as counted:
            for _ in range(5):
                assert security.is_branch_admin(org.admin_a)
                assert not security.is_committee_admin(org.admin_a)
                assert security.can_read_reports(org.admin_a)
        assert len([s for s in counted.statements if "role_grants" in s]) == 1, counted.report()


def test_outside_a_request_nothing_is_memoised(app, org, db):
    with count_queries() as counted:
        security.admin_paths(org.admin_a)
        security.admin_paths(org.admin_a)
    assert len([s for s in counted.statements if "role_grants" in s]) == 2


def test_a_grant_made_in_the_request_is_seen_at_once(app, org, db):
    with app.test_request_context("/"):
        assert not security.is_branch_admin(org.learner_a)
        db.session.add(RoleGrant(user=org.learner_a, role=Role.branch_admin, branch=org.branch_a))
        db.session.flush()
        assert security.is_branch_admin(org.learner_a)
        assert security.admin_paths(org.learner_a) == [org.branch_a.path]
        grant = db.session.scalar(db.select(RoleGrant).where(RoleGrant.user_id == org.learner_a.id))
        db.session.delete(grant)
        db.session.flush()
        assert not security.is_branch_admin(org.learner_a)


def test_a_rollback_forgets_everything(app, org, db):
    with app.test_request_context("/"):
        db.session.add(RoleGrant(user=org.learner_a, role=Role.auditor, branch=org.committee))
        db.session.flush()
        assert security.is_auditor(org.learner_a)
        db.session.rollback()
        assert not security.is_auditor(org.learner_a)


def test_rules_of_the_year_once_per_request_and_fresh_after_saving(app, org, db):
    with app.test_request_context("/"):
        with count_queries() as counted:
            first = rules_for_year(2026)
            for _ in range(20):
                assert rules_for_year(2026) is first
        assert len([s for s in counted.statements if "credit_rule_sets" in s]) == 1
        assert first.version is None  # the built-in defaults
        ledger_services.save_rules(SYSTEM, rules_text(2026), source_name="rules.yaml")
        assert rules_for_year(2026).version == 1


def test_forget_drops_one_memo_or_all(app):
    with app.test_request_context("/"):
        calls = []
        assert request_memo.remember("x", 1, lambda: calls.append(1) or "a") == "a"
        assert request_memo.remember("x", 1, lambda: calls.append(1) or "b") == "a"
        request_memo.forget("x")
        assert request_memo.remember("x", 1, lambda: calls.append(1) or "c") == "c"
        request_memo.forget()
        assert request_memo.remember("x", 1, lambda: calls.append(1) or "d") == "d"
        assert len(calls) == 3


def test_rules_saved_in_the_request_replace_those_read_with_the_person(app, client, login, org, clock, db):
    from flask_login import login_user

    year = clock.now().year
    ledger_services.save_rules(SYSTEM, rules_text(year, daily_online="3"), source_name="rules.yaml")
    db.session.commit()
    with app.test_request_context("/"):
        login_user(org.learner_a)
        from learnapp.ledger.rules import RULES_STAMP

        RULES_STAMP.keep(year, None)  # as read with the person: none loaded
        assert rules_for_year(year).version is None
        ledger_services.save_rules(SYSTEM, rules_text(year, daily_online="4"), source_name="rules.yaml")
        assert rules_for_year(year).daily_online_cap == 400


def test_a_scope_memoises_outside_a_request_until_it_ends(app, org, db):
    def role_statements(block) -> int:
        with count_queries() as counted:
            block()
        return len([s for s in counted.statements if "role_grants" in s])

    def twice():
        security.admin_paths(org.admin_a)
        security.admin_paths(org.admin_a)

    with request_memo.scope():
        assert role_statements(twice) == 1
        with request_memo.scope():  # nested: the same memo
            assert role_statements(twice) == 0
        db.session.add(RoleGrant(user=org.learner_a, role=Role.branch_admin, branch=org.branch_a))
        db.session.flush()  # a change to what the memo depends on drops it
        assert role_statements(twice) == 1
    assert role_statements(twice) == 2  # the scope ended: nothing is kept
