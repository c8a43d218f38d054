"""Row builders for the benchmark data set: deterministic from one seed, streamed, never all in memory.

Each builder yields plain tuples in the column order it declares; `generate.py` hands them to
`bulk.BulkLoader`. Ids are assigned here (1..n per table) so rows can point at each other without
reading anything back from the database.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from werkzeug.security import generate_password_hash

PASSWORD = "bench2026"
# A cheap hash on purpose: the benchmark logs in thousands of people to measure *other* pages;
# production keeps scrypt (PASSWORD_HASH_METHOD), whose cost is a login-only concern.
PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
STAGES = [("applicant", 20), ("activist", 30), ("development_target", 10), ("probationary_member", 10),
          ("full_member", 30)]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静磊洋勇艳杰娟涛明超霞平刚桂英建华晓东海燕志强丽军红梅玉兰秀云"
PHRASES = [
    "坚持以习近平新时代中国特色社会主义思想为指导", "深入学习贯彻党的二十大精神", "牢记初心使命",
    "加强党的政治建设", "严格党内政治生活", "发挥党支部战斗堡垒作用", "党员先锋模范作用",
    "坚持民主集中制", "理论联系实际", "密切联系群众", "批评和自我批评", "全面从严治党",
    "把纪律和规矩挺在前面", "认真开展谈心谈话", "按时提交思想汇报", "端正入党动机",
]
# (category, share in ‰, source_type, credits in hundredths, minutes)
LEDGER_MIX = [
    ("online_reading", 450, "material", (25, 50, 100), (10, 20, 45)),
    ("online_video", 100, "material", (25, 50, 100), (12, 25, 40)),
    ("test_passed", 50, "quiz", (50,), (None,)),
    ("branch_study", 150, "activity", (100, 200), (60, 120)),
    ("lecture", 80, "activity", (400,), (240,)),
    ("training_class", 40, "activity", (800,), (480,)),
    ("themed_party_day", 60, "activity", (400,), (240,)),
    ("red_education_visit", 30, "activity", (400,), (240,)),
    ("self_study", 30, "claim", (100, 200), (60, 120)),
    ("adjustment", 10, "adjustment", (50, -50, 100), (None,)),
]


def noon_utc(day: date) -> datetime:
    # 12:00 in Shanghai is 04:00 UTC: every entry belongs to the local day it says.
    return datetime(day.year, day.month, day.day, 4, 0, tzinfo=UTC)


@dataclass
class Plan:
    """Sizes and the fixed ids the runner needs to find its way around the data."""

    people: int
    ledger: int
    attempts: int
    seed: int
    today: date
    materials: int = 100
    history_quizzes: int = 20
    questions_per_history_quiz: int = 5
    questions_per_live_quiz: int = 10
    reading_per_person: int = 5
    audit_entries: int = 5000
    # filled in by the builders
    branch_ids: list[int] = field(default_factory=list)        # leaf branches, biggest first
    general_ids: list[int] = field(default_factory=list)
    committee_id: int = 1
    user_branch: list[int] = field(default_factory=list)       # index: user id - first_person_id
    user_stage: list[str] = field(default_factory=list)
    first_person_id: int = 0
    admin_ids: dict[str, int] = field(default_factory=dict)
    branch_admin_logins: dict[int, str] = field(default_factory=dict)
    branch_paths: dict[int, str] = field(default_factory=dict)
    live_quiz_ids: dict[str, int] = field(default_factory=dict)
    material_slugs: list[str] = field(default_factory=list)

    @property
    def year(self) -> int:
        return self.today.year

    def person_login(self, index: int) -> str:
        return f"p{index + 1:06d}"


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _weighted(rng: random.Random, items):
    total = sum(w for _, w in items)
    pick = rng.randrange(total)
    for value, weight in items:
        if pick < weight:
            return value
        pick -= weight
    return items[-1][0]


# --- organisation and people ------------------------------------------------------------------

BRANCH_COLUMNS = ["id", "name", "kind", "parent_id", "path", "active", "sort_order", "created_at"]


def branches(plan: Plan) -> Iterator[tuple]:
    """Committee → general branches → branches, about 100 people per branch."""
    created = noon_utc(date(plan.year - 3, 1, 5))
    leaves = max(4, plan.people // 100)
    generals = max(2, leaves // 20)
    yield (1, "基准测试党委", "committee", None, "/1/", True, 0, created)
    plan.branch_paths[1] = "/1/"
    next_id = 2
    for g in range(generals):
        gid = next_id
        next_id += 1
        plan.general_ids.append(gid)
        plan.branch_paths[gid] = f"/1/{gid}/"
        yield (gid, f"第{g + 1}党总支", "general_branch", 1, f"/1/{gid}/", True, g, created)
    for b in range(leaves):
        parent = plan.general_ids[b % generals]
        bid = next_id
        next_id += 1
        plan.branch_ids.append(bid)
        plan.branch_paths[bid] = f"{plan.branch_paths[parent]}{bid}/"
        yield (bid, f"第{b + 1}党支部", "branch", parent, plan.branch_paths[bid], True, b, created)


USER_COLUMNS = ["id", "login_id", "name", "phone", "email", "branch_id", "stage", "active", "password_hash",
                "must_change_password", "session_epoch", "locale", "last_login_at", "created_at"]


def users(plan: Plan, rng: random.Random) -> Iterator[tuple]:
    """Admins first (committee admin, auditor, one admin per branch), then the people."""
    pw = generate_password_hash(PASSWORD, PASSWORD_HASH_METHOD)
    created = noon_utc(date(plan.year - 2, 3, 1))
    uid = 0

    def row(login, name, branch, stage):
        nonlocal uid
        uid += 1
        return (uid, login, name, None, None, branch, stage, True, pw, False, f"{rng.getrandbits(64):016x}", None, None,
                created)

    yield row("bench_cadmin", "党委管理员", plan.committee_id, "full_member")
    plan.admin_ids["committee_admin"] = uid
    yield row("bench_auditor", "上级督查员", plan.committee_id, "full_member")
    plan.admin_ids["auditor"] = uid
    for bid in plan.branch_ids:
        login = f"badmin{bid}"
        yield row(login, f"支部书记{bid}", bid, "full_member")
        plan.branch_admin_logins[bid] = login
    plan.first_person_id = uid + 1
    n_branches = len(plan.branch_ids)
    for i in range(plan.people):
        # Skewed on purpose: a few large branches, many small ones, as in a real bureau.
        branch = plan.branch_ids[min(n_branches - 1, int(n_branches * rng.random() ** 1.4))]
        stage = _weighted(rng, STAGES)
        plan.user_branch.append(branch)
        plan.user_stage.append(stage)
        yield row(plan.person_login(i), _name(rng), branch, stage)


def branch_admin_ids(plan: Plan) -> dict[int, int]:
    """Branch id → the id of its admin (admins follow the two committee accounts)."""
    return {bid: 3 + i for i, bid in enumerate(plan.branch_ids)}


GRANT_COLUMNS = ["id", "user_id", "role", "branch_id", "created_at"]


def role_grants(plan: Plan) -> Iterator[tuple]:
    created = noon_utc(date(plan.year - 2, 3, 1))
    yield (1, plan.admin_ids["committee_admin"], "committee_admin", plan.committee_id, created)
    yield (2, plan.admin_ids["auditor"], "auditor", plan.committee_id, created)
    for i, (bid, uid) in enumerate(branch_admin_ids(plan).items()):
        yield (3 + i, uid, "branch_admin", bid, created)


STAGE_CHANGE_COLUMNS = ["id", "user_id", "stage", "effective_on", "recorded_by_id", "recorded_at", "note"]


def stage_changes(plan: Plan, rng: random.Random) -> Iterator[tuple]:
    recorded = noon_utc(date(plan.year - 2, 3, 1))
    for i, stage in enumerate(plan.user_stage):
        since = date(plan.year - 2, 1, 1) + timedelta(days=rng.randrange(600))
        yield (i + 1, plan.first_person_id + i, stage, since, plan.admin_ids["committee_admin"], recorded, None)


CONTACT_COLUMNS = ["id", "contact_id", "learner_id", "active", "created_at"]


def contacts(plan: Plan) -> Iterator[tuple]:
    """Each activist and development target gets a full member of their branch as contact."""
    created = noon_utc(date(plan.year - 1, 2, 1))
    members: dict[int, list[int]] = {}
    for i, stage in enumerate(plan.user_stage):
        if stage == "full_member":
            members.setdefault(plan.user_branch[i], []).append(plan.first_person_id + i)
    n = 0
    for i, stage in enumerate(plan.user_stage):
        pool = members.get(plan.user_branch[i])
        if stage in ("activist", "development_target") and pool:
            n += 1
            yield (n, pool[i % len(pool)], plan.first_person_id + i, True, created)


# --- ledger -----------------------------------------------------------------------------------

LEDGER_COLUMNS = ["id", "user_id", "year", "occurred_on", "category", "credit_hundredths", "requested_hundredths",
                  "minutes", "source_type", "source_id", "reason", "created_by_id", "created_at", "reverses_id",
                  "dedupe_key"]


def ledger_entries(plan: Plan, rng: random.Random) -> Iterator[tuple]:
    """Entries in time order over last year and this year up to today (85 % this year)."""
    this_year_days = (plan.today - date(plan.year, 1, 1)).days + 1
    last_year = [date(plan.year - 1, 1, 1) + timedelta(days=d) for d in range(365)]
    this_year = [date(plan.year, 1, 1) + timedelta(days=d) for d in range(this_year_days)]
    plan_days = [(d, 0.15 / len(last_year)) for d in last_year] + [(d, 0.85 / len(this_year)) for d in this_year]
    mix = [(m, m[1]) for m in LEDGER_MIX]
    n_people = plan.people
    entry_id = 0
    carry = 0.0
    admin = plan.admin_ids["committee_admin"]
    for day, share in plan_days:
        carry += plan.ledger * share
        count = int(carry)
        carry -= count
        created = noon_utc(day)
        for _ in range(count):
            entry_id += 1
            # Some people study far more than others: a skewed pick rather than uniform.
            person = min(n_people - 1, int(n_people * rng.random() ** 1.2))
            category, _, source_type, credits, minutes = _weighted(rng, mix)
            k = rng.randrange(len(credits))
            source_id = None if source_type == "adjustment" else str(rng.randrange(1, 200))
            yield (entry_id, plan.first_person_id + person, day.year, day, category, credits[k], None,
                   minutes[min(k, len(minutes) - 1)], source_type, source_id,
                   "年度核对补录" if source_type == "adjustment" else None,
                   admin if source_type in ("activity", "adjustment") else None, created, None, None)


# --- materials and reading --------------------------------------------------------------------

MATERIAL_COLUMNS = ["id", "slug", "title", "summary", "body", "kind", "source", "external_url", "estimated_minutes",
                    "status", "version", "updated_at", "published_at", "created_by_id", "updated_by_id",
                    "content_path", "content_hash", "created_at"]


def material_body(rng: random.Random, paragraphs: int = 12) -> str:
    parts = []
    for p in range(paragraphs):
        if p % 4 == 0:
            parts.append(f"## 第{p // 4 + 1}部分")
        parts.append("，".join(rng.choice(PHRASES) for _ in range(8)) + "。")
    return "\n\n".join(parts)


def materials(plan: Plan, rng: random.Random) -> Iterator[tuple]:
    at = noon_utc(date(plan.year, 1, 10))
    sources = ["党章", "准则", "条例", "讲话", "党史"]
    for i in range(plan.materials):
        slug = f"bench-material-{i + 1:03d}"
        plan.material_slugs.append(slug)
        yield (i + 1, slug, f"学习资料第{i + 1}篇：{rng.choice(PHRASES)}", rng.choice(PHRASES), material_body(rng),
               "article", sources[i % len(sources)], None, rng.choice((10, 20, 30, 45)), "published", 1, at, at,
               plan.admin_ids["committee_admin"], plan.admin_ids["committee_admin"], None, None, at)


def reading_list_rows(plan: Plan) -> dict[str, tuple[list[str], list[tuple]]]:
    """One required list for the whole committee this year: 20 materials."""
    at = noon_utc(date(plan.year, 1, 10))
    items = min(20, plan.materials)
    return {
        "reading_lists": (["id", "slug", "year", "title", "description", "owner_branch_id", "active", "content_path",
                           "content_hash", "updated_at", "created_at"],
                          [(1, f"bench-required-{plan.year}", plan.year, f"{plan.year}年度必读书目", "", None, True,
                            None, None, at, at)]),
        "reading_list_items": (["id", "reading_list_id", "material_id", "required", "due_on", "position"],
                               [(i + 1, 1, i + 1, True, date(plan.year, 12, 31), i) for i in range(items)]),
        "reading_list_assignments": (["id", "reading_list_id", "branch_id", "stage"], [(1, 1, None, None)]),
    }


PROGRESS_COLUMNS = ["id", "user_id", "material_id", "year", "active_seconds", "counted_seconds",
                    "granted_hundredths", "credited_hundredths", "granted_seconds", "target_hundredths", "grants",
                    "first_read_at", "last_read_at", "completed_at"]


def reading_progress(plan: Plan, rng: random.Random) -> Iterator[tuple]:
    n = 0
    for i in range(plan.people):
        for material_id in rng.sample(range(1, plan.materials + 1), k=min(plan.reading_per_person, plan.materials)):
            n += 1
            seconds = rng.randrange(60, 3600)
            first = noon_utc(date(plan.year, 1, 15) + timedelta(days=rng.randrange(200)))
            done = seconds >= 1800
            credit = 100 if done else 50 * (seconds // 900)
            yield (n, plan.first_person_id + i, material_id, plan.year, seconds, seconds, credit, credit, seconds,
                   100, 1 if credit else 0, first, first + timedelta(days=3), first + timedelta(days=3) if done else None)


# --- question bank, quizzes and attempts ------------------------------------------------------

def _options(rng: random.Random) -> list[dict]:
    right = rng.randrange(4)
    return [{"key": k, "text": rng.choice(PHRASES), "fraction": 100 if j == right else 0}
            for j, k in enumerate("ABCD")]


def question_rows(plan: Plan, rng: random.Random) -> tuple[list[tuple], list[tuple], list[list[str]]]:
    """(questions, versions, correct keys by question id - 1): single-choice questions, one version each."""
    n = plan.history_quizzes * plan.questions_per_history_quiz + 2 * plan.questions_per_live_quiz
    at = noon_utc(date(plan.year, 1, 5))
    questions, versions, keys = [], [], []
    for q in range(1, n + 1):
        options = _options(rng)
        stem = f"第{q}题：以下关于“{rng.choice(PHRASES)}”的说法，正确的是？"
        questions.append((q, 1, None, False, None, plan.admin_ids["committee_admin"], at))
        versions.append((q, q, 1, "single", None, stem, json.dumps(options, ensure_ascii=False), None, "", "", None,
                         "[]", "[]", 2, 1, plan.admin_ids["committee_admin"],
                         hashlib.sha256(stem.encode()).hexdigest(), "import", at))
        keys.append([o["key"] for o in options if o["fraction"] > 0])
    return questions, versions, keys


QUESTION_COLUMNS = ["id", "category_id", "current_version_id", "retired", "retired_at", "created_by_id", "created_at"]
VERSION_COLUMNS = ["id", "question_id", "number", "kind", "title", "stem", "options", "answer", "explanation",
                   "reference_answer", "source", "knowledge_points", "tags", "difficulty", "default_points",
                   "created_by_id", "fingerprint", "change_note", "created_at"]
QUIZ_COLUMNS = ["id", "title", "description", "kind", "status", "branch_id", "opens_at", "closes_at",
                "time_limit_minutes", "max_attempts", "grading_method", "pass_bp", "shuffle_questions",
                "shuffle_options", "choice_scoring", "review_after_submit", "review_after_close", "credit_on_pass",
                "audience_stages", "created_by_id", "updated_at", "created_at"]
SLOT_COLUMNS = ["id", "quiz_id", "position", "kind", "question_id", "category_id", "include_subcategories", "tag",
                "count", "points"]


def quizzes(plan: Plan) -> tuple[list[tuple], list[tuple], list[list[int]]]:
    """History quizzes (with attempts), then two live ones: the storm quiz and a practice quiz."""
    at = noon_utc(date(plan.year, 1, 5))
    admin = plan.admin_ids["committee_admin"]
    quiz_rows, slot_rows, quiz_questions = [], [], []
    next_question = 1
    slot_id = 0

    def add(title, kind, size, max_attempts, limit):
        nonlocal next_question, slot_id
        qid = len(quiz_rows) + 1
        quiz_rows.append((qid, title, "", kind, "published", plan.committee_id, None, None, limit, max_attempts,
                          "highest", 6000, True, True, "all_or_nothing", '["score","correctness"]', '["score"]',
                          kind == "assessment", "[]", admin, at, at))
        ids = list(range(next_question, next_question + size))
        next_question += size
        for pos, question_id in enumerate(ids):
            slot_id += 1
            slot_rows.append((slot_id, qid, pos, "fixed", question_id, None, True, None, 1, None))
        quiz_questions.append(ids)
        return qid

    for q in range(plan.history_quizzes):
        add(f"{plan.year}年第{q + 1}期应知应会测试", "assessment" if q % 2 == 0 else "practice",
            plan.questions_per_history_quiz, None, 30)
    plan.live_quiz_ids["storm"] = add(f"{plan.year}年度党规党纪知识测试（集中考试）", "assessment",
                                      plan.questions_per_live_quiz, 1, 60)
    plan.live_quiz_ids["practice"] = add("党章知识随堂练习", "practice", plan.questions_per_live_quiz, None, None)
    return quiz_rows, slot_rows, quiz_questions


ATTEMPT_COLUMNS = ["id", "quiz_id", "user_id", "branch_id", "number", "state", "seed", "started_at", "deadline_at",
                   "last_saved_at", "submitted_at", "auto_submitted", "graded_at", "score_hundredths",
                   "max_score_hundredths", "score_bp", "passed", "created_at"]
ITEM_COLUMNS = ["id", "attempt_id", "position", "slot_id", "question_id", "question_version_id", "option_order",
                "points", "response", "saved_at", "needs_manual", "score_hundredths", "fraction", "graded_by_id",
                "graded_at", "feedback"]
PARTICIPANT_COLUMNS = ["id", "quiz_id", "user_id", "attempts_started", "attempts_graded", "counted_bp", "passed",
                       "year", "first_submitted_at", "passed_at"]


@dataclass
class AttemptSet:
    """Graded attempts on the history quizzes, the answer given to each question, one row per participant."""

    rows: list[tuple] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # one letter per question, by attempt id - 1
    participants: list[tuple] = field(default_factory=list)


def attempts(plan: Plan, rng: random.Random, quiz_questions: list[list[int]], keys: list[list[str]]) -> AttemptSet:
    """Graded attempts over the year so far; 70 % of answers right."""
    days = (plan.today - date(plan.year, 1, 6)).days
    out = AttemptSet()
    state: dict[tuple[int, int], list] = {}
    for attempt_id in range(1, plan.attempts + 1):
        quiz_id = rng.randrange(1, plan.history_quizzes + 1)
        person = rng.randrange(plan.people)
        user_id = plan.first_person_id + person
        st = state.setdefault((quiz_id, user_id), [0, 0, None, None])  # started, best bp, first submit, passed at
        st[0] += 1
        started = noon_utc(date(plan.year, 1, 6) + timedelta(days=rng.randrange(max(1, days))))
        submitted = started + timedelta(minutes=rng.randrange(5, 30))
        questions = quiz_questions[quiz_id - 1]
        answers = "".join(rng.choice("ABCD") if rng.random() < 0.3 else keys[q - 1][0] for q in questions)
        right = sum(a in keys[q - 1] for a, q in zip(answers, questions, strict=True))
        bp = right * 10000 // len(questions)
        st[1] = max(st[1], bp)
        st[2] = st[2] or submitted
        if bp >= 6000 and st[3] is None:
            st[3] = submitted
        out.answers.append(answers)
        out.rows.append((attempt_id, quiz_id, user_id, plan.user_branch[person], st[0], "graded",
                         rng.randrange(2**31), started, started + timedelta(minutes=30), submitted, submitted, False,
                         submitted, right * 100, len(questions) * 100, bp, bp >= 6000, started))
    for n, ((quiz_id, user_id), (started, best, first, passed_at)) in enumerate(sorted(state.items()), 1):
        out.participants.append((n, quiz_id, user_id, started, started, best, best >= 6000, plan.year, first,
                                 passed_at))
    return out


def attempt_items(attempt_set: AttemptSet, quiz_questions: list[list[int]], keys: list[list[str]],
                  slot_ids: dict[tuple[int, int], int]) -> Iterator[tuple]:
    item_id = 0
    for row, answers in zip(attempt_set.rows, attempt_set.answers, strict=True):
        attempt_id, quiz_id, submitted = row[0], row[1], row[10]
        for pos, (question_id, answer) in enumerate(zip(quiz_questions[quiz_id - 1], answers, strict=True)):
            item_id += 1
            ok = answer in keys[question_id - 1]
            yield (item_id, attempt_id, pos, slot_ids[(quiz_id, question_id)], question_id, question_id,
                   '["A","B","C","D"]', 1, json.dumps(answer), submitted, False, 100 if ok else 0,
                   "1/1" if ok else "0/1", None, submitted, "")
