"""Steps several journeys share: importing a question file and building a random-draw quiz.

The learner's quiz journey takes the quiz the committee admin built in the browser. Whichever test
needs it first builds it (once per screen size, each size with its own learner), so every test
also runs on its own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

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


def _option_value(select, label_part: str) -> str:
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
        page.select_option("#branch_id", _option_value(page.locator("#branch_id"), branch_label))
    page.fill("#time_limit_minutes", str(QUIZ_MINUTES))
    page.fill("#max_attempts", "2")
    page.fill("#pass_percent", "60")
    admin.submit("main form button[type=submit].primary")
    match = re.search(r"/quizzes/manage/(\d+)/questions", admin.path())
    assert match, f"quiz not created: {admin.text()[:800]}"
    quiz_id = int(match.group(1))

    page.select_option("#category_id", _option_value(page.locator("#category_id"), category))
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
