"""Agreement of a prediction with a reference: exact match for choices, span F1 for labels."""
from __future__ import annotations


def choices_match(predicted: list[str], expected: list[str]) -> bool:
    return set(predicted) == set(expected)


def span_f1(gold: list[list[tuple]], guess: list[list[tuple]]) -> float:
    """Micro F1 over exact (start, end, label) spans; 1.0 when both sides have none."""
    tp = sum(len(set(g) & set(p)) for g, p in zip(gold, guess))
    n_gold, n_guess = sum(map(len, gold)), sum(map(len, guess))
    if n_gold == n_guess == 0:
        return 1.0
    return 2 * tp / (n_gold + n_guess)


def result_agreement(predicted: list, reference: list) -> float:
    """0..1 agreement of two Label Studio results over the controls the reference uses."""
    scores = []
    for name in {i.get("from_name") for i in reference if isinstance(i, dict)}:
        ref = [i for i in reference if i.get("from_name") == name]
        pred = [i for i in predicted if isinstance(i, dict) and i.get("from_name") == name]
        if ref[0].get("type") == "choices":
            want = [c for i in ref for c in i["value"].get("choices", [])]
            got = [c for i in pred for c in i.get("value", {}).get("choices", [])]
            scores.append(float(choices_match(got, want)))
        elif ref[0].get("type") == "labels":
            scores.append(span_f1([_spans(ref)], [_spans(pred)]))
    return sum(scores) / len(scores) if scores else 1.0


def _spans(items: list) -> list[tuple]:
    return [(i["value"].get("start"), i["value"].get("end"), (i["value"].get("labels") or [None])[0])
            for i in items if isinstance(i.get("value"), dict)]
