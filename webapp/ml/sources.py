"""Which prediction set a project's live predictions source names (LIVE-1, SAMP-3).

"version:<v>" is one prediction set; "model:<id>" follows that model as it retrains: its
newest version that has predictions in the project.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.ml.autolabel import is_audit_task
from webapp.ml.live_source import LiveSource
from webapp.models import Prediction, Project, Task
from webapp.models.ml import MLModel, ModelVersion
from webapp.project_settings_fields import model_versions

def source_version(session: Session, project: Project) -> str | None:
    source = LiveSource.parse(project.live_predictions_source)
    if source is not None and source.version is not None:
        return source.version
    if source is not None and source.model_id is not None:
        has_predictions = select(Prediction.id).where(
            Prediction.project_id == project.id, Prediction.model_version == ModelVersion.version
        ).exists()
        return session.scalar(
            select(ModelVersion.version)
            .where(ModelVersion.model_id == source.model_id, has_predictions)
            .order_by(ModelVersion.id.desc()).limit(1)
        )
    return None


def source_choices(session: Session, project_id: int) -> list[tuple[str, str]]:
    """(value, label) of every source a manager may pick: each model of the project
    (followed as it retrains), then each prediction set."""
    models = session.execute(
        select(MLModel.id, MLModel.title).where(MLModel.project_id == project_id).order_by(MLModel.id)
    ).all()
    return [
        *((str(LiveSource.of_model(mid)), f"Model {title}: its newest predictions, as it retrains") for mid, title in models),
        *((str(LiveSource.of_version(v)), f"Prediction set {v}") for v in model_versions(session, project_id)),
    ]


def chosen_version(session: Session, project: Project) -> str | None:
    """The source's set when a source is chosen, else the project's newest prediction set."""
    if project.live_predictions_source:
        return source_version(session, project)
    return session.scalar(
        select(Prediction.model_version).where(Prediction.project_id == project.id)
        .order_by(Prediction.id.desc()).limit(1)
    )


def live_prediction(session: Session, project: Project, task: Task) -> Prediction | None:
    version = source_version(session, project)
    # An AL-1 audit task is labeled blind: a pre-fill would bias the measured accuracy.
    if version is None or is_audit_task(session, task.id):
        return None
    return session.scalar(
        select(Prediction).where(Prediction.task_id == task.id, Prediction.model_version == version)
        .order_by(Prediction.id.desc()).limit(1)
    )
