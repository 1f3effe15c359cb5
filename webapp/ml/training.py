"""The training stage (ML-2, ML-3, ML-4): the job that trains a model of any kind.

The built-in model trains in `webapp.ml.builtin.train`; an ML backend trains itself when
told; a chat model is evaluated on ground truth. A retrain of the live model then queues
a prediction pass by job kind (`stages`), not by calling the predict stage.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.hooks import TrainingEvent, training_started
from webapp.integrations.payloads import annotation_payload, task_payload
from webapp.ml.builtin.train import train_builtin
from webapp.ml.errors import TrainingError
from webapp.ml.jobs import enqueue, fence, job_handler, report_progress
from webapp.ml.live_source import model_id_of
from webapp.ml.predict import predict_external
from webapp.ml.remote import ml_backend
from webapp.ml.stages import JobKind, enqueue_predictions
from webapp.models import Annotation, Project, Task
from webapp.models.ml import BackgroundJob, MLModel, ModelKind

TRAIN_JOB = JobKind.TRAIN
BACKEND_WEBHOOK_JOB = JobKind.BACKEND_WEBHOOK


def enqueue_training(session: Session, model: MLModel) -> BackgroundJob:
    """Debounced: while one training of this model waits, more triggers join it (ML-2)."""
    return enqueue(session, TRAIN_JOB, model.project_id, {"model_id": model.id},
                   dedupe_key=f"train:{model.id}")


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
    if follows_model(project, model):  # new scores reorder the stream (SAMP-3)
        enqueue_predictions(session, project.id, model.id, None)
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
    return model_id_of(project.live_predictions_source) == model.id
