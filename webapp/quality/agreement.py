"""Task agreement from Label Studio results and the project's Quality settings (QA-4).

`pair_agreement` compares two results control by control with the metric chosen for the
control's type and averages the controls by weight; `task_agreement` averages every pair
of annotators. Scores are 0..1 here; Task.agreement stores them as a percentage.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from webapp.labeling import ConfigError, ControlTag, ControlType, LabelingConfig, parse_config
from webapp.models.enums import DEFAULT_AGREEMENT_METRICS, AgreementMetric
from webapp.quality import metrics as m

_BY_RESULT_TYPE = {t.result_type: t for t in ControlType}


@dataclass(frozen=True)
class AgreementSettings:
    """The inputs of the metrics, detached from the Project row."""

    config: LabelingConfig = field(default_factory=LabelingConfig)
    metrics: dict[str, str] = field(default_factory=dict)  # control type → AgreementMetric
    iou_threshold: float = 0.5
    label_weights: dict[str, dict[str, float]] = field(default_factory=dict)

    @classmethod
    def from_project(cls, project) -> "AgreementSettings":
        try:
            config = parse_config(project.label_config or "")
        except ConfigError:
            config = LabelingConfig()  # controls are then read from the results themselves
        return cls(config, dict(project.agreement_metrics or {}), project.span_iou_threshold,
                   dict(project.label_weights or {}))

    def metric_for(self, ctype: ControlType) -> AgreementMetric:
        value = self.metrics.get(ctype.value) or DEFAULT_AGREEMENT_METRICS[ctype.value]
        return AgreementMetric(value)


def _items(result: list, name: str) -> list[dict]:
    return [i for i in result or [] if isinstance(i, dict) and i.get("from_name") == name
            and isinstance(i.get("value"), dict)]


def _controls(settings: AgreementSettings, a: list, b: list) -> dict[str, tuple[ControlType, ControlTag | None]]:
    found = {name: (c.type, c) for name, c in settings.config.controls.items()}
    for item in [i for i in [*(a or []), *(b or [])] if isinstance(i, dict)]:
        name, ctype = item.get("from_name"), _BY_RESULT_TYPE.get(item.get("type"))
        if isinstance(name, str) and ctype and name not in found:
            found[name] = (ctype, None)
    return found


def _strings(items: list[dict], key: str) -> list[str]:
    return [v for i in items for v in (i["value"].get(key) or []) if isinstance(v, str)]


def _spans(items: list[dict]) -> list[m.Span]:
    spans = []
    for i in items:
        start, end = i["value"].get("start"), i["value"].get("end")
        if isinstance(start, int) and isinstance(end, int):
            spans += [m.Span(start, end, label) for label in _strings([i], "labels")]
    return spans


def _scalar(items: list[dict], key: str) -> float | None:
    values = [i["value"].get(key) for i in items]
    values = [v for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    return values[0] if values else None


def control_agreement(ctype: ControlType, control: ControlTag | None, a: list[dict],
                      b: list[dict], settings: AgreementSettings) -> tuple[float, float]:
    """(score 0..1, weight) for one control's items of two results."""
    metric = settings.metric_for(ctype)
    weights = settings.label_weights.get(control.name) if control else None
    if ctype is ControlType.CHOICES:
        ca, cb = set(_strings(a, "choices")), set(_strings(b, "choices"))
        if metric is AgreementMetric.JACCARD:
            return m.jaccard(ca, cb, weights), 1.0 if m.choice_weight(ca, cb, weights) else 0.0
        return m.exact_match(ca, cb), m.choice_weight(ca, cb, weights)
    if ctype is ControlType.LABELS:
        if metric is AgreementMetric.SPAN_IOU:
            return m.covered_iou(_spans(a), _spans(b), weights)
        return m.span_f1(_spans(a), _spans(b), settings.iou_threshold, weights)
    if ctype is ControlType.TEXTAREA:
        ta, tb = "\n".join(_strings(a, "text")), "\n".join(_strings(b, "text"))
        if metric is AgreementMetric.EXACT_MATCH:
            return m.exact_match(ta.strip(), tb.strip()), 1.0
        return m.text_similarity(ta, tb), 1.0
    if ctype is ControlType.TAXONOMY:
        pa = [tuple(p) for i in a for p in i["value"].get("taxonomy") or [] if isinstance(p, list)]
        pb = [tuple(p) for i in b for p in i["value"].get("taxonomy") or [] if isinstance(p, list)]
        if metric is AgreementMetric.EXACT_MATCH:
            return m.exact_match(set(pa), set(pb)), 1.0
        return m.path_overlap(pa, pb), 1.0
    key = "rating" if ctype is ControlType.RATING else "number"
    va, vb = _scalar(a, key), _scalar(b, key)
    if metric is AgreementMetric.EXACT_MATCH:
        return m.exact_match(va, vb), 1.0
    if ctype is ControlType.RATING:
        return m.closeness(va, vb, 1, control.max_rating if control else None), 1.0
    return m.closeness(va, vb, control.min_value if control else None,
                       control.max_value if control else None), 1.0


def pair_agreement(a: list, b: list, settings: AgreementSettings) -> float:
    """Weighted mean over controls; both empty (or nothing weighted) agrees fully."""
    total = weight_sum = 0.0
    for name, (ctype, control) in _controls(settings, a, b).items():
        score, weight = control_agreement(ctype, control, _items(a, name), _items(b, name), settings)
        total += score * weight
        weight_sum += weight
    return total / weight_sum if weight_sum else 1.0


def task_agreement(results: list[list], settings: AgreementSettings) -> float | None:
    """Mean pair agreement over every pair of annotators' results; None below two."""
    if len(results) < 2:
        return None
    scores = [pair_agreement(a, b, settings) for a, b in combinations(results, 2)]
    return sum(scores) / len(scores)


def label_agreement(results: list[list], settings: AgreementSettings) -> dict[tuple[str, str], float]:
    """Per (control, label) agreement of a task for Choices and Labels: the pair mean of
    each label scored alone, counted only for pairs where one side used the label."""
    sums: dict[tuple[str, str], list[float]] = {}
    for a, b in combinations(results, 2):
        for name, (ctype, control) in _controls(settings, a, b).items():
            ia, ib = _items(a, name), _items(b, name)
            if ctype is ControlType.CHOICES:
                sa, sb = set(_strings(ia, "choices")), set(_strings(ib, "choices"))
                for label in sa | sb:
                    sums.setdefault((name, label), []).append(1.0 if label in sa & sb else 0.0)
            elif ctype is ControlType.LABELS:
                spa, spb = _spans(ia), _spans(ib)
                for label in {s.label for s in spa + spb}:
                    only = [s for s in spa if s.label == label], [s for s in spb if s.label == label]
                    sums.setdefault((name, label), []).append(
                        m.span_f1(*only, settings.iou_threshold)[0])
    return {key: sum(v) / len(v) for key, v in sums.items()}
