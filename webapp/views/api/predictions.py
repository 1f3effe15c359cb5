"""Label Studio's /api/predictions (issue 16 point 1): list by task or project, create,
read, change, delete, with `score` and `model_version`.

Predictions are a manager's tool here (an annotator sees them only as pre-annotations in
the label stream), so every route asks the access gate for MANAGE on the task.
"""
from __future__ import annotations

from flask import request
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import BadRequest

from webapp.access import Action, authorize_project, authorize_task, not_found
from webapp.extensions import db
from webapp.io import TaskImportError
from webapp.io.task_edits import PREDICTION_FIELDS, add_prediction, delete_prediction, update_prediction
from webapp.models import Prediction, Project
from webapp.views.api import json_body, route
from webapp.views.api.serializers import prediction_json
from webapp.views.api.task_rows import import_error


def _prediction(prediction_id: int) -> Prediction:
    """Through the gate: a prediction is as visible as its task is to a manager."""
    prediction = db.session.get(Prediction, prediction_id)
    if prediction is None:
        raise not_found()
    authorize_task(db.session, current_user, prediction.task_id, Action.MANAGE)
    return prediction


def _fields(body: dict, required: frozenset[str] = frozenset()) -> dict:
    changes = {key: body[key] for key in PREDICTION_FIELDS if key in body}
    missing = sorted(required - set(changes))
    if missing:
        raise BadRequest(f"Required field(s): {', '.join(missing)}.")
    return changes


@route("/predictions", methods=["GET"])
def list_predictions():
    """`?task=<id>` or `?project=<id>` (also Label Studio's `task__project`)."""
    stmt = select(Prediction).order_by(Prediction.id)
    task_id = request.args.get("task", type=int)
    project_id = request.args.get("project", type=int) or request.args.get("task__project", type=int)
    if task_id is not None:
        task = authorize_task(db.session, current_user, task_id, Action.MANAGE, project_id=project_id)
        stmt = stmt.where(Prediction.task_id == task.id)
    elif project_id is not None:
        project = authorize_project(db.session, current_user, project_id, Action.MANAGE)
        stmt = stmt.where(Prediction.project_id == project.id)
    else:
        raise BadRequest("Give the task (?task=<id>) or the project (?project=<id>).")
    return [prediction_json(p) for p in db.session.scalars(stmt)]


@route("/predictions", methods=["POST"])
def create():
    body = json_body()
    if not isinstance(body.get("task"), int):
        raise BadRequest("'task' (the task id) is required.")
    task = authorize_task(db.session, current_user, body["task"], Action.MANAGE)
    try:
        prediction = add_prediction(db.session, db.session.get(Project, task.project_id), task,
                                    _fields(body, frozenset({"result"})))
    except TaskImportError as exc:
        return import_error(exc)
    return prediction_json(prediction), 201


@route("/predictions/<int:prediction_id>", methods=["GET"])
def read(prediction_id: int):
    return prediction_json(_prediction(prediction_id))


@route("/predictions/<int:prediction_id>", methods=["PATCH"])
def update(prediction_id: int):
    prediction = _prediction(prediction_id)
    try:
        prediction = update_prediction(db.session, db.session.get(Project, prediction.project_id), prediction,
                                       _fields(json_body()))
    except TaskImportError as exc:
        return import_error(exc)
    return prediction_json(prediction)


@route("/predictions/<int:prediction_id>", methods=["DELETE"])
def delete(prediction_id: int):
    prediction = _prediction(prediction_id)
    delete_prediction(db.session, db.session.get(Project, prediction.project_id), prediction)
    return "", 204
