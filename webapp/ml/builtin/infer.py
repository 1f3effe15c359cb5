"""Built-in model inference: result items in Label Studio's shape from a trained bundle."""
from __future__ import annotations

from webapp.labeling import ControlType
from webapp.ml.builtin.bundle import BuiltinBundle
from webapp.ml.dataset import task_text


def predict_results(bundle: BuiltinBundle, config, data_list: list[dict]) -> list[tuple[list, float | None]]:
    """(result items, task score) per task; the task score is its least confident control."""
    out: list[tuple[list, list[float]]] = [([], []) for _ in data_list]
    for name, estimator in bundle.estimators.items():
        control = config.controls.get(name)
        if control is None:
            continue  # the control was removed from the config since training
        rows = [(k, t) for k, d in enumerate(data_list) if (t := task_text(config, control, d)) is not None]
        predicted = estimator.predict([t for _, t in rows])
        for (k, text), p in zip(rows, predicted):
            items, scores = out[k]
            base = {"from_name": name, "to_name": control.to_name, "type": control.type.result_type}
            if control.type is ControlType.CHOICES:
                items.append({**base, "value": {"choices": p.choices}, "score": p.score})
                scores.append(p.score)
                continue
            spans, score = p
            items.extend({**base, "id": f"{name}-{i}", "score": s.score, "value": {
                "start": s.start, "end": s.end, "text": text[s.start:s.end], "labels": [s.label]}}
                for i, s in enumerate(spans))
            scores.append(score)
    return [(items, min(scores) if scores else None) for items, scores in out]
