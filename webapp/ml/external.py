"""External model sources (Label Studio ML backends, OpenAI-compatible chat) behind one
face: predict, connection check, test request, and their prediction sets recorded as
model versions with metrics against ground truth, like the built-in model's."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.integrations.payloads import task_payload
from webapp.labeling import ControlType, parse_config
from webapp.ml.builtin.bundle import load_bundle
from webapp.ml.builtin.infer import predict_results
from webapp.ml.dataset import trainable_controls
from webapp.ml.remote import ml_backend, openai_chat
from webapp.ml.scoring import _spans, choices_match, span_f1
from webapp.models import Annotation, Prediction, Project, Task
from webapp.models.ml import MLModel, ModelKind, ModelVersion

SOURCES = {ModelKind.ML_BACKEND: ml_backend, ModelKind.OPENAI_CHAT: openai_chat}
BATCH = 20  # tasks per /predict call: one progress step each


def is_external(model: MLModel) -> bool:
    return model.kind in SOURCES


def source_of(model: MLModel):
    return SOURCES[model.kind]


def predict(session: Session | None, model: MLModel, project: Project, tasks: list[Task],
            context: dict | None = None) -> list[tuple[list[dict], float | None, str]]:
    return source_of(model).predict(session, model, project, tasks, context)


def connect_check(model: MLModel, project: Project) -> str:
    return source_of(model).connect_check(model, project)


def test_request(model: MLModel, project: Project, task: Task) -> tuple[dict, object]:
    return source_of(model).test_request(model, project, task)


def send_test_request(session: Session, model: MLModel, project: Project) -> tuple[dict, object]:
    """ML-3: one of the project's tasks sent to the model; (request, answer or error text)."""
    task = session.scalar(select(Task).where(Task.project_id == project.id).order_by(Task.id).limit(1))
    if task is None:
        return {}, "Import a task first: the test request sends one of the project's tasks."
    if is_external(model):
        return test_request(model, project, task)
    sent = {"tasks": [task_payload(task)]}
    version = session.scalar(select(ModelVersion).where(ModelVersion.model_id == model.id)
                             .order_by(ModelVersion.id.desc()).limit(1))
    if version is None:
        return sent, "The built-in model has no trained version yet: start training first."
    items, score = predict_results(load_bundle(version), parse_config(project.label_config), [task.data])[0]
    return sent, {"results": [{"result": items, "score": score, "model_version": version.version}]}


def prepare(model: MLModel, project: Project) -> None:
    """Before a batch: a backend loads its newest trained version on /setup."""
    if model.kind is ModelKind.ML_BACKEND:
        ml_backend.setup(model, project)


def record_version(session: Session, model: MLModel, project: Project, version: str) -> ModelVersion:
    """The model's ModelVersion for a prediction set it wrote, with metrics against ground
    truth."""
    row = session.scalar(
        select(ModelVersion).where(ModelVersion.model_id == model.id, ModelVersion.version == version)
    )
    if row is None:
        row = ModelVersion(model_id=model.id, version=version)
        session.add(row)
    row.metrics = ground_truth_metrics(session, project, version)
    session.flush()
    return row


def ground_truth_metrics(session: Session, project: Project, version: str) -> dict:
    """Per Choices/Labels control: accuracy or span F1 of the set on ground-truth tasks."""
    rows = session.execute(
        select(Prediction.result, Annotation.result)
        .join(Annotation, Annotation.task_id == Prediction.task_id)
        .where(Prediction.project_id == project.id, Prediction.model_version == version,
               Annotation.ground_truth.is_(True), Annotation.was_cancelled.is_(False))
    ).all()
    metrics = {}
    for control in trainable_controls(parse_config(project.label_config)):
        if not rows:
            metrics[control.name] = {"examples": 0, "note": "no ground truth to evaluate on yet"}
            continue
        pairs = [([i for i in p if i.get("from_name") == control.name],
                  [i for i in g if i.get("from_name") == control.name]) for p, g in rows]
        metrics[control.name] = {"examples": len(rows), "evaluated_on": "ground_truth", "held_out": len(rows),
                                 **_score(control, pairs)}
    return metrics


def _score(control, pairs: list[tuple[list, list]]) -> dict:
    if control.type is ControlType.CHOICES:
        hits = [choices_match(_choices(p), _choices(g)) for p, g in pairs]
        return {"accuracy": sum(hits) / len(hits)}
    return {"f1": span_f1([_spans(g) for _, g in pairs], [_spans(p) for p, _ in pairs])}


def _choices(items: list) -> list[str]:
    return [c for i in items for c in i.get("value", {}).get("choices", [])]

