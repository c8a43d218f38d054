"""The assessments demo content loads and is idempotent."""

from __future__ import annotations

from sqlalchemy import func, select

from learnapp.assessments import demo
from learnapp.assessments.models import Assessment
from learnapp.db import db
from learnapp.demo import load_core


def test_demo_is_idempotent(app, clock):
    ctx = load_core(clock.now().date())
    demo.load_demo(ctx)
    first = db.session.scalar(select(func.count(Assessment.id)))
    assert first > 0
    demo.load_demo(ctx)
    assert db.session.scalar(select(func.count(Assessment.id))) == first
