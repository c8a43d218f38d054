"""The question editor's answer options, as the committee admin writes a question on a phone and on
a PC: a card per option on a phone (the text across the card, "correct" and the remove button on one
line), a table row per option on a PC; options are added and removed in the page (the ones after a
removed option move up, so the keys stay A, B, C…), and a wrong line is named on its own row."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser

# Where each open option row's parts are, in CSS pixels.
OPTION_BOXES = """
() => Array.from(document.querySelectorAll('[data-option-rows] tbody tr')).filter((r) => !r.hidden).map((row) => {
  const box = (el) => { const b = el.getBoundingClientRect();
                        return {left: b.left, right: b.right, top: b.top, bottom: b.bottom, width: b.width,
                                middle: (b.top + b.bottom) / 2}; };
  return {row: box(row), text: box(row.querySelector('.bank-option-text input')),
          correct: box(row.querySelector('.bank-option-correct label')),
          remove: box(row.querySelector('[data-remove-option]')), viewport: window.innerWidth};
})
"""


def _open_texts(page) -> list[str]:
    return page.eval_on_selector_all(
        "[data-option-rows] tbody tr:not([hidden]) .bank-option-text input", "els => els.map(e => e.value)")


def _ticked(page) -> list[str]:
    return page.eval_on_selector_all("[data-option-rows] input[name=correct]:checked", "els => els.map(e => e.value)")


def _assert_rows_fit(journey) -> None:
    rows = journey.page.evaluate(OPTION_BOXES)
    assert rows, "no option rows are open"
    for i, r in enumerate(rows):
        where = f"option row {i + 1} at {r['viewport']} px"
        assert r["row"]["right"] <= r["viewport"] + 1 and r["row"]["left"] >= -1, f"{where} sticks out: {r['row']}"
        # "correct" and "remove" side by side on one line
        assert abs(r["correct"]["middle"] - r["remove"]["middle"]) < 12, f"{where}: correct and remove on two lines"
        if journey.phone:
            # a card: the text across it, the tick and the button on the line under it
            assert r["text"]["width"] >= 0.8 * r["row"]["width"], f"{where}: text box {r['text']['width']:.0f} px"
            assert r["correct"]["top"] >= r["text"]["bottom"] - 1, f"{where}: correct is not under the text"
        else:
            # a table row: text, tick and button on one line, the text taking most of it
            assert abs(r["text"]["middle"] - r["correct"]["middle"]) < 12, f"{where}: not one line"
            assert r["text"]["width"] >= 0.5 * r["row"]["width"], f"{where}: text box {r['text']['width']:.0f} px"


def test_question_options_fit_and_are_added_and_removed(journey, server, size):
    page = journey.page
    journey.login(server.login_for("committee admin"))
    journey.goto("/bank/questions/new?kind=single", step="question-new")
    assert len(_open_texts(page)) == 4, "a new question opens four options"
    _assert_rows_fit(journey)

    page.click("[data-add-option]")
    assert len(_open_texts(page)) == 5
    for key, text in zip("ABCDE", ["甲：民主集中制", "乙：党的最高领导机关", "丙：全国代表大会和中央委员会",
                                   "丁：地方组织", "戊：基层组织"], strict=True):
        page.fill(f"#option_{key}", text)
    page.check("input[name=correct][value=C]")
    page.click("[aria-label='移除选项 A']")
    assert _open_texts(page) == ["乙：党的最高领导机关", "丙：全国代表大会和中央委员会", "丁：地方组织", "戊：基层组织"]
    assert _ticked(page) == ["B"], "the tick moves up with its option"
    _assert_rows_fit(journey)
    journey.shot("question-options-filled")

    stem = f"浏览器测试：党的最高领导机关是什么？（{size}）"
    page.fill("#stem", stem)
    page.fill("#fraction_D", "150")  # out of range: refused on its own line
    journey.submit("main form.bank-editor button[type=submit]", step="question-line-refused")
    wrong = page.locator("[data-option-rows] tr.has-error")
    assert wrong.count() == 1 and wrong.is_visible()
    assert wrong.locator("th").inner_text().strip() == "D" and wrong.locator(".error").is_visible()
    assert _open_texts(page) == ["乙：党的最高领导机关", "丙：全国代表大会和中央委员会", "丁：地方组织", "戊：基层组织"]
    _assert_rows_fit(journey)

    page.fill("#fraction_D", "")
    journey.submit("main form.bank-editor button[type=submit]", step="question-saved")
    assert "/bank/questions/" in journey.path() and "/new" not in journey.path(), journey.text()[:500]
    options = [t.strip() for t in page.locator(".bank-options .bank-option-text").all_inner_texts()]
    assert options == ["乙：党的最高领导机关", "丙：全国代表大会和中央委员会", "丁：地方组织", "戊：基层组织"]
    assert page.locator(".bank-options li.bank-correct .bank-option-text").inner_text().strip() == "丙：全国代表大会和中央委员会"
