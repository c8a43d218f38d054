"""The home page's development panel (我的入党进程) reads the person's steps in one statement and
nothing about them (attachments, recorders, the names of contacts and introducers); the version of
the development rules in force comes with the signed-in person. So the home page of a person with
a long file issues as many statements as that of a person at the same stage with a short one."""

from __future__ import annotations

import io
from datetime import date

from learnapp.accounts.models import Stage
from learnapp.db import db
from learnapp.development.history import record_history
from learnapp.development.models import StepAttachment
from learnapp.development.rules import default_path, save_rules
from learnapp.ledger import evidence
from learnapp.security import SYSTEM
from tests.helpers import factories
from tests.helpers.development import person_up_to
from tests.helpers.development_pages import png_bytes
from tests.helpers.query_counter import statements_of_get

# The home page of a person in development against one of a full member (no panel): the panel's
# one statement of the steps, and the contact-work panel's thought reports, due from an activist.
MORE_IN_DEVELOPMENT = 2


def _attach(step) -> None:
    checked = evidence.check([("申请书.png", io.BytesIO(png_bytes()))])[0]
    db.session.add(StepAttachment(step=step, stored_name=evidence.store(checked), original_name=checked.original_name,
                                  content_type=checked.content_type, size_bytes=len(checked.data),
                                  sha256=checked.sha256))


def _long_file(org):
    """An activist whose file holds every step up to the examination, each recorded by someone
    else, with files, named contacts and the examination repeated."""
    person = person_up_to(org.branch_a, "activist_examined", login_id="long", actor=org.admin_a)
    steps = list(person.development_steps)
    for step, recorder in zip(steps, (org.admin_a, org.admin_g1, org.committee_admin, org.contact_a, org.auditor),
                              strict=False):
        step.recorded_by_id = recorder.id
    for step in steps:
        if step.code == "application":
            _attach(step)
            _attach(step)
        if step.code == "contacts_assigned":
            step.data = {"contact_ids": [org.contact_a.id, org.admin_a.id]}
    for day in (date(2024, 9, 10), date(2025, 3, 10), date(2025, 9, 10)):
        record_history(org.committee_admin, person, "activist_examined", day, source="site", audit_entry=False)
    return person


def _statements_of_home(client, login, person):
    login(person)
    return statements_of_get(client, "/")


def test_home_of_a_long_file_reads_as_many_statements_as_of_a_short_one(client, org, login, clock):
    save_rules(SYSTEM, default_path().read_text(encoding="utf-8"), source_name="development-rules.yaml")
    short = person_up_to(org.branch_a, "activist_determined", login_id="short")
    long = _long_file(org)
    member = factories.make_user(org.branch_a, Stage.full_member, login_id="member")
    db.session.commit()
    assert short.stage == long.stage == Stage.activist
    assert len(long.development_steps) > 2 * len(short.development_steps)

    few, many = _statements_of_home(client, login, short), _statements_of_home(client, login, long)
    none = _statements_of_home(client, login, member)
    print(f"statements: {few.count} short file, {many.count} long file, {none.count} full member")
    assert "我的入党进程" in many.body
    assert many.count == few.count, f"{few.report()}\n--- long file ---\n{many.report()}"
    assert none.count <= many.count <= none.count + MORE_IN_DEVELOPMENT, f"{none.report()}\n--- in development ---\n{many.report()}"
    # The rules' version is a subquery of the person's statement, not a statement of its own.
    own = [shape for shape in many.shapes() if shape.startswith(("SELECT development_rule_sets.",
                                                                  "SELECT development_step_attachments."))]
    assert not own, many.report()
