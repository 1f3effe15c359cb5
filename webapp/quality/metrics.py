"""Agreement between two results of one control (QA-4): pure functions returning 0..1.

Every metric scores "both empty" as full agreement and "one side empty" as none. Label
weights ({label: weight}) scale labels; a label of weight 0 is ignored, and a comparison
left with nothing weighted returns weight 0 so the caller leaves the control out.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from rapidfuzz.distance import Levenshtein

Weights = Mapping[str, float]


@dataclass(frozen=True)
class Span:
    start: int
    end: int  # exclusive, code points (Label Studio's Text offsets)
    label: str


def _w(weights: Weights | None, label: str) -> float:
    return 1.0 if weights is None else float(weights.get(label, 1.0))


def exact_match(a, b) -> float:
    """1 when the two values are equal (sets for choices), else 0."""
    return 1.0 if a == b else 0.0


def jaccard(a: Iterable[str], b: Iterable[str], weights: Weights | None = None) -> float:
    """Weighted |A∩B| / |A∪B| over selected options (multi-choice partial credit)."""
    a, b = set(a), set(b)
    union = sum(_w(weights, x) for x in a | b)
    if union == 0:
        return 1.0
    return sum(_w(weights, x) for x in a & b) / union


def choice_weight(a: Iterable[str], b: Iterable[str], weights: Weights | None) -> float:
    """A choices comparison counts with the largest weight among the options involved,
    so it drops out only when every chosen option has weight 0."""
    involved = set(a) | set(b)
    if not involved:
        return 1.0
    return max(_w(weights, x) for x in involved)


def span_iou(a: Span, b: Span) -> float:
    """Character IoU of two spans (labels ignored)."""
    inter = min(a.end, b.end) - max(a.start, b.start)
    if inter <= 0:
        return 0.0
    return inter / (max(a.end, b.end) - min(a.start, b.start))


def match_spans(a: list[Span], b: list[Span], threshold: float) -> list[tuple[Span, Span]]:
    """Greedy one-to-one matching of same-label spans with IoU >= threshold, best first."""
    pairs = sorted(
        ((span_iou(x, y), i, j) for i, x in enumerate(a) for j, y in enumerate(b)
         if x.label == y.label),
        key=lambda p: -p[0],
    )
    used_a, used_b, matched = set(), set(), []
    for iou, i, j in pairs:
        if iou >= threshold and iou > 0 and i not in used_a and j not in used_b:
            used_a.add(i)
            used_b.add(j)
            matched.append((a[i], b[j]))
    return matched


def span_f1(a: list[Span], b: list[Span], threshold: float = 0.5,
            weights: Weights | None = None) -> tuple[float, float]:
    """(score, weight): weighted mean over labels of F1 = 2·matched / (|A_l| + |B_l|).

    A matched region is a pair of same-label spans with character IoU >= threshold.
    """
    def label_f1(a: list[Span], b: list[Span], labels: set[str]) -> dict[str, float]:
        matched = match_spans(a, b, threshold)
        return {
            label: 2 * sum(1 for x, _ in matched if x.label == label)
            / (sum(1 for s in a if s.label == label) + sum(1 for s in b if s.label == label))
            for label in labels
        }
    return _per_label(a, b, weights, label_f1)


def covered_iou(a: list[Span], b: list[Span], weights: Weights | None = None) -> tuple[float, float]:
    """(score, weight): weighted mean over labels of the IoU of the characters covered."""
    def label_iou(a: list[Span], b: list[Span], labels: set[str]) -> dict[str, float]:
        scores = {}
        for label in labels:
            ca = _chars(s for s in a if s.label == label)
            cb = _chars(s for s in b if s.label == label)
            scores[label] = len(ca & cb) / len(ca | cb) if ca | cb else 1.0
        return scores
    return _per_label(a, b, weights, label_iou)


def _per_label(a: list[Span], b: list[Span], weights: Weights | None,
               scores_of: Callable[[list[Span], list[Span], set[str]], dict[str, float]]) -> tuple[float, float]:
    """Both empty agree fully; spans of weight-0 labels are left out, and a control left
    with none gets weight 0; else the weighted mean of the per-label scores."""
    if not a and not b:
        return 1.0, 1.0
    a, b = _weighted_only(a, weights), _weighted_only(b, weights)
    labels = {s.label for s in a} | {s.label for s in b}
    if not labels:
        return 1.0, 0.0
    return _weighted_mean(scores_of(a, b, labels), weights), 1.0


def _chars(spans: Iterable[Span]) -> set[int]:
    return {i for s in spans for i in range(s.start, s.end)}


def _weighted_only(spans: list[Span], weights: Weights | None) -> list[Span]:
    return [s for s in spans if _w(weights, s.label) > 0]


def _weighted_mean(scores: Mapping[str, float], weights: Weights | None) -> float:
    total = sum(_w(weights, label) for label in scores)
    return sum(score * _w(weights, label) for label, score in scores.items()) / total


def levenshtein(a: str, b: str) -> int:
    """Edit distance (insert, delete, substitute); rapidfuzz's C implementation, because
    it runs inside the annotation writer's transaction and texts can be long."""
    return Levenshtein.distance(a, b)


def text_similarity(a: str, b: str) -> float:
    """1 − edit distance / length of the longer text; whitespace at the ends is ignored."""
    a, b = a.strip(), b.strip()
    longest = max(len(a), len(b))
    if longest == 0:
        return 1.0
    return 1.0 - levenshtein(a, b) / longest


def closeness(a: float | None, b: float | None, low: float | None, high: float | None) -> float:
    """1 − |a − b| / (high − low); without a range, relative to the larger magnitude."""
    if a is None or b is None:
        return 1.0 if a is None and b is None else 0.0
    if a == b:
        return 1.0
    if low is not None and high is not None and high > low:
        return max(0.0, 1.0 - abs(a - b) / (high - low))
    return max(0.0, 1.0 - abs(a - b) / max(abs(a), abs(b)))


def path_overlap(a: Iterable[Iterable[str]], b: Iterable[Iterable[str]]) -> float:
    """Jaccard over the taxonomy nodes each side selected, ancestors included, so
    A/B vs A/C shares the node A: {A, A/B} vs {A, A/C} → 1/3."""
    na, nb = _nodes(a), _nodes(b)
    if not na and not nb:
        return 1.0
    return len(na & nb) / len(na | nb)


def _nodes(paths: Iterable[Iterable[str]]) -> set[tuple[str, ...]]:
    nodes = set()
    for path in paths:
        path = tuple(path)
        nodes.update(path[: i + 1] for i in range(len(path)))
    return nodes
