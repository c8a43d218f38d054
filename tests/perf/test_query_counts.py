"""Statements per page do not grow with the data (no queries per row).

Each test measures a page with a little data, adds much more of what the page lists (materials on
the reading lists, ledger lines, claims, quizzes, attempt items, contacts, role grants) and checks
that the page issues no more statements than before, and no more than LIMIT in any case.
Measured as production runs a request: committed data, a fresh session (tests/helpers/query_counter.py).
"""

from __future__ import annotations

import io
from datetime import date, time, timedelta

import pytest

from learnapp import clock
from learnapp.accounts.models import Role, RoleGrant, Stage
from learnapp.db import db
from learnapp.ledger import activities, claims
from learnapp.ledger import services as ledger_services
from learnapp.ledger.schedule import make_schedule
from learnapp.materials import lists
from learnapp.materials.lists import ListData
from learnapp.materials.models import MaterialKind, ReadingProgress
from learnapp.quizzes import attempts
from learnapp.quizzes import services as quiz_services
from learnapp.quizzes.models import QuizKind, QuizStatus
from learnapp.security import SYSTEM
from tests.helpers import factories
from tests.helpers.books import make_book
from tests.helpers.ledger import png_bytes
from tests.helpers.materials import make_material, rules_text
from tests.helpers.query_counter import count_queries, statements_of_get
from tests.helpers.quizzes import Bank, form_for, make_question, make_quiz, opts, right_answers

LIMIT = 20  # statements per page, whatever the data size
YEAR = 2026


def assert_fixed(small, big, limit: int = LIMIT) -> None:
    print(f"statements: {small.count} with little data, {big.count} with more")  # shown with pytest -s
    assert big.count <= small.count, f"statements grew with the data:\n{small.report()}\n--- with more data ---\n{big.report()}"
    assert big.count <= limit, big.report()


# --- data builders ------------------------------------------------------------------------------

_serial = iter(range(1, 100_000))


def load_rules() -> None:
    ledger_services.save_rules(SYSTEM, rules_text(YEAR), source_name="rules-2026.yaml")


def reading_list(slug: str, materials, *, due_in_days: int | None = 7):
    """A list for everyone with the given materials (required, due soon)."""
    rl = lists.create_list(SYSTEM, slug, ListData(f"篇目 {slug}", YEAR), None)
    lists.add_assignment(SYSTEM, rl, None, None)
    for n, material in enumerate(materials):
        due = None if due_in_days is None else clock.today() + timedelta(days=due_in_days + n % 3)
        lists.set_item(SYSTEM, rl, material, required=n % 4 != 3, due_on=due)
    return rl


def materials(n: int, *, prefix: str = "m"):
    made = []
    for _ in range(n):
        k = next(_serial)
        kind = MaterialKind.video if k % 5 == 0 else MaterialKind.article
        made.append(make_material(f"{prefix}-{k}", minutes=10 + k % 40, kind=kind, title=f"资料{k}"))
    return made


def reading_progress(user, material_list, *, completed: bool = False) -> None:
    now = clock.now()
    for n, material in enumerate(material_list):
        db.session.add(ReadingProgress(user_id=user.id, material_id=material.id, year=YEAR, active_seconds=120 + n,
                                       counted_seconds=120 + n, granted_hundredths=25, target_hundredths=50,
                                       first_read_at=now - timedelta(days=2), last_read_at=now - timedelta(minutes=n),
                                       completed_at=now if completed else None))
    db.session.flush()


def ledger_lines(user, n: int, *, admin=None) -> None:
    """n entries of assorted categories and sources over the year, some reversed."""
    categories = ["online_reading", "online_video", "self_study", "branch_study", "lecture"]
    entries = []
    for i in range(n):
        day = date(YEAR, 1, 2) + timedelta(days=(i * 3) % 160)
        category = categories[i % len(categories)]
        source = "material" if category.startswith("online") else "adjustment"
        entries.append(ledger_services.grant(SYSTEM, user, category=category, credit_hundredths=25 + i % 4 * 25,
                                             occurred_on=day, source_type=source, source_id=str(i), minutes=15,
                                             reason=f"第{i}条"))
    if admin is not None:
        for entry in entries[: max(1, n // 10)]:
            ledger_services.reverse_entry(admin, entry, "录入有误")


def approved_claims(user, admin, n: int) -> None:
    for i in range(n):
        day = date(YEAR, 3, 1) + timedelta(days=i * 2)
        claim = claims.submit_claim(user, category="red_education_visit", title=f"参观{i}",
                                    schedule=make_schedule(day, time(9, 0), time(11, 0), None), description="参观",
                                    files=[("photo.png", io.BytesIO(png_bytes()))])
        if i % 3 != 2:
            claims.approve_claim(admin, claim.id)


def attended_activities(user, admin, branch, n: int) -> None:
    for i in range(n):
        day = date(YEAR, 4, 1) + timedelta(days=i * 2)
        activity = activities.create_activity(admin, branch=branch, category="lecture", title=f"党课{i}",
                                              schedule=make_schedule(day, time(14, 0), time(16, 0), None))
        activities.set_attendance(admin, activity, user, True, "roster")


def more_grants(user, *grants) -> None:
    for role, branch in grants:
        db.session.add(RoleGrant(user=user, role=role, branch=branch))
    db.session.flush()


def contacts(learner, n: int) -> None:
    for _ in range(n):
        contact = factories.make_user(learner.branch, Stage.full_member)
        factories.assign_contact(contact, learner)


def learners_for(contact, branch, n: int) -> None:
    for _ in range(n):
        factories.assign_contact(contact, factories.make_user(branch, Stage.activist))


def quizzes_with_results(org, bank, learner, n: int) -> None:
    """n more quizzes for the learner's branch: taken and graded, one in progress, practice ones."""
    for i in range(n):
        kind = QuizKind.practice if i % 3 == 2 else QuizKind.assessment
        quiz = make_quiz(org.committee_admin, learner.branch, bank.auto_questions, title=f"测试{i}", kind=kind,
                         closes_at=clock.now() + timedelta(days=3 + i))
        if i % 2 == 0:
            attempt = attempts.start_attempt(learner, quiz)
            if i != 0:
                attempts.save_responses(learner, attempt, form_for(attempt, right_answers(bank)))
                attempts.submit_attempt(attempt.id)
        if i == 3:
            quiz_services.set_status(org.committee_admin, quiz, QuizStatus.archived)


def bigger_bank(bank: Bank, n: int) -> list:
    extra = []
    for i in range(n):
        if i % 2:
            extra.append(make_question(bank.jilv, "truefalse", f"判断题{i}", answer=True))
        else:
            extra.append(make_question(bank.zonggang, "single", f"单选题{i}",
                                       options=opts(("A", "对", 100), ("B", "错", 0), ("C", "不知道", 0))))
    db.session.flush()
    return extra


@pytest.fixture
def bank(org, db):
    bank = Bank()
    db.session.commit()
    return bank


@pytest.fixture
def base(org, db, clock):
    """Rules of the year, one reading list with one material, a few ledger lines."""
    load_rules()
    first = materials(1, prefix="first")
    reading_list("base-list", first)
    ledger_lines(org.learner_a, 2)
    db.session.commit()
    return first[0]


def grow_home_data(org, bank, user) -> None:
    """Much more of everything the home panels show, for `user`."""
    reading_list("more-1", materials(8))
    reading_list("more-2", materials(8), due_in_days=2)
    reading_progress(user, materials(4, prefix="read"))
    ledger_lines(user, 40, admin=None if user is org.committee_admin else org.committee_admin)
    quizzes_with_results(org, bank, user, 6)
    contacts(user, 3)
    learners_for(user, user.branch, 4)
    db.session.commit()


# --- home ---------------------------------------------------------------------------------------

def test_home_of_a_learner(client, org, login, base, bank):
    make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, title="第一次测试")
    login(org.learner_a)
    small = statements_of_get(client, "/")
    grow_home_data(org, bank, org.learner_a)
    big = statements_of_get(client, "/")
    assert "资料" in big.body and "测试" in big.body
    assert_fixed(small, big)


def test_home_of_a_branch_admin(client, org, login, base, bank):
    make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, title="第一次测试")
    login(org.admin_a)
    small = statements_of_get(client, "/")
    grow_home_data(org, bank, org.admin_a)
    extra = factories.make_branch("丁支部", org.general1)
    more_grants(org.admin_a, (Role.branch_admin, org.branch_b), (Role.branch_admin, extra), (Role.auditor, org.general2))
    db.session.commit()
    big = statements_of_get(client, "/")
    assert "/people/new" in big.body
    assert_fixed(small, big)


def test_home_of_a_committee_admin(client, org, login, base, bank):
    login(org.committee_admin)
    small = statements_of_get(client, "/")
    grow_home_data(org, bank, org.committee_admin)
    more_grants(org.committee_admin, (Role.auditor, org.committee), (Role.branch_admin, org.general1),
                (Role.branch_admin, org.branch_c))
    db.session.commit()
    big = statements_of_get(client, "/")
    assert "/audit/verify" in big.body
    assert_fixed(small, big)


# --- materials ----------------------------------------------------------------------------------

def test_material_page(client, org, login, base):
    login(org.learner_a)
    small = statements_of_get(client, f"/materials/{base.slug}")
    reading_list("more-1", [base, *materials(12)])
    reading_list("more-2", [*materials(10), base], due_in_days=None)
    reading_progress(org.learner_a, materials(5, prefix="read"))
    db.session.commit()
    big = statements_of_get(client, f"/materials/{base.slug}")
    assert big.body.count("list-note") == 3
    assert_fixed(small, big)


def test_book_page(client, org, login, base):
    """A book's page: the same statements with one chapter or twelve, read or not, on lists or not."""
    make_book("small-book", chapters=1)
    big, chapters = make_book("big-book", chapters=12)
    db.session.commit()
    login(org.learner_a)
    small = statements_of_get(client, "/materials/small-book")
    reading_progress(org.learner_a, chapters[:6], completed=True)
    reading_list("more-1", [big, *materials(3)])
    db.session.commit()
    large = statements_of_get(client, "/materials/big-book")
    assert large.body.count("data-chapter=") == 12 and "list-note" in large.body
    assert_fixed(small, large)


def test_chapter_page(client, org, login, base):
    """A chapter's page: its book and neighbours cost the same whatever the book's size."""
    make_book("small-book", chapters=2)
    big, chapters = make_book("big-book", chapters=15)
    db.session.commit()
    login(org.learner_a)
    small = statements_of_get(client, "/materials/small-book-02")
    reading_list("more-1", [big, chapters[1]])
    reading_progress(org.learner_a, chapters[:8])
    db.session.commit()
    large = statements_of_get(client, "/materials/big-book-02")
    assert 'rel="next"' in large.body and large.body.count("list-note") == 2
    assert_fixed(small, large)


def test_reading_list_page(client, org, login, base):
    login(org.learner_a)
    small = statements_of_get(client, "/reading/")
    reading_list("more-1", materials(12))
    more = materials(10)
    reading_list("more-2", more, due_in_days=None)
    reading_progress(org.learner_a, more[:6])
    reading_progress(org.learner_a, materials(4, prefix="read"), completed=True)
    db.session.commit()
    big = statements_of_get(client, "/reading/")
    assert big.body.count("<tr data-kind=") > 20  # one row per item
    assert_fixed(small, big)


def test_reading_list_page_with_books(client, org, login, base):
    """Books on the lists: one statement for every book's chapters, whatever their number."""
    book, _chapters = make_book("first-book", chapters=1)
    reading_list("books-1", [book])
    db.session.commit()
    login(org.learner_a)
    small = statements_of_get(client, "/reading/")
    more = [make_book(f"book-{n}", chapters=6) for n in range(4)]
    reading_list("books-2", [b for b, _c in more] + [more[0][1][2]])
    reading_progress(org.learner_a, more[1][1], completed=True)
    db.session.commit()
    big = statements_of_get(client, "/reading/")
    assert big.body.count("/materials/book-") >= 5
    assert_fixed(small, big)


def test_reading_list_of_a_person_for_their_admin(client, org, login, base):
    login(org.admin_a)
    path = f"/reading/people/{org.learner_a.id}"
    small = statements_of_get(client, path)
    more = materials(10)
    reading_list("more-1", more)
    reading_progress(org.learner_a, more[:7])
    db.session.commit()
    assert_fixed(small, statements_of_get(client, path))


# --- ledger -------------------------------------------------------------------------------------

def test_progress_page(client, org, login, base):
    # One line of each source from the start: the page looks up activities and claims only when
    # some line comes from one (one statement each, whatever their number).
    approved_claims(org.learner_a, org.admin_a, 1)
    attended_activities(org.learner_a, org.admin_a, org.branch_a, 1)
    login(org.learner_a)
    small = statements_of_get(client, "/ledger/")
    ledger_lines(org.learner_a, 120, admin=org.admin_a)
    approved_claims(org.learner_a, org.admin_a, 6)
    attended_activities(org.learner_a, org.admin_a, org.branch_a, 5)
    db.session.commit()
    big = statements_of_get(client, "/ledger/")
    assert_fixed(small, big)


def test_progress_page_of_a_person_for_their_admin(client, org, login, base):
    approved_claims(org.learner_a, org.admin_g1, 1)
    login(org.admin_a)
    path = f"/ledger/people/{org.learner_a.id}"
    small = statements_of_get(client, path)
    ledger_lines(org.learner_a, 60, admin=org.admin_g1)
    approved_claims(org.learner_a, org.admin_g1, 4)
    db.session.commit()
    assert_fixed(small, statements_of_get(client, path))


# --- quizzes ------------------------------------------------------------------------------------

def test_quiz_list_of_a_learner(client, org, login, base, bank):
    make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, title="第一次测试")
    login(org.learner_a)
    small = statements_of_get(client, "/quizzes/")
    quizzes_with_results(org, bank, org.learner_a, 8)
    db.session.commit()
    big = statements_of_get(client, "/quizzes/")
    assert big.body.count("quiz-link") >= 8
    assert_fixed(small, big)


def test_attempt_page(client, org, login, base, bank):
    small_quiz = make_quiz(org.committee_admin, org.branch_a, bank.auto_questions, title="四题")
    big_quiz = make_quiz(org.committee_admin, org.branch_a, [*bank.auto_questions, *bigger_bank(bank, 12)],
                         title="十六题")
    small_attempt = attempts.start_attempt(org.learner_a, small_quiz)
    big_attempt = attempts.start_attempt(org.learner_a, big_quiz)
    db.session.commit()
    login(org.learner_a)
    small = statements_of_get(client, f"/quizzes/attempts/{small_attempt.id}")
    big = statements_of_get(client, f"/quizzes/attempts/{big_attempt.id}")
    assert big.body.count('class="question') - small.body.count('class="question') == 12
    assert_fixed(small, big)


def test_counter_counts_statements(app, org, db):
    """The helper itself: it sees each statement, and only inside the block."""
    from sqlalchemy import select

    from learnapp.accounts.models import User

    with count_queries() as counted:
        db.session.scalars(select(User)).all()
        db.session.scalar(select(User.id).limit(1))
    db.session.scalar(select(User.id).limit(1))
    selects = [s for s in counted.statements if s.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 2 and counted.count <= 3 and "SELECT users" in counted.report()
