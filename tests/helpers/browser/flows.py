"""Steps several journeys share: importing a question file and building a random-draw quiz.

The learner's quiz journey takes the quiz the committee admin built in the browser. Whichever test
needs it first builds it (once per screen size, each size with its own learner), so every test
also runs on its own.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

QUIZ_MINUTES = 10
DRAW_COUNT = 4

GIFT = """$CATEGORY: {category}

// [来源:党章] [知识点:入党条件] [难度:1]
::入党年龄:: 申请入党须年满多少周岁？（{tag}） {{
=十八周岁
~十六周岁
~二十周岁
~二十二周岁
}}

::预备期:: 预备党员的预备期为一年。（{tag}） {{TRUE}}

::党员义务:: 以下哪些属于党员的义务？（{tag}） {{
~%50%认真学习习近平新时代中国特色社会主义思想
~%50%贯彻执行党的基本路线和各项方针、政策
~%-100%利用职权谋取私利
}}

::党的宗旨:: 党的根本宗旨是全心全意为人民服务。（{tag}） {{T}}

::民主集中制:: 党的根本组织原则是什么？（{tag}） {{
=民主集中制
~个人负责制
~一长制
}}

::入党誓词:: 预备党员必须面向党旗进行入党宣誓。（{tag}） {{TRUE}}
"""
GIFT_QUESTIONS = 6


@dataclass
class BuiltQuiz:
    quiz_id: int
    title: str
    learner: str  # takes it with the mouse (test_learner.py)
    keyboard_learner: str  # takes it with the keyboard alone (test_keyboard.py)


_BUILT: dict[str, BuiltQuiz] = {}


def write_gift(folder: Path, size: str) -> tuple[Path, str]:
    """A GIFT file of six questions in a category of its own; returns (path, category name)."""
    category = f"浏览器测试题库-{size}"
    path = folder / f"questions-{size}.gift"
    path.write_text(GIFT.format(category=category, tag=size), encoding="utf-8")
    return path, category


def import_questions(admin, path: Path, step_prefix: str = "bank") -> int:
    """Upload a question file, check the preview, confirm; returns the number imported."""
    admin.goto("/bank/import", step=f"{step_prefix}-import")
    admin.page.set_input_files("#file", str(path))
    admin.submit("main form button[type=submit].primary", step=f"{step_prefix}-preview")
    assert "/bank/import/" in admin.path(), admin.text()[:800]
    button = admin.page.locator("main form[data-once] button[type=submit]")
    count = int(re.search(r"\d+", button.inner_text()).group())
    admin.submit(button, step=f"{step_prefix}-imported")
    return count


def option_value(select, label_part: str) -> str:
    value = select.evaluate(
        "(el, part) => { const o = Array.from(el.options).find(o => o.textContent.includes(part)); "
        "return o ? o.value : null; }", label_part)
    assert value is not None, f"no option containing {label_part!r}"
    return value


def build_draw_quiz(admin, *, title: str, category: str, learners: list[str], branch_label: str | None = None) -> int:
    """Create a timed assessment quiz drawing DRAW_COUNT questions at random, for named learners; publish it."""
    admin.goto("/quizzes/manage/new", step="quiz-new")
    page = admin.page
    page.fill("#title", title)
    page.select_option("#kind", "assessment")
    if branch_label:
        page.select_option("#branch_id", option_value(page.locator("#branch_id"), branch_label))
    page.fill("#time_limit_minutes", str(QUIZ_MINUTES))
    page.fill("#max_attempts", "2")
    page.fill("#pass_percent", "60")
    admin.submit("main form button[type=submit].primary")
    match = re.search(r"/quizzes/manage/(\d+)/questions", admin.path())
    assert match, f"quiz not created: {admin.text()[:800]}"
    quiz_id = int(match.group(1))

    page.select_option("#category_id", option_value(page.locator("#category_id"), category))
    page.fill("#count", str(DRAW_COUNT))
    admin.submit(page.locator(f"form[action$='/quizzes/manage/{quiz_id}/questions/draw'] button[type=submit]"),
                 step="quiz-draw")
    assert page.locator("ol.slots li.slot").count() == 1
    assert page.locator("ol.slots .badge.bad").count() == 0, "the bank should hold enough questions for the draw"

    admin.goto(f"/quizzes/manage/{quiz_id}/audience")
    page.fill("#people", "\n".join(learners))
    admin.submit("main form button[type=submit]", step="quiz-audience")
    assert page.locator(".flash-success").count() == 1, admin.text()[:800]

    admin.goto(f"/quizzes/manage/{quiz_id}")
    admin.submit(page.locator(f"form[action$='/quizzes/manage/{quiz_id}/status'] button[value=published]"),
                 step="quiz-published")
    assert page.locator(".flash-success").count() == 1, admin.text()[:800]
    return quiz_id


def quiz_for(size: str, admin, server, folder: Path) -> BuiltQuiz:
    """The random-draw quiz for this size's learner, built through the browser (by `admin`) the first time."""
    if size not in _BUILT:
        index = 0 if size == "phone" else 1
        learner, keyboard_learner = server.login_for("learner", index), server.login_for("learner", index + 2)
        path, category = write_gift(folder, size)
        if admin.page.url == "about:blank":  # a fresh journey; otherwise the caller logged in already
            admin.login(server.login_for("committee admin"))
        imported = import_questions(admin, path)
        assert imported == GIFT_QUESTIONS, imported
        title = f"浏览器测试：入党知识测验（{size}）"
        quiz_id = build_draw_quiz(admin, title=title, category=category, learners=[learner, keyboard_learner])
        _BUILT[size] = BuiltQuiz(quiz_id, title, learner, keyboard_learner)
    return _BUILT[size]


# The right answers of the GIFT file above: option texts, and "true" for every true/false question.
CORRECT_OPTIONS = {"十八周岁", "民主集中制", "认真学习习近平新时代中国特色社会主义思想", "贯彻执行党的基本路线和各项方针、政策"}


def answer_correctly(fieldset) -> None:
    """Tick the right answer(s) of one question of the attempt page, with the mouse."""
    true_option = fieldset.locator("input[type=radio][value=true]")
    if true_option.count():
        true_option.check()
        return
    for label in fieldset.locator("ul.options li label").all():
        if label.locator(".opt-text").inner_text().strip() in CORRECT_OPTIONS:
            label.locator("input").check()


# -- offline claims ------------------------------------------------------------------------------
@dataclass
class PendingClaim:
    claim_id: int
    title: str
    learner: str
    expected: str  # the credit the rules give, as the page shows it


_CLAIMS: dict[str, PendingClaim] = {}


def png_photo(width: int = 64, height: int = 48) -> bytes:
    """A real PNG image (a red and gold gradient), made without an imaging library."""
    rows = b"".join(b"\x00" + bytes(c for x in range(width) for c in (180 + x % 60, 30 + y * 3 % 200, 40))
                    for y in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def local_today() -> date:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date()


def fill_claim(page, title: str, day: date) -> None:
    page.select_option("#category", "red_education_visit")
    page.fill("#title", title)
    page.fill("#place", "市革命历史纪念馆")
    page.fill("#start_date", day.isoformat())
    page.fill("#start_time", "09:00")
    page.fill("#end_time", "12:00")
    page.fill("#description", "参观革命历史陈列，重温入党誓词。")


def submit_claim(learner, folder: Path, size: str) -> PendingClaim:
    """The learner claims a museum visit: a fake 'photo' is refused on the field, a real one is accepted."""
    page = learner.page
    learner.goto("/ledger/")
    learner.click("main a[href$='/ledger/claims/new']", step="claim-form")
    title = f"参观革命历史纪念馆（{size}）"
    today = local_today()
    # Two days ago, unless that falls in last year (which the year-close journey may have closed).
    day = today - timedelta(days=2) if (today - timedelta(days=2)).year == today.year else today
    fake = folder / "not-a-photo.jpg"
    fake.write_text("this is text, not a JPEG", encoding="utf-8")
    fill_claim(page, title, day)
    page.set_input_files("#evidence", str(fake))
    learner.submit("main form[enctype] button[type=submit]", step="claim-fake-photo")
    assert page.locator(".has-error #evidence, .has-error input[type=file]").count() == 1, "the fake photo must be refused on its field"
    assert page.locator(".field.has-error .error").count() >= 1

    photo = folder / f"museum-{size}.png"
    photo.write_bytes(png_photo())
    fill_claim(page, title, day)
    page.set_input_files("#evidence", str(photo))
    learner.submit("main form[enctype] button[type=submit]", step="claim-sent")
    match = re.search(r"/ledger/claims/(\d+)$", learner.path())
    assert match, learner.text()[:800]
    image = page.locator("main .evidence-grid img").first
    image.wait_for()
    assert photo_shows(image), "the photo does not show"
    # The last fact of a pending claim is the credit the year's rules give it.
    expected = re.search(r"\d+(?:\.\d+)?", page.locator("main .facts dd").last.inner_text())
    assert expected, page.locator("main .facts").inner_text()
    return PendingClaim(int(match.group(1)), title, learner.login_id or "", expected.group())


def claim_for(size: str, learner, server, folder: Path) -> PendingClaim:
    """A pending claim with a photo by this size's learner, sent through the browser the first time."""
    if size not in _CLAIMS:
        login_id = server.login_for("learner", 0 if size == "phone" else 1)
        if learner.page.url == "about:blank":
            learner.login(login_id)
        _CLAIMS[size] = submit_claim(learner, folder, size)
    return _CLAIMS[size]


# Waits for the image to finish loading (or fail), however busy the server is: never a timing guess.
_LOADED = ("img => img.complete ? img.naturalWidth > 0 : new Promise(done => {"
           " img.addEventListener('load', () => done(img.naturalWidth > 0));"
           " img.addEventListener('error', () => done(false)); })")


def photo_shows(image) -> bool:
    """True once the image (a Playwright locator) has loaded with real pixels."""
    return bool(image.evaluate(_LOADED))


def credit_number(text: str) -> float:
    """The first number in `text` (0 when there is none)."""
    match = re.search(r"-?\d+(?:\.\d+)?", text)
    return float(match.group()) if match else 0.0


def ledger_total(journey) -> float:
    """The year's total on 'My study hours' (the progress page)."""
    journey.goto("/ledger/")
    return credit_number(journey.page.locator(".ledger-big strong").first.inner_text())


HEARTBEAT_S = 30
MAX_BEATS = 80  # a 30-minute material reaches its first 0.25 学时 step after 15 beats


def open_unfinished_required_reading(journey) -> str:
    """From 'My reading list', open the first text (an article or a chapter, not a whole book or a
    video) that is not completed yet; returns its path."""
    journey.open_menu()
    journey.click(journey.page.locator("#site-nav a[href='/reading/']"), step="reading-list")
    rows = journey.page.locator("main table tbody tr").filter(has=journey.page.locator("a[href^='/materials/']"))
    for i in range(rows.count()):
        row = rows.nth(i)
        if row.get_attribute("data-kind") in ("book", "video", "audio"):
            continue  # a book opens its chapter list; a video earns by playing (test_watching)
        if row.locator(".badge.ok").count() == 0:
            link = row.locator("a[href^='/materials/']").first
            href = link.get_attribute("href")
            journey.page.clock.install()
            with journey.page.expect_response("**/api/reading/sessions") as started:
                journey.click(link)
            assert started.value.status == 201, started.value.text()
            return href
    raise AssertionError("every material on the reading list is already completed")


def read_until_credit(journey, server) -> dict:
    """Let heartbeats run (30 s each, on both clocks) until the page shows more credit than before."""
    page = journey.page
    credit_node = page.locator("[data-reading-credit]")
    before = credit_number(credit_node.inner_text())
    last = {}
    for beat in range(MAX_BEATS):
        server.clock.advance(seconds=HEARTBEAT_S)
        page.mouse.move(20 + beat % 7, 200 + beat % 11)  # the reader is active
        with page.expect_response("**/heartbeat") as answer:
            page.clock.run_for(HEARTBEAT_S * 1000)
        last = answer.value.json()
        assert last.get("ok"), last
        if last["granted_hundredths"] / 100 > before:
            break
    else:
        raise AssertionError(f"no credit after {MAX_BEATS} heartbeats: {last}")
    page.wait_for_function(
        "before => parseFloat(document.querySelector('[data-reading-credit]').textContent) > before", arg=before)
    return last
