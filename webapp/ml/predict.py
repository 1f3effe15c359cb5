"""Batch predictions (ML-6): a background job writes one Prediction per task and version."""
from __future__ import annotations

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from webapp.dbutil import begin_write
from webapp.labeling import parse_config
from webapp.ml import external
from webapp.ml.builtin.bundle import load_bundle
from webapp.ml.builtin.infer import predict_results
from webapp.ml.errors import TrainingError
from webapp.ml.jobs import fence, job_handler, report_progress
from webapp.ml.live_source import model_id_of
from webapp.ml.predictions import recount_predictions
from webapp.ml.stages import JobKind, autolabel_enabled, enqueue_autolabel, enqueue_predictions
from webapp.models import Prediction, Project, Task
from webapp.models.ml import BackgroundJob, MLModel, ModelKind, ModelVersion

PREDICT_JOB = JobKind.PREDICT
BATCH = 500


def latest_version(session: Session, model_id: int) -> ModelVersion | None:
    return session.scalar(
        select(ModelVersion).where(ModelVersion.model_id == model_id).order_by(ModelVersion.id.desc()).limit(1)
    )


def default_model(session: Session, project: Project) -> MLModel | None:
    """The model batch predictions use by default: the live predictions source when it
    names an active model (LIVE-1), else the project's first active model."""
    model_id = model_id_of(project.live_predictions_source)
    if model_id is not None:
        model = session.get(MLModel, model_id)
        if model is not None and model.project_id == project.id and model.is_active:
            return model
    return session.scalar(
        select(MLModel).where(MLModel.project_id == project.id, MLModel.is_active.is_(True))
        .order_by(MLModel.kind != ModelKind.BUILTIN, MLModel.id).limit(1)
    )


def predict_tasks(session: Session, project: Project, task_ids: list[int] | None,
                  model: MLModel | None = None) -> BackgroundJob:
    """Queue predictions for `task_ids` (None: every task); flushed, the caller commits."""
    model = model or default_model(session, project)
    if model is None:
        raise TrainingError("Connect a model or add the built-in model in the Model tab first.")
    return enqueue_predictions(session, project.id, model.id, task_ids)


def write_predictions(session: Session, project: Project, version: ModelVersion, tasks: list[Task]) -> None:
    """The built-in model's predictions of `tasks` under `version`."""
    results = predict_results(load_bundle(version), parse_config(project.label_config), [t.data for t in tasks])
    store_predictions(session, project, tasks, [(items, score, version.version) for items, score in results])


def store_predictions(session: Session, project: Project, tasks: list[Task],
                      answers: list[tuple[list, float | None, str]]) -> set[str]:
    """Replace each task's prediction of the answer's version and recount total_predictions;
    returns the versions written."""
    ids = [t.id for t in tasks]
    versions = {version for _, _, version in answers}
    rows = [{"task_id": t.id, "project_id": project.id, "result": items, "score": score, "model_version": version}
            for t, (items, score, version) in zip(tasks, answers)]
    begin_write(session)  # after the model's answer, which other writers may have outlasted
    session.execute(delete(Prediction).where(Prediction.task_id.in_(ids), Prediction.model_version.in_(versions)))
    if rows:
        session.execute(insert(Prediction), rows)
    recount_predictions(session, ids)
    return versions


def _task_ids(session: Session, project: Project, task_ids: list[int] | None) -> list[int]:
    stmt = select(Task.id).where(Task.project_id == project.id)
    if task_ids is not None:
        stmt = stmt.where(Task.id.in_(task_ids))
    return list(session.scalars(stmt.order_by(Task.id)))


def _chunks(session: Session, ids: list[int], size: int):
    for start in range(0, len(ids), size):
        chunk = ids[start:start + size]
        yield start + len(chunk), list(session.scalars(select(Task).where(Task.id.in_(chunk)).order_by(Task.id)))


def predict_external(session: Session, project: Project, model: MLModel, ids: list[int],
                     job: BackgroundJob | None = None) -> set[str]:
    """ML-6 with a backend or chat model: batches of tasks, each answer's own
    model_version; the sets written are then recorded and evaluated on ground truth."""
    external.prepare(model, project)
    versions: set[str] = set()
    for done, tasks in _chunks(session, ids, external.BATCH):
        versions |= store_predictions(session, project, tasks, external.predict(session, model, project, tasks))
        if job is not None:
            report_progress(session, job, done)  # commits the batch, fenced
    begin_write(session)  # the versions and their metrics, in one write transaction
    if job is not None:
        fence(session, job)
    for version in sorted(versions):
        external.record_version(session, model, project, version)
    session.commit()
    return versions


@job_handler(PREDICT_JOB)
def predict_job(session: Session, job: BackgroundJob) -> str:
    model = session.get(MLModel, job.params["model_id"])
    if model is None:
        raise TrainingError("The model was deleted before the predictions ran.")
    project = session.get(Project, job.project_id)
    ids = _task_ids(session, project, job.params.get("task_ids"))
    report_progress(session, job, 0, len(ids))
    if external.is_external(model):
        versions = predict_external(session, project, model, ids, job)
        _after_predictions(session, project, max(versions, default=None))
        return f"Predicted {len(ids)} task(s) with {model.title} ({', '.join(sorted(versions)) or 'no tasks'})."
    version = latest_version(session, model.id)
    if version is None:
        raise TrainingError("The model has no trained version yet: start training first.")
    for done, tasks in _chunks(session, ids, BATCH):
        write_predictions(session, project, version, tasks)
        report_progress(session, job, done)  # commits the batch, fenced
    _after_predictions(session, project, version.version)
    return f"Predicted {len(ids)} task(s) with {version.version}."


def _after_predictions(session: Session, project: Project, version: str | None) -> None:
    """The next stage, by job kind: autolabeling from the new set, when it is on (AL-1)."""
    if version and autolabel_enabled(session, project.id):
        enqueue_autolabel(session, project.id, version)
        session.commit()
