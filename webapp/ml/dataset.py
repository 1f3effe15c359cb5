"""Training examples from a project's annotations, per Choices/Labels control on a Text."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.labeling import ControlType, LabelingConfig, ObjectType
from webapp.models import Annotation, Task

TRAINABLE = (ControlType.CHOICES, ControlType.LABELS)


@dataclass
class Examples:
    """Parallel lists for one control; `targets` are label lists or (start, end, label) spans."""

    texts: list[str] = field(default_factory=list)
    targets: list[list] = field(default_factory=list)
    ground_truth: list[bool] = field(default_factory=list)


def trainable_controls(config: LabelingConfig) -> list:
    return [
        c for c in config.controls.values()
        if c.type in TRAINABLE and config.objects[c.to_name].type is ObjectType.TEXT
    ]


def task_text(config: LabelingConfig, control, data: dict) -> str | None:
    value = data.get(config.objects[control.to_name].value_field)
    return value if isinstance(value, str) else None


def human_annotations(session: Session, project_id: int) -> dict[int, tuple[dict, Annotation]]:
    """One annotation per task: ground truth first, else the newest human submission.
    Skips and the model's own auto-accepted labels (AL-1) never teach the model."""
    rows = session.execute(
        select(Task.id, Task.data, Annotation)
        .join(Annotation, Annotation.task_id == Task.id)
        .where(Task.project_id == project_id, Annotation.was_cancelled.is_(False),
               Annotation.from_model.is_(False))
        .order_by(Task.id, Annotation.ground_truth.desc(), Annotation.id.desc())
    ).all()
    chosen: dict[int, tuple[dict, Annotation]] = {}
    for task_id, data, annotation in rows:
        chosen.setdefault(task_id, (data, annotation))
    return chosen


def examples_for(config: LabelingConfig, annotations: dict[int, tuple[dict, Annotation]]) -> dict[str, Examples]:
    out = {c.name: Examples() for c in trainable_controls(config)}
    for data, annotation in annotations.values():
        for control in trainable_controls(config):
            text = task_text(config, control, data)
            target = _target(control, annotation.result, text)
            if text is None or target is None:
                continue
            ex = out[control.name]
            ex.texts.append(text)
            ex.targets.append(target)
            ex.ground_truth.append(annotation.ground_truth)
    return out


def _target(control, result: list, text: str | None) -> list | None:
    items = [i for i in result if isinstance(i, dict) and i.get("from_name") == control.name]
    if control.type is ControlType.CHOICES:
        choices = [c for i in items for c in i.get("value", {}).get("choices", [])]
        return choices or None  # a task without this choice says nothing about it
    spans = []
    for i in items:
        v = i.get("value", {})
        start, end, labels = v.get("start"), v.get("end"), v.get("labels") or []
        if isinstance(start, int) and isinstance(end, int) and text and 0 <= start < end <= len(text) and labels:
            spans.append((start, end, labels[0]))
    return spans  # no spans: the text has no entities of this control
