"""Project agreement summary (QA-4..6): GET /api/projects/<id>/agreement."""
from __future__ import annotations

from flask_login import current_user

from webapp.extensions import db
from webapp.quality.dashboard import summary
from webapp.quality.ground_truth import annotator_accuracy, model_accuracy
from webapp.views.api import route
from webapp.views.quality import authorize_quality


@route("/projects/<int:project_id>/agreement", methods=["GET"])
def agreement(project_id: int):
    """Mean, distribution buckets (percent), kappa/alpha where defined, per annotator,
    and accuracy against ground truth."""
    project = authorize_quality(db.session, current_user, project_id)
    body = summary(db.session, project)
    body["annotator_accuracy"] = [_accuracy(a, "annotator") for a in annotator_accuracy(db.session, project)]
    body["model_accuracy"] = [_accuracy(a, "model_version") for a in model_accuracy(db.session, project)]
    return body


def _accuracy(acc, key: str) -> dict:
    return {key: acc.key, "accuracy": round(100 * acc.accuracy, 2), "tasks": acc.tasks}
