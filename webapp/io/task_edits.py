"""One task or one prediction changed through Label Studio's API (issue 16 point 1).

Values are checked by the importer's RecordChecker, so a task's data, meta and a
prediction's result, score and model_version obey the same rules whether they arrive in
a file or one at a time. Predictions are written by the ML path (store_predictions), so
the task's total_predictions stays right. Imports nothing from Flask.
"""
from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from webapp.dbutil import lock_project
from webapp.io.records import RecordChecker
from webapp.labeling import parse_config
from webapp.ml.predict import store_predictions
from webapp.ml.predictions import latest_prediction, recount_predictions
from webapp.models import Prediction, Project, Task

TASK_FIELDS = frozenset({"data", "meta"})
PREDICTION_FIELDS = frozenset({"result", "score", "model_version"})


def _checker(project: Project) -> RecordChecker:
    return RecordChecker(parse_config(project.label_config))


def update_task(session: Session, project: Project, task: Task, changes: dict[str, Any]) -> Task:
    """Replace the task's data and/or meta (TaskImportError if invalid); commits."""
    checked = _checker(project).check(
        f"Task {task.id}", {"data": changes.get("data", task.data), "meta": changes.get("meta", task.meta)}
    )
    lock_project(session, project.id)  # every writer takes the project row first
    task.data, task.meta = checked.data, checked.meta
    session.commit()
    return task


def _checked_prediction(project: Project, task: Task, raw: dict[str, Any]) -> dict:
    return _checker(project).check(f"Task {task.id}", {"data": task.data, "predictions": [raw]}).predictions[0]


def add_prediction(session: Session, project: Project, task: Task, raw: dict[str, Any]) -> Prediction:
    """Store a prediction: one per task and model_version, as the model path keeps them (a
    new one replaces the task's prediction of that version); commits."""
    values = _checked_prediction(project, task, raw)
    store_predictions(session, project, [task], [(values["result"], values["score"], values["model_version"])])
    session.commit()
    return latest_prediction(session, task.id, values["model_version"])


def update_prediction(session: Session, project: Project, prediction: Prediction, changes: dict) -> Prediction:
    """Change a prediction's result, score or model_version in place (its id stays)."""
    task = session.get(Task, prediction.task_id)
    current = {"result": prediction.result, "score": prediction.score, "model_version": prediction.model_version}
    values = _checked_prediction(project, task, {**current, **changes})
    lock_project(session, project.id)
    prediction.result, prediction.score, prediction.model_version = (
        values["result"], values["score"], values["model_version"])
    session.commit()
    return prediction


def delete_prediction(session: Session, project: Project, prediction: Prediction) -> None:
    lock_project(session, project.id)
    session.delete(prediction)
    session.flush()
    recount_predictions(session, [prediction.task_id])
    session.commit()
