"""Annotations: create (was_cancelled=true is a skip), read, change, delete."""
from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import BadRequest

from webapp.access import Action, authorize_annotation, authorize_ground_truth, authorize_task
from webapp.annotations import (
    AnnotationError,
    Submission,
    delete_annotation,
    submit_annotation,
    update_annotation,
)
from webapp.extensions import db
from webapp.models import Annotation, Project
from webapp.views.api import json_body, route
from webapp.views.api.serializers import annotation_json

PATCHABLE = {"result", "was_cancelled", "ground_truth", "lead_time"}


def annotation_error(exc: AnnotationError):
    db.session.rollback()
    return {"detail": str(exc), "status_code": 400}, 400


def _lead_time(body: dict) -> float | None:
    value = body.get("lead_time")
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0):
        raise BadRequest("'lead_time' must be a number of seconds >= 0.")
    return value


def _ground_truth(body: dict, project_id: int) -> bool | None:
    """The asked ground-truth flag (None: leave it as it is), refused with 403 before
    anything is stored when the user's role may not set it (QA-6)."""
    if "ground_truth" not in body:
        return None
    authorize_ground_truth(db.session, current_user, db.session.get(Project, project_id))
    return bool(body["ground_truth"])


@route("/tasks/<int:task_id>/annotations", methods=["POST"])
def create(task_id: int):
    task = authorize_task(db.session, current_user, task_id, Action.ANNOTATE)
    body = json_body()
    submission = Submission(
        result=body.get("result", []),
        was_cancelled=bool(body.get("was_cancelled", False)),
        lead_time=_lead_time(body),
        comment=str(body.get("comment", "") or ""),
        ground_truth=_ground_truth(body, task.project_id),
    )
    try:
        annotation = submit_annotation(db.session, task_id, current_user, submission)
    except AnnotationError as exc:
        return annotation_error(exc)
    return annotation_json(annotation), 201


@route("/tasks/<int:task_id>/annotations", methods=["GET"])
def list_for_task(task_id: int):
    task = authorize_task(db.session, current_user, task_id, Action.MANAGE)
    rows = db.session.scalars(select(Annotation).where(Annotation.task_id == task.id).order_by(Annotation.id))
    return [annotation_json(a) for a in rows]


@route("/annotations/<int:annotation_id>", methods=["GET"])
def read(annotation_id: int):
    return annotation_json(authorize_annotation(db.session, current_user, annotation_id, Action.VIEW))


@route("/annotations/<int:annotation_id>", methods=["PATCH"])
def update(annotation_id: int):
    annotation = authorize_annotation(db.session, current_user, annotation_id, Action.ANNOTATE)
    body = json_body()
    unknown = sorted(set(body) - PATCHABLE)
    if unknown:
        raise BadRequest(f"Unknown or read-only field(s): {', '.join(unknown)}.")
    _lead_time(body)
    _ground_truth(body, annotation.project_id)
    try:
        annotation = update_annotation(db.session, annotation, body, actor_id=current_user.id)
    except AnnotationError as exc:
        return annotation_error(exc)
    return annotation_json(annotation)


@route("/annotations/<int:annotation_id>", methods=["DELETE"])
def delete(annotation_id: int):
    annotation = authorize_annotation(db.session, current_user, annotation_id, Action.ANNOTATE)
    delete_annotation(db.session, annotation, actor_id=current_user.id)
    return "", 204
