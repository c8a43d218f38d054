"""Grading per kind: pure functions, exact fractions, Chinese answer normalisation."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from learnapp.quizzes import grading
from tests.helpers.quizzes import opts

SINGLE = opts(("A", "实现共产主义", 100), ("B", "小康", 0), ("C", "部分正确", 50))
MULTI = opts(("A", "甲", 50), ("B", "乙", 50), ("C", "丙", 0), ("D", "丁", 0))
MULTI_PENALTY = opts(("A", "甲", 50), ("B", "乙", 50), ("C", "丙", -50), ("D", "丁", -100))


def test_single_choice():
    assert grading.grade_single(SINGLE, "A") == 1
    assert grading.grade_single(SINGLE, "B") == 0
    assert grading.grade_single(SINGLE, "C") == Fraction(1, 2)
    assert grading.grade_single(SINGLE, "C", partial=False) == 0
    assert grading.grade_single(SINGLE, None) == 0
    assert grading.grade_single(SINGLE, "Z") == 0  # not an option: nothing


def test_multiple_all_or_nothing():
    assert grading.grade_multiple(MULTI, ["A", "B"], partial=False) == 1
    assert grading.grade_multiple(MULTI, ["B", "A"], partial=False) == 1
    assert grading.grade_multiple(MULTI, ["A"], partial=False) == 0
    assert grading.grade_multiple(MULTI, ["A", "B", "C"], partial=False) == 0
    assert grading.grade_multiple(MULTI, None, partial=False) == 0


def test_multiple_partial_with_authored_penalties():
    assert grading.grade_multiple(MULTI_PENALTY, ["A"], partial=True) == Fraction(1, 2)
    assert grading.grade_multiple(MULTI_PENALTY, ["A", "B"], partial=True) == 1
    assert grading.grade_multiple(MULTI_PENALTY, ["A", "B", "C"], partial=True) == Fraction(1, 2)
    # A penalty never takes the question below zero.
    assert grading.grade_multiple(MULTI_PENALTY, ["A", "D"], partial=True) == 0


def test_multiple_partial_without_authored_penalties_ticking_everything_does_not_pay():
    assert grading.grade_multiple(MULTI, ["A", "B"], partial=True) == 1
    assert grading.grade_multiple(MULTI, ["A", "B", "C"], partial=True) == Fraction(1, 2)
    assert grading.grade_multiple(MULTI, ["A", "B", "C", "D"], partial=True) == 0
    assert grading.grade_multiple(MULTI, ["A", "C"], partial=True) == 0


def test_truefalse():
    assert grading.grade_truefalse(True, True) == 1
    assert grading.grade_truefalse(True, False) == 0
    assert grading.grade_truefalse(False, False) == 1
    assert grading.grade_truefalse(True, None) == 0
    assert grading.grade_truefalse(True, "true") == 0  # responses are parsed to bool before grading


def test_fill_blank_chinese_normalisation():
    answer = [["全国代表大会"], ["中央委员会", "中共中央委员会"]]
    # Full-width letters and digits, spaces around and inside, Chinese and ASCII punctuation, case.
    assert grading.blank_matches(["ＣＰＣ党章"], " cpc 党章。") is True
    assert grading.blank_matches(["全国代表大会"], "「全国 代表大会」！") is True
    assert grading.blank_matches(["2035年"], "２０３５年") is True
    assert grading.blank_matches(["全国代表大会"], "全国代表会议") is False
    assert grading.blank_matches(["全国代表大会"], "   ") is False
    assert grading.grade_fill_blank(answer, ["全国代表大会", "中共中央委员会"], partial=False) == 1
    assert grading.grade_fill_blank(answer, ["全国代表大会", "国务院"], partial=True) == Fraction(1, 2)
    assert grading.grade_fill_blank(answer, ["全国代表大会", "国务院"], partial=False) == 0
    assert grading.grade_fill_blank(answer, ["全国代表大会"], partial=True) == Fraction(1, 2)  # second left empty
    assert grading.grade_fill_blank([["甲"], ["乙"], ["丙"]], ["甲", "x", "x"], partial=True) == Fraction(1, 3)


def test_essay_needs_a_person():
    assert grading.grade("essay", [], None, "我的理解……", partial=True) is None


def test_points_and_percent_are_integers():
    assert grading.points_hundredths(Fraction(1, 3), 2) == 67  # 0.6666… points → 0.67
    assert grading.points_hundredths(Fraction(1, 2), 1) == 50
    assert grading.percent_bp(67, 300) == 2233
    assert grading.percent_bp(0, 0) == 0
    assert grading.percent_bp(1, 8) == 1250


def test_counted_result_by_grading_method():
    scores = [6000, 9000, 7000]
    assert grading.counted_bp("highest", scores) == 9000
    assert grading.counted_bp("first", scores) == 6000
    assert grading.counted_bp("last", scores) == 7000
    assert grading.counted_bp("average", scores) == 7333
    assert grading.counted_bp("average", [5000, 5001]) == 5001  # half rounds up
    assert grading.counted_bp("highest", []) is None


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["A", "B", "C", "D", "E"]), max_size=6), st.booleans())
def test_multiple_grade_always_between_zero_and_one(chosen, partial):
    assert 0 <= grading.grade_multiple(MULTI_PENALTY, chosen, partial=partial) <= 1
    assert 0 <= grading.grade_multiple(MULTI, chosen, partial=partial) <= 1


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=20))
def test_fill_blank_never_crashes_and_is_normalisation_invariant(text):
    assert grading.blank_matches([text], text) is bool(grading.normalise_answer(text))
