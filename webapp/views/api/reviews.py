"""Reviews (REV-2, REV-3, REV-7): review an annotation, list its reviews, the next task to
review. Errors are JSON {"detail", "status_code"}."""
from __future__ import annotations

from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import BadRequest, NotFound

from webapp.access import Action, authorize_annotation, authorize_project
from webapp.extensions import db
from webapp.integrations.payloads import review_payload
from webapp.models import Annotation, Project, Review, ReviewAction
from webapp.review import ReviewError, decision_from, next_task_to_review, review_annotation, task_for_review
from webapp.views.api import json_body, route
from webapp.views.api.serializers import task_json

def review_json(r: Review) -> dict:
    """The review object webhooks send, plus the names this API takes (`remove`, `previous_result`)."""
    return {**review_payload(r), "remove": r.action is ReviewAction.REJECT_REMOVE, "previous_result": r.previous_result}


def _authorize(annotation_id: int) -> tuple[Annotation, Project]:
    """404 for a missing or invisible annotation (REV-4), 403 for a role that may not review."""
    annotation = authorize_annotation(db.session, current_user, annotation_id, Action.REVIEW)
    return annotation, db.session.get(Project, annotation.project_id)


def _field(body: dict, name: str, kind: type, default=None):
    value = body.get(name, default)
    if value is not None and not isinstance(value, kind):
        raise BadRequest(f"'{name}' must be a {'boolean' if kind is bool else kind.__name__}.")
    return value


@route("/annotations/<int:annotation_id>/reviews", methods=["POST"])
def create(annotation_id: int):
    """{"accepted": bool, "result"?: fixed result, "comment"?: str, "remove"?: bool}"""
    annotation, project = _authorize(annotation_id)
    body = json_body()
    accepted = _field(body, "accepted", bool)
    if accepted is None:
        raise BadRequest("'accepted' (true or false) is required.")
    try:
        decision = decision_from(
            project,
            accepted,
            comment=_field(body, "comment", str, "") or "",
            result=_field(body, "result", list),
            remove=_field(body, "remove", bool),
        )
        review = review_annotation(db.session, annotation.id, current_user, decision)
    except ReviewError as exc:
        db.session.rollback()
        return {"detail": str(exc), "status_code": 400}, 400
    return review_json(review), 201


@route("/annotations/<int:annotation_id>/reviews", methods=["GET"])
def list_for_annotation(annotation_id: int):
    annotation, _ = _authorize(annotation_id)
    rows = db.session.scalars(select(Review).where(Review.annotation_id == annotation.id).order_by(Review.id))
    return [review_json(r) for r in rows]


@route("/projects/<int:project_id>/review/next", methods=["GET"])
def next_for_review(project_id: int):
    """The next task to review with its submitted annotations; 404 JSON when none is left."""
    project = authorize_project(db.session, current_user, project_id, Action.REVIEW)
    task = next_task_to_review(db.session, project, current_user)
    if task is None:
        raise NotFound("No task is waiting for your review.")
    annotations = task_for_review(db.session, task).annotations
    body = task_json(task, annotations)
    body.update(
        is_reviewed=task.is_reviewed, reviews_pending=task.reviews_pending,
        reviews_accepted=task.reviews_accepted, reviews_rejected=task.reviews_rejected,
    )
    for item, annotation in zip(body["annotations"], annotations):
        item["review_state"] = annotation.review_state.value
    return body
