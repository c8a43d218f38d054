"""The demo tells one story: every ledger line it writes was earned by something the site holds
(a reading session of the material, attendance at the activity, an approved claim with its
evidence, a quiz attempt), each person's online credit is the same on the home page, the reading
page and the ledger, the stored totals agree with the lines, and a second load adds nothing."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import func, select

from learnapp import clock as app_clock
from learnapp.demo import DEMO_PASSWORD, load_all
from learnapp.ledger.models import ONLINE_CATEGORIES, LedgerEntry
from learnapp.ledger.offline_models import Attendance, Claim, ClaimStatus
from learnapp.ledger.progress import year_progress
from learnapp.materials import list_queries
from learnapp.materials.list_queries import reading_status
from learnapp.materials.models import ReadingProgress, ReadingSession
from learnapp.quizzes.models import Attempt
from learnapp.web import format_credit


def _local_day(moment):
    return app_clock.to_local(moment).date()


def _unsourced(db) -> list[str]:
    """The demo's ledger lines that nothing behind them explains."""
    sessions = defaultdict(list)
    for s in db.session.scalars(select(ReadingSession)):
        sessions[(s.user_id, s.material_id)].append((_local_day(s.started_at), _local_day(s.last_beat_at)))
    present = set(db.session.execute(select(Attendance.activity_id, Attendance.user_id).where(Attendance.present)).all())
    claims = {c.id: c for c in db.session.scalars(select(Claim))}
    attempts = set(db.session.execute(select(Attempt.quiz_id, Attempt.user_id)).all())
    problems = []
    for e in db.session.scalars(select(LedgerEntry).order_by(LedgerEntry.id)):
        source = int(e.source_id) if (e.source_id or "").isdigit() else None
        if e.source_type == "material":
            spans = sessions.get((e.user_id, source), [])
            ok = e.minutes is not None and any(first <= e.occurred_on <= last for first, last in spans)
        elif e.source_type == "activity":
            ok = (source, e.user_id) in present
        elif e.source_type == "claim":
            claim = claims.get(source)
            ok = claim is not None and claim.user_id == e.user_id and claim.status == ClaimStatus.approved and bool(claim.evidence)
        elif e.source_type == "quiz":
            ok = (source, e.user_id) in attempts
        else:
            ok = False
        if not ok:
            problems.append(f"{e!r} {e.source_type}:{e.source_id}")
    return problems


def test_every_demo_line_has_its_source_and_every_page_agrees(app, clock, db, client, login):
    today = app_clock.today()
    ctx = load_all(today)
    db.session.commit()

    assert not _unsourced(db)
    lines = db.session.scalar(select(func.count(LedgerEntry.id)))
    sessions = db.session.scalar(select(func.count(ReadingSession.id)))
    reading_lines = db.session.scalar(select(func.count(LedgerEntry.id)).where(LedgerEntry.source_type == "material"))
    assert reading_lines > 50 and lines > reading_lines

    # Online credit: the ledger's reading lines, the reading progress and the pages say the same.
    readers = 0
    for person in ctx.trainees():
        entries = db.session.scalars(select(LedgerEntry).where(LedgerEntry.user_id == person.id,
                                                               LedgerEntry.year == today.year)).all()
        from_reading = sum(e.credit_hundredths for e in entries if e.source_type == "material")
        online = sum(e.credit_hundredths for e in entries if e.category in ONLINE_CATEGORIES)
        progress = db.session.scalars(select(ReadingProgress).where(ReadingProgress.user_id == person.id,
                                                                    ReadingProgress.year == today.year)).all()
        assert sum(p.credited_hundredths for p in progress) == from_reading, person.login_id
        assert reading_status(person, today.year).credit_hundredths == from_reading, person.login_id
        assert year_progress(person, with_chart=False).online == online, person.login_id
        readers += bool(from_reading)
    assert readers > len(ctx.trainees()) // 2
    result = app.test_cli_runner().invoke(args=["ledger", "verify-totals"])
    assert result.exit_code == 0, result.output

    # The walkthrough learners have required reading left to do (the browser journeys read it).
    for role, login_id, _branch in ctx.logins:
        if role == "learner":
            person = ctx.people[login_id]
            items = [i for s in list_queries.my_lists(person, today.year) for i in s.required]
            assert not items or any(i.state != "completed" for i in items), login_id

    # A walkthrough learner's home page and reading page show the same reading credit.
    learner = ctx.people[next(login for role, login, _b in ctx.logins if role == "learner")]
    credit = reading_status(learner, today.year).credit_hundredths
    login(learner, DEMO_PASSWORD)
    home, reading = client.get("/").get_data(as_text=True), client.get("/reading/").get_data(as_text=True)
    assert "下一步学习" in home
    assert f"{format_credit(credit)} 学时" in home and f"{format_credit(credit)} 学时" in reading

    # A second load changes nothing.
    load_all(today)
    db.session.commit()
    assert db.session.scalar(select(func.count(LedgerEntry.id))) == lines
    assert db.session.scalar(select(func.count(ReadingSession.id))) == sessions
