"""Reactions of the ml domain to annotation and task changes (registered in webapp/event_registry.py).

Training on submission (ML-2) only queues a debounced job in the writer's transaction;
the scheduler's job runner trains, never the request thread.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from webapp.hooks import AnnotationChange, AnnotationEvent
from webapp.ml import actions  # noqa: F401 - registers the Data Manager bulk actions (ML-6)
from webapp.models.ml import MLModel, ModelKind


def train_on_submission(session: Session, event: AnnotationEvent) -> None:
    """ML-2: the built-in model queues a debounced training; an ML backend gets the
    annotation's ANNOTATION_CREATED/UPDATED webhook from a background job."""
    if event.change not in (AnnotationChange.CREATED, AnnotationChange.UPDATED):
        return
    if not event.project.start_training_on_annotation_update or event.annotation.from_model:
        return
    from webapp.ml.training import enqueue_backend_webhook, enqueue_training

    models = session.scalars(select(MLModel).where(
        MLModel.project_id == event.project.id, MLModel.is_active.is_(True),
        MLModel.kind.in_([ModelKind.BUILTIN, ModelKind.ML_BACKEND]),
    )).all()
    for model in models:
        if model.kind is ModelKind.BUILTIN:
            enqueue_training(session, model)
        else:
            enqueue_backend_webhook(session, model, event.change.value, event.annotation.id)
