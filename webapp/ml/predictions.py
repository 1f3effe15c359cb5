"""Prediction sets (PRED-1): summary, accuracy against ground truth, delete; and turning
predictions into annotations in bulk."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from webapp.dbutil import batches, begin_write, lock_project
from webapp.hooks import AnnotationChange, AnnotationEvent, annotation_changed
from webapp.labels_in_use import update_labels_in_use
from webapp.ml.scoring import result_agreement
from webapp.models import Annotation, Prediction, Project, Task
from webapp.queue.completion import refresh_task_state


@dataclass(frozen=True)
class PredictionSet:
    model_version: str
    count: int
    mean_score: float | None
    created_at: datetime
    accuracy: float | None = None  # vs ground truth, None when no task has one
    evaluated: int = 0


def prediction_sets(session: Session, project_id: int) -> list[PredictionSet]:
    rows = session.execute(
        select(Prediction.model_version, func.count(), func.avg(Prediction.score), func.max(Prediction.created_at))
        .where(Prediction.project_id == project_id)
        .group_by(Prediction.model_version)
        .order_by(func.max(Prediction.created_at).desc())
    ).all()
    accuracy = ground_truth_accuracy(session, project_id)
    return [PredictionSet(v, n, float(m) if m is not None else None, at, *accuracy.get(v, (None, 0)))
            for v, n, m, at in rows]


def ground_truth_accuracy(session: Session, project_id: int) -> dict[str, tuple[float, int]]:
    """Mean agreement per version over the tasks with a ground-truth annotation."""
    rows = session.execute(
        select(Prediction.model_version, Prediction.result, Annotation.result)
        .join(Annotation, Annotation.task_id == Prediction.task_id)
        .where(Prediction.project_id == project_id, Annotation.ground_truth.is_(True),
               Annotation.was_cancelled.is_(False))
    ).all()
    totals: dict[str, list[float]] = {}
    for version, predicted, reference in rows:
        totals.setdefault(version, []).append(result_agreement(predicted, reference))
    return {v: (sum(s) / len(s), len(s)) for v, s in totals.items()}


def delete_prediction_set(session: Session, project_id: int, model_version: str) -> int:
    """Delete one set and recount the affected tasks, one short write transaction per
    batch of tasks (each committed); returns how many went."""
    task_ids = list(session.scalars(
        select(Prediction.task_id).where(Prediction.project_id == project_id,
                                         Prediction.model_version == model_version).distinct()
    ))
    gone = 0
    for batch in batches(session, task_ids):
        begin_write(session)
        gone += session.execute(
            delete(Prediction).where(Prediction.project_id == project_id, Prediction.model_version == model_version,
                                     Prediction.task_id.in_(batch))
        ).rowcount
        recount_predictions(session, batch)
        session.commit()
    return gone


def latest_prediction(session: Session, task_id: int, model_version: str) -> Prediction | None:
    return session.scalar(
        select(Prediction).where(Prediction.task_id == task_id, Prediction.model_version == model_version)
        .order_by(Prediction.id.desc()).limit(1)
    )


def annotate_from_prediction(session: Session, project: Project, task: Task, prediction: Prediction,
                             user_id: int | None, from_model: bool = False) -> Annotation:
    """One annotation holding the prediction's result; counters and events as on submit."""
    result = [{k: v for k, v in item.items() if k != "hidden"} for item in prediction.result]
    annotation = Annotation(task_id=task.id, project_id=project.id, completed_by_id=user_id, result=result,
                            parent_prediction_id=prediction.id, from_model=from_model)
    session.add(annotation)
    update_labels_in_use(project, None, result)
    session.flush()
    refresh_task_state(session, project, task)
    annotation_changed(session, AnnotationEvent(AnnotationChange.CREATED, project, task, annotation, user_id))
    return annotation


def create_annotations_from_predictions(session: Session, project: Project, task_ids: list[int],
                                        model_version: str, user_id: int) -> int:
    """The Data Manager bulk action: the user's annotation from the set's prediction, for
    each task the user has not annotated yet. One short write transaction per batch of
    tasks, each committed, so annotators' submits interleave with a long run."""
    project_id = project.id
    return sum(_annotate_batch(session, project_id, batch, model_version, user_id) for batch in batches(session, task_ids))


def _annotate_batch(session: Session, project_id: int, task_ids: list[int], model_version: str, user_id: int) -> int:
    project = lock_project(session, project_id)  # its counters change with each annotation
    already = set(session.scalars(
        select(Annotation.task_id).where(Annotation.task_id.in_(task_ids), Annotation.completed_by_id == user_id)
    ))
    made = 0
    for task in session.scalars(select(Task).where(Task.id.in_(task_ids), Task.project_id == project_id)).all():
        prediction = latest_prediction(session, task.id, model_version)
        if prediction is not None and task.id not in already:
            annotate_from_prediction(session, project, task, prediction, user_id)
            made += 1
    session.commit()
    return made


def recount_predictions(session: Session, task_ids: list[int]) -> None:
    count = select(func.count()).where(Prediction.task_id == Task.id).scalar_subquery()
    session.execute(update(Task).where(Task.id.in_(task_ids)).values(total_predictions=count),
                    execution_options={"synchronize_session": False})
