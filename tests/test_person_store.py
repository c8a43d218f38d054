"""learnapp.person_store: what a store notes before a flush is recomputed once, inside the transaction,
right before its commit; a rollback forgets it; the store's own writes are not noted."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from learnapp.accounts.models import User
from learnapp.person_store import PersonStore


class Recorder:
    """A store of renamed people: notes whose name changes, records each recompute."""

    def __init__(self):
        self.applied: list[set[int]] = []
        self.store = PersonStore("test_renamed", note=self.note, apply=self.apply)

    def note(self, session: Session, pending: dict) -> None:
        for obj in session.dirty:
            if isinstance(obj, User) and session.is_modified(obj):
                pending.setdefault("people", set()).add(obj.id)

    def apply(self, pending: dict) -> int:
        self.applied.append(set(pending["people"]))
        return len(pending["people"])


@pytest.fixture
def recorder(org, db):
    db.session.commit()  # the org as it was made: noted by no store of this test
    recorder = Recorder()
    recorder.store.listen()
    yield recorder
    recorder.store.stop()


def test_noted_changes_are_recomputed_once_before_the_commit(recorder, org, db):
    org.learner_a.name = "甲"
    db.session.flush()
    org.learner_b.name = "乙"
    db.session.flush()
    assert recorder.applied == []
    db.session.commit()
    assert recorder.applied == [{org.learner_a.id, org.learner_b.id}]
    db.session.commit()
    assert recorder.applied == [{org.learner_a.id, org.learner_b.id}]


def test_a_change_not_yet_flushed_is_flushed_and_counted(recorder, org, db):
    org.learner_c.name = "丙"
    assert recorder.store.refresh_pending() == 1
    assert recorder.applied == [{org.learner_c.id}]


def test_a_rollback_forgets_what_was_noted(recorder, org, db):
    org.learner_a.name = "甲"
    db.session.flush()
    db.session.rollback()
    db.session.commit()
    assert recorder.applied == []


def test_a_savepoint_rolled_back_keeps_the_transaction_s_own_notes(recorder, org, db):
    org.learner_a.name = "甲"
    db.session.flush()
    savepoint = db.session.begin_nested()
    org.learner_b.name = "乙"
    db.session.flush()
    savepoint.rollback()
    db.session.commit()
    assert recorder.applied and org.learner_a.id in recorder.applied[0]


def test_the_store_s_own_writes_are_not_noted(recorder, org, db):
    with recorder.store.busy(db.session()):
        org.learner_a.name = "甲"
        db.session.flush()
        assert recorder.store.refresh_pending() == 0
    db.session.commit()
    assert recorder.applied == []


def test_another_session_is_left_alone(recorder, org, db):
    learner_id = org.learner_a.id
    db.session.commit()  # SQLite: the site's session holds no lock while the other one writes
    with Session(db.engine) as other:
        person = other.get(User, learner_id)
        person.name = "甲"
        other.commit()
    assert recorder.applied == []
