"""A required reading due soon: a notice to those it is assigned to who have not finished it, once."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from learnapp import clock as app_clock
from learnapp.db import db
from learnapp.materials import lists
from learnapp.materials.due_notices import remind_due
from learnapp.materials.lists import ListData
from learnapp.notices.models import Notice
from learnapp.security import SYSTEM
from tests.helpers.materials import make_material


def test_due_reading_noticed_once_to_those_assigned(app, client, clock, org, login):
    material = make_material("due-reading", title="党章学习")
    rl = lists.create_list(SYSTEM, "due-list", ListData("必读篇目", app_clock.today().year), None)
    lists.add_assignment(SYSTEM, rl, org.branch_a, None)
    lists.set_item(SYSTEM, rl, material, required=True, due_on=app_clock.today() + timedelta(days=5))
    db.session.commit()
    assert remind_due() == 0  # five days away
    clock.advance(days=3)
    assert remind_due() >= 1
    assert remind_due() == 0
    db.session.commit()
    noticed = set(db.session.scalars(select(Notice.user_id).where(Notice.kind == "reading_due")))
    assert org.learner_a.id in noticed and org.learner_c.id not in noticed  # branch_c is not assigned
    login(org.learner_a)
    assert "党章学习" in client.get("/notices/").get_data(as_text=True)
