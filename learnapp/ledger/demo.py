"""Demo study hours offline: last year's and this year's activities with attendance (a lecture,
themed Party days of the general branches, each branch's monthly themed Party day this year, the
training class) and claims (pending with a generated photo, approved, rejected), all through the services,
so every ledger line names the activity or claim that earned it. Online credit comes from reading
(materials/demo.py, through the real heartbeat) and from quiz attempts (quizzes/demo.py).
Idempotent: skipped once loaded.

The spread of this year's credit is deliberate: the people's profiles (ctx.profiles) decide how
often they attend, so about a third have met the requirement, a third are on pace and a third
are behind, and every page has something to show.
"""

from __future__ import annotations

import io
import random
import struct
import zlib
from datetime import date, time, timedelta
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from learnapp import clock
from learnapp.accounts.models import Stage
from learnapp.db import db
from learnapp.ledger import activities, claims, services
from learnapp.ledger.models import Category
from learnapp.ledger.offline_models import Activity
from learnapp.ledger.rules import current_rule_set
from learnapp.ledger.schedule import make_schedule
from learnapp.security import SYSTEM

MARKER_TITLE = "专题党课：学习贯彻党的二十大精神"


def demo_photo(width: int = 320, height: int = 200) -> bytes:
    """A small PNG (a red banner over a pale ground), written with zlib and struct: no downloads."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = []
    for y in range(height):
        row = bytearray([0])
        for x in range(width):
            if 30 <= y < 70:
                row += bytes((183, 28, 28))
            elif y >= 70 and (x // 20 + y // 20) % 2 == 0:
                row += bytes((245, 238, 225))
            else:
                row += bytes((235, 225, 205))
        rows.append(bytes(row))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
            + chunk(b"IEND", b""))


def _load_rules() -> None:
    """Load the shipped rules files for years that have none yet (as `flask rules load` would)."""
    folder = Path(current_app.root_path).parent / "content" / "credit-rules"
    for path in sorted(folder.glob("*.yaml")):
        if path.stem.isdigit() and current_rule_set(int(path.stem)) is None:
            services.save_rules(SYSTEM, path.read_text(encoding="utf-8"), source_name=path.name, expected_year=int(path.stem))


def _activity(admin, branch, category, title, day, start, end, *, end_day=None, place=None, organiser=None,
              audience=None, stages=()):
    return activities.create_activity(admin, branch=branch, category=category, title=title,
                                      schedule=make_schedule(day, start, end, end_day), place=place,
                                      organiser=organiser, audience=audience or [branch], stages=list(stages))


def _attend(admin, activity, people) -> None:
    for person in people:
        activities.set_attendance(admin, activity, person, True, "roster")


# Each branch's themed Party day (每月主题党日), an afternoon: by profile, how often a person came.
MONTHLY_THEMES = ["学习党章党规", "重温入党誓词", "学习党的二十大精神", "党史学习教育", "廉洁文化教育", "志愿服务进社区",
                  "学习七一重要讲话", "警示教育", "学习贯彻全会精神", "参观红色教育基地", "组织生活会准备", "年度学习交流"]
ATTENDANCE_BY_PROFILE = (0.95, 0.85, 0.4)


def _monthly_party_days(ctx, year: int, until: date, rng: random.Random) -> None:
    """Each branch's monthly themed Party day of `year` up to `until`, with attendance by profile,
    and the next one when it falls within a month after `until` (announced, nobody attended yet)."""
    for branch_name, branch in ctx.branches.items():
        if branch_name.endswith("党总支"):
            continue
        members = [p for p in ctx.trainees() if p.branch_id == branch.id]
        for month in range(1, 13):
            day = date(year, month, 10 + branch.id % 5)
            if day > until + timedelta(days=31):
                break
            activity = _activity(ctx.admin, branch, Category.themed_party_day,
                                 f"{month}月主题党日：{MONTHLY_THEMES[month - 1]}", day, time(14), time(17),
                                 place="党员活动室", organiser=f"{branch_name}支委会", audience=[branch])
            if day > until:
                break
            _attend(ctx.admin, activity, [p for p in members if rng.random() < ATTENDANCE_BY_PROFILE[ctx.profiles[p.login_id]]])


def _quarterly_days(ctx, year: int, rng: random.Random) -> None:
    """Last year's record, kept short: each general branch's quarterly themed Party day, a whole
    day (8 学时), with attendance by profile."""
    for name, general in ctx.branches.items():
        if not name.endswith("党总支"):
            continue
        members = [p for p in ctx.trainees() if p.branch.parent_id == general.id]
        for quarter, month in enumerate((3, 6, 9, 11)):
            activity = _activity(ctx.admin, general, Category.themed_party_day,
                                 f"{year}年第{quarter + 1}季度主题党日：{MONTHLY_THEMES[month]}（{name}）",
                                 date(year, month, 20), time(8, 30), time(16, 30), place="党员活动室", audience=[general])
            _attend(ctx.admin, activity, [p for p in members if rng.random() < ATTENDANCE_BY_PROFILE[ctx.profiles[p.login_id]]])


def load_demo(ctx) -> None:
    """Add the ledger's demo content for the people of the core demo (ctx.people by login ID)."""
    if db.session.scalar(select(Activity.id).where(Activity.title == MARKER_TITLE)):
        return
    _load_rules()
    today = clock.today()
    year = today.year
    rng = random.Random(3)
    admin = ctx.admin
    people = [p for login, p in sorted(ctx.people.items()) if login.startswith("u") or login.startswith("sec")]
    learners = [p for p in people if p.login_id.startswith("u")]

    # Last year: a lecture and a themed Party day for everyone, and the general branches' quarterly days.
    last = year - 1
    lecture_last = _activity(admin, ctx.committee, Category.lecture, "党课：新时代党的建设总要求", date(last, 4, 18),
                             time(9), time(11, 30), place="机关大礼堂", organiser="市委党校 李教授", audience=[ctx.committee])
    party_day_last = _activity(admin, ctx.committee, Category.themed_party_day, "主题党日：参观红色教育基地",
                               date(last, 7, 1), time(8, 30), time(16, 30), place="市革命历史纪念馆", audience=[ctx.committee])
    _attend(admin, lecture_last, [p for i, p in enumerate(people) if i % 5])
    _attend(admin, party_day_last, [p for i, p in enumerate(people) if i % 4])
    _quarterly_days(ctx, last, rng)

    # This year: a committee lecture (4 学时 per attendee), themed Party days per general branch,
    # a three-day class for development targets, and today's Party day for the check-in code.
    def past(days: int) -> date:
        return max(date(year, 1, 1), today - timedelta(days=days))

    lecture = _activity(admin, ctx.committee, Category.lecture, MARKER_TITLE, past(21), time(9), time(11, 30),
                        place="机关大礼堂", organiser="市委党校 王教授", audience=[ctx.committee])
    # Most attended; the first learners of each branch (the walkthrough logins) among them.
    _attend(admin, lecture, [p for i, p in enumerate(people) if i % 6 != 5])
    generals = [b for name, b in ctx.branches.items() if name.endswith("党总支")]
    for n, general in enumerate(generals):
        day_ = _activity(admin, general, Category.themed_party_day, f"主题党日：重温入党誓词（{general.name}）",
                         past(45 + 10 * n), time(14), time(17), place="党员活动室", audience=[general])
        _attend(admin, day_, [p for i, p in enumerate(people) if p.branch.parent_id == general.id and i % 7 != 6])
    report = _activity(admin, ctx.committee, Category.lecture, "先进事迹报告会", past(30), time(14), time(16, 30),
                       place="机关大礼堂", organiser="全国优秀共产党员 事迹报告团", audience=[ctx.committee])
    _attend(admin, report, [p for i, p in enumerate(people) if i % 3 == 0 or i % 4 == 1])
    targets = [p for p in people if p.stage == Stage.development_target]
    if targets:
        training = _activity(admin, ctx.committee, Category.training_class, "发展对象集中培训班", past(70),
                             time(9), time(17), end_day=past(68), place="市委党校", organiser="市委党校",
                             audience=[ctx.committee], stages=[Stage.development_target.value])
        _attend(admin, training, targets[: max(1, len(targets) - 1)])
    _activity(admin, ctx.committee, Category.themed_party_day, "主题党日：学习党章（今日，可用签到码签到）", today,
              time(8, 30), time(20, 30), place="党员活动室", audience=[ctx.committee])

    _monthly_party_days(ctx, year, today - timedelta(days=1), rng)

    # Claims: a few pending (with a photo) for the approval queue, one approved, one rejected.
    photo = demo_photo()
    visits = [("参观市革命历史纪念馆", Category.red_education_visit, "市革命历史纪念馆"),
              ("旁听先进事迹报告会", Category.lecture, "市人民会堂"),
              ("参加区委党校专题讲座", Category.lecture, "区委党校"),
              ("参观廉政教育基地", Category.red_education_visit, "市廉政教育基地")]
    # The first learner of each branch stays free of claims: the demo walkthrough claims as them.
    first_of_branch = {}
    for p in learners:
        if p.stage != Stage.full_member:
            first_of_branch.setdefault(p.branch_id, p)
    claimants = [p for p in learners if p not in first_of_branch.values() and p.stage != Stage.full_member]
    made = []
    for n, person in enumerate(claimants[:6]):
        title, category, place = visits[n % len(visits)]
        made.append(claims.submit_claim(
            person, category=category, title=title, place=place,
            schedule=make_schedule(past(3 + 4 * n), time(9), time(11, 30)),
            description="利用周末自行参加，附现场照片。", files=[("现场照片.png", io.BytesIO(photo))]))
    secretaries = {p.branch_id: p for login, p in ctx.people.items() if login.startswith("sec")}
    if len(made) >= 2:
        claims.approve_claim(secretaries.get(made[0].user.branch_id, admin), made[0].id, "材料齐全")
        claims.reject_claim(secretaries.get(made[1].user.branch_id, admin), made[1].id,
                            "照片无法说明参加时间，请补充签到证明后重新申报。")
    db.session.flush()
