"""Interactive pre-annotations (ML-5): the annotator's action asks the model for suggestions.

The editor sends the action as Label Studio's interactive context, `{"result": [items]}`:
the selected text span as a `labels` item (with the label picked, if any). The answer is
a list of result items with scores, which the annotator accepts or ignores.

- Built-in model: its newest version predicts the task; entity spans are kept when they
  overlap the selection or lie in its sentence (of the label picked, if one is), and for
  each Choices control the likeliest classes come with their probabilities.
- Label Studio ML backend: the context goes to its /predict, which answers for it.
- OpenAI-compatible chat: predicts the task; spans are restricted like the built-in's.
Every suggestion is checked against the labeling config and the task text.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.labeling import ControlType, LabelingConfig, ObjectType, parse_config
from webapp.ml.builtin.bundle import load_bundle
from webapp.ml.builtin.infer import predict_results
from webapp.ml.dataset import task_text
from webapp.ml.live_source import model_id_of
from webapp.ml.predict import latest_version
from webapp.models import Project, Task
from webapp.models.ml import MLModel, ModelKind

if TYPE_CHECKING:  # scikit-learn loads only when a bundle is unpickled (issue 14)
    from webapp.ml.builtin.classifier import TextClassifier

log = logging.getLogger(__name__)
MAX_CONTEXT_ITEMS = 20
MAX_SUGGESTIONS = 10
TOP_CHOICES = 3
MIN_CHOICE_PROBABILITY = 0.05
SENTENCE_END = re.compile(r"[.!?]+(?=\s)|\n")


class InteractiveError(ValueError):
    """The request cannot be answered; the message tells the annotator why."""


@dataclass(frozen=True)
class Selection:
    """A span the annotator selected, with the label picked for it (if any)."""

    to_name: str
    start: int
    end: int
    label: str | None


def interactive_model(session: Session, project: Project) -> MLModel | None:
    """The active model with interactive pre-annotations on; the live source's first."""
    source_id = model_id_of(project.live_predictions_source) or 0
    return session.scalar(
        select(MLModel).where(MLModel.project_id == project.id, MLModel.is_active.is_(True),
                              MLModel.interactive_preannotations.is_(True))
        .order_by((MLModel.id == source_id).desc(), MLModel.id).limit(1)
    )


def suggest(session: Session, project: Project, task: Task, context: object) -> list[dict]:
    """Suggestions (Label Studio result items with a score) for the annotator's action."""
    model = interactive_model(session, project)
    if model is None:
        raise InteractiveError("Interactive pre-annotations are not enabled for this project's model.")
    config = parse_config(project.label_config)
    texts = _texts(config, task)
    selections = parse_context(texts, context)
    if model.kind is ModelKind.BUILTIN:
        items = _builtin(session, model, config, task)
    else:
        items = _external(session, model, project, task, {"result": context["result"]})
    items = [i for i in (_checked(config, texts, item) for item in items) if i is not None]
    if model.kind is not ModelKind.ML_BACKEND:  # a backend answers for the context itself
        items = restrict(items, selections, texts)
    return _numbered(_without_context(items, selections)[:MAX_SUGGESTIONS])


# ---- the context ----

def parse_context(texts: dict[str, str], context: object) -> list[Selection]:
    """The selected spans of a context; anything else in it (a choice) is no selection."""
    if not isinstance(context, dict) or not isinstance(context.get("result"), list):
        raise InteractiveError("'context' must be an object with a 'result' list of result items.")
    items = context["result"]
    if len(items) > MAX_CONTEXT_ITEMS:
        raise InteractiveError(f"Send at most {MAX_CONTEXT_ITEMS} context items.")
    return [s for s in (_selection(item, texts) for item in items) if s is not None]


def _selection(item: object, texts: dict[str, str]) -> Selection | None:
    value = item.get("value") if isinstance(item, dict) else None
    if not isinstance(value, dict) or "start" not in value:
        return None  # not a span (e.g. a choice the annotator picked)
    start, end, text = value.get("start"), value.get("end"), texts.get(item.get("to_name"))
    if text is None or not _valid_span(start, end, text):
        raise InteractiveError("A selected span must have integer 'start' < 'end' inside a Text of the task.")
    labels = value.get("labels") or []
    return Selection(item["to_name"], start, end, labels[0] if labels and isinstance(labels[0], str) else None)


def _valid_span(start: object, end: object, text: str) -> bool:
    ints = all(isinstance(v, int) and not isinstance(v, bool) for v in (start, end))
    return ints and 0 <= start < end <= len(text)


def _texts(config: LabelingConfig, task: Task) -> dict[str, str]:
    """The task's text per Text object name."""
    out = {}
    for name, obj in config.objects.items():
        value = (task.data or {}).get(obj.value_field)
        if obj.type is ObjectType.TEXT and isinstance(value, str):
            out[name] = value
    return out


# ---- the models ----

def _builtin(session: Session, model: MLModel, config: LabelingConfig, task: Task) -> list[dict]:
    version = latest_version(session, model.id)
    if version is None or version.artefact is None:
        raise InteractiveError("The model has not been trained yet: label some tasks and train it first.")
    bundle = load_bundle(version)
    ((items, _),) = predict_results(bundle, config, [task.data or {}])
    spans = [i for i in items if i["type"] == "labels"]
    return spans + _choice_probabilities(bundle.estimators, config, task)


def _choice_probabilities(estimators: dict, config: LabelingConfig, task: Task) -> list[dict]:
    out = []
    for name, estimator in estimators.items():
        control = config.controls.get(name)
        text = task_text(config, control, task.data or {}) if control is not None else None
        if control is None or control.type is not ControlType.CHOICES or text is None:
            continue
        base = {"from_name": name, "to_name": control.to_name, "type": "choices"}
        ranked = sorted(class_probabilities(estimator, text).items(), key=lambda kv: -kv[1])
        out.extend({**base, "value": {"choices": [label]}, "score": p}
                   for label, p in ranked[:TOP_CHOICES] if p >= MIN_CHOICE_PROBABILITY)
    return out


def class_probabilities(estimator: TextClassifier, text: str) -> dict[str, float]:
    """Each class's probability (multiple choice: of being chosen) for one text."""
    if estimator.constant is not None:
        return {estimator.constant: 1.0}
    (row,) = estimator.pipeline.predict_proba([text])
    classes = estimator.binarizer.classes_ if estimator.multiple else estimator.pipeline.classes_
    return {str(c): float(p) for c, p in zip(classes, row)}


def _external(session: Session, model: MLModel, project: Project, task: Task, context: dict) -> list[dict]:
    # Imported here: the remote clients (and their HTTP stack) load only when asked.
    if model.kind is ModelKind.ML_BACKEND:
        from webapp.ml.remote import ml_backend as source
    else:
        from webapp.ml.remote import openai_chat as source
    try:
        answers = source.predict(session, model, project, [task], context=context)
    except Exception as exc:  # a remote model's failure is told to the annotator, never raised
        log.warning("interactive prediction by model %s failed: %s", model.id, exc)
        raise InteractiveError(f"The model did not answer: {exc}") from exc
    return list(answers[0][0]) if answers else []


# ---- shaping the answer ----

def _checked(config: LabelingConfig, texts: dict[str, str], item: object) -> dict | None:
    """The item if it fits the config and the task (span text taken from the task)."""
    control = config.controls.get(item.get("from_name")) if isinstance(item, dict) else None
    value = item.get("value") if control is not None else None
    if not isinstance(value, dict):
        return None
    score = item.get("score")
    base = {"from_name": control.name, "to_name": control.to_name, "type": control.type.result_type,
            "score": float(score) if isinstance(score, (int, float)) and not isinstance(score, bool) else None}
    if control.type is ControlType.CHOICES:
        choices = value.get("choices")
        ok = isinstance(choices, list) and choices and set(choices) <= set(control.option_values)
        return {**base, "value": {"choices": list(choices)}} if ok else None
    if control.type is ControlType.LABELS:
        text = texts.get(control.to_name)
        start, end, labels = value.get("start"), value.get("end"), value.get("labels") or []
        if text is None or not _valid_span(start, end, text) or not labels or labels[0] not in control.option_values:
            return None
        return {**base, "value": {"start": start, "end": end, "text": text[start:end], "labels": [labels[0]]}}
    return None


def sentence_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """The stretch of whole sentences that holds text[start:end]."""
    stops = [m.end() for m in SENTENCE_END.finditer(text)]
    return max((s for s in stops if s <= start), default=0), min((s for s in stops if s >= end), default=len(text))


def restrict(items: list[dict], selections: list[Selection], texts: dict[str, str]) -> list[dict]:
    """Spans that overlap a selection or lie in its sentence (of its label, when one was
    picked), overlapping ones first; choices are kept. No selection: everything."""
    if not selections:
        return items

    def rank(item: dict) -> int | None:
        if item["type"] != "labels":
            return 2
        v = item["value"]
        ranks = []
        for s in selections:
            if s.to_name != item["to_name"] or (s.label and s.label != v["labels"][0]):
                continue
            first, last = sentence_bounds(texts[s.to_name], s.start, s.end)
            if v["start"] < s.end and s.start < v["end"]:
                ranks.append(0)
            elif first <= v["start"] and v["end"] <= last:
                ranks.append(1)
        return min(ranks, default=None)

    ranked = [(r, i) for i in items if (r := rank(i)) is not None]
    return [i for _, i in sorted(ranked, key=lambda ri: (ri[0], -(ri[1]["score"] or 0)))]


def _without_context(items: list[dict], selections: list[Selection]) -> list[dict]:
    """Drop what the annotator already has: the very region they just labeled."""
    taken = {(s.to_name, s.start, s.end, s.label) for s in selections if s.label}
    return [i for i in items if i["type"] != "labels" or
            (i["to_name"], i["value"]["start"], i["value"]["end"], i["value"]["labels"][0]) not in taken]


def _numbered(items: list[dict]) -> list[dict]:
    return [{"id": f"suggestion-{k}", **item} for k, item in enumerate(items, start=1)]
