"""What a page may show of an attempt: the taking page never gets answers; a result page gets only
what the quiz's review policy allows at that moment.

Templates receive these plain dicts, never the question versions themselves, so an answer cannot
leak into a page by a careless `{{ version.answer }}`.
"""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction
from typing import Any

from flask_babel import gettext as _
from markupsafe import Markup, escape

from learnapp import clock
from learnapp.bank.models import QuestionKind
from learnapp.bank.normalise import split_on_blanks
from learnapp.materials.rendering import render_markdown
from learnapp.quizzes import grading
from learnapp.quizzes.models import Attempt, AttemptItem, AttemptState, Quiz, QuizStatus, ReviewItem


def quiz_closed(quiz: Quiz, now: datetime | None = None) -> bool:
    now = now or clock.now()
    return quiz.status == QuizStatus.archived or (quiz.closes_at is not None and now >= quiz.closes_at)


def allowed(attempt: Attempt, now: datetime | None = None) -> set[ReviewItem]:
    """What the learner may see of this attempt now (nothing while it is in progress)."""
    if attempt.state == AttemptState.in_progress:
        return set()
    quiz = attempt.quiz
    items = {ReviewItem(v) for v in quiz.review_after_submit or []}
    if quiz_closed(quiz, now):
        items |= {ReviewItem(v) for v in quiz.review_after_close or []}
    return items


def correctness_shown(quiz: Quiz, now: datetime | None = None) -> bool:
    """Whether a learner may see now which of their submitted answers were right (as `allowed`)."""
    show = set(quiz.review_after_submit or [])
    if quiz_closed(quiz, now):
        show |= set(quiz.review_after_close or [])
    return ReviewItem.correctness.value in show


def score_visible(quiz: Quiz, now: datetime | None = None) -> bool:
    """Whether the learner may see their score (and pass/fail) for this quiz now."""
    show = set(quiz.review_after_submit or [])
    if quiz_closed(quiz, now):
        show |= set(quiz.review_after_close or [])
    return ReviewItem.score.value in show


def _stem(item: AttemptItem) -> Markup:
    return render_markdown(item.version.stem)


def _blank_parts(item: AttemptItem) -> list[str]:
    return split_on_blanks(item.version.stem)


def _options(item: AttemptItem) -> list[dict[str, Any]]:
    by_key = {str(o["key"]): o for o in item.version.options or []}
    shown = []
    for number, key in enumerate(item.option_order, start=1):
        option = by_key.get(key)
        if option is not None:
            # Letters follow the shuffled order on screen; the stored key stays the bank's.
            shown.append({"key": key, "label": chr(64 + number) if number <= 26 else str(number),
                          "text": option.get("text", "")})
    return shown


def taking_item(item: AttemptItem) -> dict[str, Any]:
    """One question for the taking page: stem, options (no fractions), saved response."""
    kind = item.version.kind
    data: dict[str, Any] = {
        "id": item.id, "position": item.position, "kind": kind.value, "kind_label": kind.label,
        "points": item.points, "response": item.response,
        "answered": grading.is_answered(kind, item.response),
    }
    if kind == QuestionKind.fill_blank:
        data["parts"] = _blank_parts(item)
        given = item.response if isinstance(item.response, list) else []
        data["blanks"] = [given[i] if i < len(given) else "" for i in range(len(data["parts"]) - 1)]
    else:
        data["stem"] = _stem(item)
    if kind in (QuestionKind.single, QuestionKind.multiple):
        data["options"] = _options(item)
    return data


def _fraction(item: AttemptItem) -> Fraction | None:
    if item.fraction is None:
        return None
    num, den = item.fraction.split("/")
    return Fraction(int(num), int(den))


def _right_answer_text(item: AttemptItem, options: list[dict[str, Any]]) -> str:
    version = item.version
    if version.kind in (QuestionKind.single, QuestionKind.multiple):
        correct = set(version.correct_keys)
        return "、".join(f"{o['label']}. {o['text']}" for o in options if o["key"] in correct)
    if version.kind == QuestionKind.truefalse:
        return "true" if version.answer else "false"
    if version.kind == QuestionKind.fill_blank:
        return " ｜ ".join(" / ".join(accepted) for accepted in version.answer or [])
    return version.reference_answer or ""


def result_item(item: AttemptItem, show: set[ReviewItem]) -> dict[str, Any]:
    """One question of a finished attempt, with only what `show` allows."""
    data = taking_item(item)
    version = item.version
    data["score_hundredths"] = item.score_hundredths if ReviewItem.score in show else None
    data["pending"] = item.score_hundredths is None
    data["feedback"] = item.feedback if ReviewItem.score in show else ""
    if ReviewItem.correctness in show and item.score_hundredths is not None:
        fraction = _fraction(item) or Fraction(0)
        data["verdict"] = "right" if fraction == 1 else ("partial" if fraction > 0 else "wrong")
        if version.kind == QuestionKind.fill_blank:
            data["blank_results"] = grading.blank_results(version.answer or [], item.response)
    if ReviewItem.right_answers in show:
        data["right_answer"] = _right_answer_text(item, data.get("options", []))
        if version.kind in (QuestionKind.single, QuestionKind.multiple):
            correct = set(version.correct_keys)
            for option in data["options"]:
                option["correct"] = option["key"] in correct
    if ReviewItem.explanations in show:
        data["explanation"] = render_markdown(version.explanation) if version.explanation else Markup("")
        data["option_feedback"] = {str(o["key"]): o.get("feedback", "") for o in version.options or [] if o.get("feedback")}
    return data


def blank_html(parts: list[str], blanks: list[str], item_id: int, *, readonly: bool = False) -> Markup:
    """The fill-in-the-blank stem as text with a labelled input at each blank."""
    out = []
    for index, part in enumerate(parts):
        out.append(str(escape(part)))
        if index < len(parts) - 1:
            value = escape(blanks[index] if index < len(blanks) else "")
            attrs = " readonly" if readonly else ""
            out.append(
                f'<input type="text" class="blank" name="q{item_id}_{index}" id="q{item_id}_{index}" value="{value}" '
                f'aria-label="{escape(_("Blank %(n)d", n=index + 1))}" autocomplete="off" maxlength="500"{attrs}>'
            )
    return Markup("".join(out))
