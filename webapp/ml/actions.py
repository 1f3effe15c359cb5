"""Data Manager bulk actions of the ml domain (ML-6, "create annotations from predictions")."""
from __future__ import annotations

from sqlalchemy.orm import Session

from webapp.data_manager import register_action
from webapp.ml.errors import TrainingError
from webapp.ml.predict import predict_tasks
from webapp.ml.predictions import create_annotations_from_predictions
from webapp.ml.sources import chosen_version
from webapp.models import Project, User


def batch_predictions(session: Session, project: Project, user: User, task_ids: list[int]) -> str:
    try:
        predict_tasks(session, project, task_ids)
    except TrainingError as exc:
        return str(exc)
    session.commit()
    return f"Predicting {len(task_ids)} task(s) in the background; see Settings > Predictions for progress."


def annotations_from_predictions(session: Session, project: Project, user: User, task_ids: list[int]) -> str:
    version = chosen_version(session, project)
    if version is None:
        return "This project has no predictions yet."
    made = create_annotations_from_predictions(session, project, task_ids, version, user.id)  # commits
    return f"Created {made} annotation(s) from the predictions of {version}."


register_action("predict", "Batch predictions", batch_predictions)
register_action("annotations_from_predictions", "Create annotations from predictions",
                annotations_from_predictions, confirm="Create your annotations from the selected tasks' predictions?")
