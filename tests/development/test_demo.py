"""The demo's development files: consistent with the stages and the ledger, the stories it tells,
idempotent; `flask development check` lists exactly the committee exception (exit 1)."""

from __future__ import annotations

from sqlalchemy import func, select

from learnapp import clock as app_clock
from learnapp.accounts.models import Stage, User
from learnapp.demo import load_all
from learnapp.development import check, demo
from learnapp.development.history import derive_stage
from learnapp.development.models import DevelopmentStep, StepStatus


def test_demo_files_tell_the_story_and_only_the_exception_is_reported(app, clock, db):
    today = app_clock.today()
    load_all(today)
    db.session.commit()
    people = db.session.scalars(select(User).where(User.login_id.like("u%"))).all()
    assert {p.stage for p in people} == set(Stage)
    for person in people:
        assert person.stage == (derive_stage(person) or Stage.applicant), person.login_id
    returned = db.session.scalars(select(DevelopmentStep).where(DevelopmentStep.status == StepStatus.returned)).all()
    assert {s.code for s in returned} == {"activist_filed", "committee_prereview"}
    assert {s.decision_note for s in returned} == {demo.RETURN_REASON, demo.PREREVIEW_RETURN}
    accepted_filings = db.session.scalar(select(func.count()).where(DevelopmentStep.code == "activist_filed",
                                                                   DevelopmentStep.status == StepStatus.accepted))
    assert accepted_filings >= 2
    findings = check.check_all(today)
    assert [(f.kind, f.code) for f in findings] == [("exception", "application_talk")], "\n".join(f.person.login_id + " " + f.message for f in findings)
    assert demo.EXCEPTION_REASON in findings[0].message
    # A second run changes nothing.
    count = db.session.scalar(select(func.count(DevelopmentStep.id)))
    load_all(today)
    db.session.commit()
    assert db.session.scalar(select(func.count(DevelopmentStep.id))) == count
    # The CLI prints it (in Chinese) and exits 1.
    result = app.test_cli_runner().invoke(args=["development", "check"])
    assert result.exit_code == 1
    assert demo.EXCEPTION_REASON in result.output and "例外" in result.output
