"""QA_4: each metric against hand-computed values, with the edge cases (empty, disjoint,
identical, one-sided)."""
from __future__ import annotations

import pytest

from webapp.quality import metrics as m

S = m.Span


@pytest.mark.parametrize("a, b, expected", [
    ({"Pos"}, {"Pos"}, 1.0), ({"Pos"}, {"Neg"}, 0.0), (set(), set(), 1.0), ({"Pos"}, set(), 0.0),
])
def test_QA_4_exact_match(a, b, expected):
    assert m.exact_match(a, b) == expected


@pytest.mark.parametrize("a, b, expected", [
    ({"A", "B"}, {"A", "B"}, 1.0),  # identical
    ({"A", "B"}, {"B", "C"}, 1 / 3),  # {B} / {A, B, C}
    ({"A"}, {"B"}, 0.0),  # disjoint
    (set(), set(), 1.0),  # both empty
    ({"A"}, set(), 0.0),  # one-sided
])
def test_QA_4_jaccard(a, b, expected):
    assert m.jaccard(a, b) == pytest.approx(expected)


def test_QA_4_jaccard_weights_and_weight_zero_ignored():
    # weights A=1, B=0.5, C=0: {A,B} vs {B,C} → 0.5 / (1 + 0.5) ; C drops out.
    assert m.jaccard({"A", "B"}, {"B", "C"}, {"B": 0.5, "C": 0}) == pytest.approx(1 / 3)
    assert m.jaccard({"C"}, {"A", "C"}, {"C": 0}) == 0.0
    assert m.choice_weight({"C"}, {"C"}, {"C": 0}) == 0.0
    assert m.choice_weight({"C"}, {"A"}, {"C": 0, "A": 0.4}) == 0.4


def test_QA_4_span_iou():
    assert m.span_iou(S(0, 10, "A"), S(5, 15, "A")) == pytest.approx(5 / 15)
    assert m.span_iou(S(0, 5, "A"), S(5, 9, "A")) == 0.0  # touching, end exclusive
    assert m.span_iou(S(2, 4, "A"), S(2, 4, "B")) == 1.0  # labels ignored here


def test_QA_4_span_f1_hand_computed():
    a = [S(0, 10, "PER"), S(20, 30, "LOC")]
    b = [S(0, 9, "PER"), S(40, 50, "LOC"), S(60, 65, "ORG")]
    # PER: IoU 0.9 ≥ 0.5 → F1 2·1/2 = 1; LOC: no match → 0; ORG one-sided → 0. Mean 1/3.
    assert m.span_f1(a, b, 0.5) == (pytest.approx(1 / 3), 1.0)
    # With threshold above 0.9 the PER pair no longer matches.
    assert m.span_f1(a, b, 0.95)[0] == 0.0
    # weights: ORG 0 (ignored), LOC 0.5 → (1·1 + 0·0.5) / 1.5
    assert m.span_f1(a, b, 0.5, {"ORG": 0, "LOC": 0.5})[0] == pytest.approx(2 / 3)


def test_QA_4_span_f1_edges():
    a = [S(0, 3, "PER"), S(5, 8, "PER")]
    assert m.span_f1(a, list(a)) == (1.0, 1.0)  # identical
    assert m.span_f1([], []) == (1.0, 1.0)  # both empty agree fully
    assert m.span_f1(a, []) == (0.0, 1.0)  # one-sided
    assert m.span_f1(a, [S(10, 12, "PER")])[0] == 0.0  # disjoint
    assert m.span_f1([S(0, 3, "X")], [], weights={"X": 0}) == (1.0, 0.0)  # nothing weighted
    # Same label, different label does not match: PER vs LOC on the same characters.
    assert m.span_f1([S(0, 3, "PER")], [S(0, 3, "LOC")])[0] == 0.0
    # One-to-one: two spans on one side cannot both match one span on the other.
    assert m.span_f1([S(0, 4, "A"), S(0, 4, "A")], [S(0, 4, "A")])[0] == pytest.approx(2 / 3)


def test_QA_4_covered_character_iou():
    # A covers 0..10, B covers 5..15 → 5 shared of 15.
    assert m.covered_iou([S(0, 10, "A")], [S(5, 15, "A")]) == (pytest.approx(1 / 3), 1.0)
    # Split spans cover the same characters as one span → full agreement.
    assert m.covered_iou([S(0, 5, "A"), S(5, 10, "A")], [S(0, 10, "A")])[0] == 1.0
    assert m.covered_iou([], []) == (1.0, 1.0)
    assert m.covered_iou([S(0, 1, "A")], [])[0] == 0.0


@pytest.mark.parametrize("a, b, distance", [
    ("kitten", "sitting", 3), ("", "abc", 3), ("abc", "abc", 0), ("flaw", "lawn", 2),
])
def test_QA_4_levenshtein(a, b, distance):
    assert m.levenshtein(a, b) == distance
    assert m.levenshtein(b, a) == distance


def test_QA_4_text_similarity():
    assert m.text_similarity("kitten", "sitting") == pytest.approx(1 - 3 / 7)
    assert m.text_similarity("same", " same ") == 1.0
    assert m.text_similarity("", "") == 1.0
    assert m.text_similarity("abc", "") == 0.0
    assert m.text_similarity("abc", "xyz") == 0.0


def test_QA_4_closeness():
    assert m.closeness(2, 4, 1, 5) == pytest.approx(0.5)  # |2−4| / (5−1)
    assert m.closeness(1, 5, 1, 5) == 0.0
    assert m.closeness(3, 3, 1, 5) == 1.0
    assert m.closeness(None, None, 1, 5) == 1.0
    assert m.closeness(3, None, 1, 5) == 0.0
    assert m.closeness(8, 10, None, None) == pytest.approx(0.8)  # no range: relative
    assert m.closeness(-5, 5, None, None) == 0.0


def test_QA_4_path_overlap():
    assert m.path_overlap([["A", "B"]], [["A", "C"]]) == pytest.approx(1 / 3)
    assert m.path_overlap([["A", "B"]], [["A", "B"]]) == 1.0
    assert m.path_overlap([["A"]], [["Z"]]) == 0.0
    assert m.path_overlap([], []) == 1.0
    assert m.path_overlap([["A"]], []) == 0.0
    # {A, A/B, C} vs {A}: 1/3
    assert m.path_overlap([["A", "B"], ["C"]], [["A"]]) == pytest.approx(1 / 3)
