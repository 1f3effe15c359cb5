"""Train the built-in model (ML-4) from annotations into a new ModelVersion with metrics.

Metrics are measured on held-out data: the ground-truth tasks when there are enough of
them, else a seeded 20% split. The stored model is then refit on every example.
"""
from __future__ import annotations

import pickle
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from webapp.dbutil import begin_write
from webapp.hooks import TrainingEvent, training_started
from webapp.integrations.payloads import annotation_payload, task_payload
from webapp.labeling import ControlType, parse_config
from webapp.ml import ml_backend
from webapp.ml.dataset import Examples, examples_for, human_annotations, task_text
from webapp.ml.jobs import enqueue, fence, job_handler, report_progress
from webapp.ml.scoring import choices_match, span_f1
from webapp.models import Annotation, Project, Task
from webapp.models._types import utcnow
from webapp.models.ml import BackgroundJob, MLModel, ModelKind, ModelVersion

if TYPE_CHECKING:  # scikit-learn and spaCy load only where a model trains or predicts
    from webapp.ml.builtin_classifier import TextClassifier
    from webapp.ml.builtin_ner import SpanTagger

TRAIN_JOB = "train"
BACKEND_WEBHOOK_JOB = "ml_backend_webhook"
MIN_HELD_OUT = 5


class TrainingError(ValueError):
    """Nothing to learn from; the message tells the manager what to do."""


@dataclass
class BuiltinBundle:
    """The pickled artefact: one estimator per control, keyed by control name."""

    estimators: dict[str, TextClassifier | SpanTagger]


def enqueue_training(session: Session, model: MLModel) -> BackgroundJob:
    """Debounced: while one training of this model waits, more triggers join it (ML-2)."""
    return enqueue(session, TRAIN_JOB, model.project_id, {"model_id": model.id},
                   dedupe_key=f"train:{model.id}")


def _new_estimator(control):
    # Imported here, not at the top: importing the web app must not load them (issue 14).
    from webapp.ml.builtin_classifier import TextClassifier
    from webapp.ml.builtin_ner import SpanTagger

    return TextClassifier(control.multiple) if control.type is ControlType.CHOICES else SpanTagger()


def _fit(control, ex: Examples, rows: list[int]):
    return _new_estimator(control).fit([ex.texts[i] for i in rows], [ex.targets[i] for i in rows])


def _evaluate(control, ex: Examples) -> dict:
    n = len(ex.texts)
    held = [i for i in range(n) if ex.ground_truth[i]]
    on = "ground_truth"
    if len(held) < MIN_HELD_OUT or n - len(held) < MIN_HELD_OUT:
        if n < 2 * MIN_HELD_OUT:
            return {"examples": n, "note": "too few examples to hold some out"}
        held, on = sorted(random.Random(0).sample(range(n), max(MIN_HELD_OUT, n // 5))), "split"
    held_set = set(held)
    train = [i for i in range(n) if i not in held_set]
    estimator = _fit(control, ex, train)
    predicted = estimator.predict([ex.texts[i] for i in held])
    if control.type is ControlType.CHOICES:
        hits = [choices_match(p.choices, ex.targets[i]) for p, i in zip(predicted, held)]
        return {"examples": n, "evaluated_on": on, "held_out": len(held), "accuracy": sum(hits) / len(hits)}
    gold = [[(s, e, lab) for s, e, lab in ex.targets[i]] for i in held]
    guess = [[(s.start, s.end, s.label) for s in spans] for spans, _ in predicted]
    return {"examples": n, "evaluated_on": on, "held_out": len(held), "f1": span_f1(gold, guess)}


def train_builtin(session: Session, model: MLModel, job: BackgroundJob | None = None) -> ModelVersion:
    if model.kind is not ModelKind.BUILTIN:
        raise TrainingError("Only the built-in model trains here; external backends train themselves.")
    project = session.get(Project, model.project_id)
    config = parse_config(project.label_config)
    examples = examples_for(config, human_annotations(session, project.id))
    usable = {name: ex for name, ex in examples.items() if ex.texts}
    if not usable:
        raise TrainingError("No annotations to learn from yet: label some tasks first.")
    estimators, metrics = {}, {}
    for step, (name, ex) in enumerate(usable.items()):
        control = config.controls[name]
        metrics[name] = _evaluate(control, ex)
        estimators[name] = _fit(control, ex, list(range(len(ex.texts))))
        if job is not None:
            report_progress(session, job, step + 1, len(usable))
    begin_write(session)
    count = session.scalar(select(func.count()).where(ModelVersion.model_id == model.id)) or 0
    version = ModelVersion(
        model_id=model.id, version=f"quorum-{model.id}-v{count + 1}-{utcnow():%Y%m%d%H%M%S%f}",
        metrics=metrics, artefact=pickle.dumps(BuiltinBundle(estimators)),
    )
    session.add(version)
    session.flush()
    return version


def load_bundle(version: ModelVersion) -> BuiltinBundle:
    # Artefacts are written only by train_builtin above, never uploaded, so unpickling is safe.
    return pickle.loads(version.artefact)


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


@job_handler(TRAIN_JOB)
def train_job(session: Session, job: BackgroundJob) -> str:
    model = session.get(MLModel, job.params["model_id"])
    if model is None:
        return "The model was deleted before training started."
    training_started(session, TrainingEvent(model.project_id, model.id, job.id))  # WH-1 START_TRAINING
    if model.kind is ModelKind.ML_BACKEND:
        return start_backend_training(session, model)
    if model.kind is ModelKind.OPENAI_CHAT:
        return evaluate_on_ground_truth(session, model, job)
    version = train_builtin(session, model, job)
    project = session.get(Project, model.project_id)
    if follows_model(project, model):
        from webapp.ml.predict import predict_tasks  # predict builds on training

        predict_tasks(session, project, None, model)  # new scores reorder the stream (SAMP-3)
    fence(session, job)  # a worker whose claim was taken over stores no version
    session.commit()
    return f"Trained {version.version}."


def start_backend_training(session: Session, model: MLModel) -> str:
    """ML-3 "Start training" for an ML backend: it trains itself on START_TRAINING."""
    answer = ml_backend.send_webhook(model, session.get(Project, model.project_id), "START_TRAINING")
    job_id = answer.get("job_id") if isinstance(answer, dict) else None
    return f"The backend at {model.url} started training" + (f" (job {job_id})." if job_id else ".")


def evaluate_on_ground_truth(session: Session, model: MLModel, job: BackgroundJob | None = None) -> str:
    """A chat model learns nothing: "training" predicts the ground-truth tasks and records
    the version with its accuracy, as the built-in model's held-out metrics are."""
    from webapp.ml.predict import predict_external  # predict builds on training

    project = session.get(Project, model.project_id)
    ids = list(session.scalars(select(Task.id).where(Task.project_id == project.id, Task.has_ground_truth.is_(True))
                               .order_by(Task.id)))
    if not ids:
        raise TrainingError("Mark some tasks as ground truth first: the model is evaluated on them.")
    if job is not None:
        report_progress(session, job, 0, len(ids))
    versions = predict_external(session, project, model, ids, job)
    return f"Evaluated {', '.join(sorted(versions))} on {len(ids)} ground-truth task(s)."


@job_handler(BACKEND_WEBHOOK_JOB)
def backend_webhook_job(session: Session, job: BackgroundJob) -> str:
    """ML-2 for ML backends: the annotation event, sent from the background."""
    model = session.get(MLModel, job.params["model_id"])
    annotation = session.get(Annotation, job.params["annotation_id"])
    if model is None or annotation is None:
        return "Nothing to send: the model or the annotation was deleted meanwhile."
    task = session.get(Task, annotation.task_id)
    ml_backend.send_webhook(model, session.get(Project, model.project_id), job.params["action"],
                            {"annotation": annotation_payload(annotation), "task": task_payload(task)})
    return f"Sent {job.params['action']} for annotation {annotation.id} to {model.url}."


def enqueue_backend_webhook(session: Session, model: MLModel, action: str, annotation_id: int) -> BackgroundJob:
    return enqueue(session, BACKEND_WEBHOOK_JOB, model.project_id,
                   {"model_id": model.id, "action": action, "annotation_id": annotation_id})


def follows_model(project: Project, model: MLModel) -> bool:
    """Whether a retrain should refresh predictions: the model is the live source."""
    return project.live_predictions_source == f"model:{model.id}"
