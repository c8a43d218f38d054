"""The demo shows a plan and the scores: plans for every branch (and a proposal), the shipped schemes,
idempotent; the year-end page and the scores page of the demo committee render."""

from __future__ import annotations

from sqlalchemy import func, select

from learnapp import clock as app_clock
from learnapp.accounts.models import User
from learnapp.demo import DEMO_PASSWORD, load_all
from learnapp.planning.models import DevelopmentPlan, PlanStatus
from learnapp.yearend import scoring


def test_demo_plans_and_scheme(app, clock, db, client, login):
    today = app_clock.today()
    load_all(today)
    db.session.commit()
    load_all(today)
    db.session.commit()
    plans = db.session.scalars(select(DevelopmentPlan).where(DevelopmentPlan.year == today.year)).all()
    assert len(plans) == 6 and all(p.status == PlanStatus.approved for p in plans)
    assert db.session.scalar(select(func.count()).where(DevelopmentPlan.status == PlanStatus.proposed)) == 1
    assert scoring.scheme_for_year(today.year).version == 1
    admin = db.session.scalar(select(User).where(User.login_id == "admin"))
    login(admin, DEMO_PASSWORD)
    page = client.get("/yearend/").get_data(as_text=True)
    assert "今年计划发展8人" in page
    scores = client.get("/yearend/scores").get_data(as_text=True)
    assert "办公室党支部" in scores and "学时完成率" in scores
