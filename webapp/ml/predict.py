"""Batch predictions (ML-6): a background job writes one Prediction per task and version."""
from __future__ import annotations

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.orm import Session

from webapp.labeling import parse_config
from webapp.ml.jobs import enqueue, job_handler, report_progress
from webapp.ml.training import TrainingError, load_bundle, predict_results
from webapp.models import Prediction, Project, Task
from webapp.models.ml import BackgroundJob, MLModel, ModelKind, ModelVersion

PREDICT_JOB = "predict"
BATCH = 500


def latest_version(session: Session, model_id: int) -> ModelVersion | None:
    return session.scalar(
        select(ModelVersion).where(ModelVersion.model_id == model_id).order_by(ModelVersion.id.desc()).limit(1)
    )


def default_model(session: Session, project_id: int) -> MLModel | None:
    """The project's active built-in model, the one batch predictions use by default."""
    return session.scalar(
        select(MLModel).where(MLModel.project_id == project_id, MLModel.kind == ModelKind.BUILTIN,
                              MLModel.is_active.is_(True)).order_by(MLModel.id).limit(1)
    )


def predict_tasks(session: Session, project: Project, task_ids: list[int] | None,
                  model: MLModel | None = None) -> BackgroundJob:
    """Queue predictions for `task_ids` (None: every task); flushed, the caller commits."""
    model = model or default_model(session, project.id)
    if model is None:
        raise TrainingError("Connect or add the built-in model in the Model tab first.")
    ids = sorted(set(task_ids)) if task_ids is not None else None
    key = f"predict-all:{model.id}" if ids is None else None  # retrains queue one full pass
    return enqueue(session, PREDICT_JOB, project.id, {"model_id": model.id, "task_ids": ids}, dedupe_key=key)


def write_predictions(session: Session, project: Project, version: ModelVersion, tasks: list[Task]) -> None:
    """Replace this version's predictions of `tasks` and recount their total_predictions."""
    results = predict_results(load_bundle(version), parse_config(project.label_config), [t.data for t in tasks])
    ids = [t.id for t in tasks]
    session.execute(delete(Prediction).where(Prediction.task_id.in_(ids), Prediction.model_version == version.version))
    rows = [{"task_id": t.id, "project_id": project.id, "result": items, "score": score,
             "model_version": version.version} for t, (items, score) in zip(tasks, results)]
    if rows:
        session.execute(insert(Prediction), rows)
    recount_predictions(session, ids)


def recount_predictions(session: Session, task_ids: list[int]) -> None:
    count = select(func.count()).where(Prediction.task_id == Task.id).scalar_subquery()
    session.execute(update(Task).where(Task.id.in_(task_ids)).values(total_predictions=count),
                    execution_options={"synchronize_session": False})


@job_handler(PREDICT_JOB)
def predict_job(session: Session, job: BackgroundJob) -> str:
    model = session.get(MLModel, job.params["model_id"])
    version = latest_version(session, model.id) if model is not None else None
    if version is None:
        raise TrainingError("The model has no trained version yet: start training first.")
    project = session.get(Project, job.project_id)
    stmt = select(Task).where(Task.project_id == project.id)
    if job.params.get("task_ids") is not None:
        stmt = stmt.where(Task.id.in_(job.params["task_ids"]))
    ids = session.scalars(stmt.with_only_columns(Task.id).order_by(Task.id)).all()
    report_progress(session, job, 0, len(ids))
    for start in range(0, len(ids), BATCH):
        chunk = ids[start:start + BATCH]
        tasks = session.scalars(select(Task).where(Task.id.in_(chunk)).order_by(Task.id)).all()
        write_predictions(session, project, version, tasks)
        report_progress(session, job, start + len(chunk))  # commits the batch
    from webapp.ml.autolabel import settings_of, enqueue_autolabel  # autolabel builds on predict

    if settings_of(session, project.id).enabled:
        enqueue_autolabel(session, project.id, version.version)
        session.commit()
    return f"Predicted {len(ids)} task(s) with {version.version}."
