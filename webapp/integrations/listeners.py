"""Reactions of the integrations domain to annotation, task, review, training and project
events (registered last in webapp/event_registry.py, so payloads show the final state): webhook outbox rows, written in the changing transaction, and target
storages that write on every submit asking for a sync."""
from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from webapp.hooks import (
    AnnotationChange, AnnotationEvent, ProjectUpdatedEvent, ReviewEvent, TasksEvent, TrainingEvent,
)
from webapp.integrations.payloads import annotation_payload, project_payload, review_payload, task_payload
from webapp.integrations.webhooks import enqueue
from webapp.models import Project, Storage

# A skip is an annotation with was_cancelled, as in Label Studio.
_ANNOTATION_ACTIONS = {
    AnnotationChange.CREATED: "ANNOTATION_CREATED",
    AnnotationChange.SKIPPED: "ANNOTATION_CREATED",
    AnnotationChange.UPDATED: "ANNOTATION_UPDATED",
    AnnotationChange.DELETED: "ANNOTATIONS_DELETED",
}


def annotation_webhooks(session: Session, event: AnnotationEvent) -> None:
    action = _ANNOTATION_ACTIONS[event.change]
    if event.change is AnnotationChange.DELETED:
        def payload() -> dict:
            return {"annotations": [{"id": event.annotation.id}], "project": project_payload(event.project)}
    else:
        def payload() -> dict:
            return {
                "task": task_payload(event.task),
                "annotation": annotation_payload(event.annotation),
                "project": project_payload(event.project),
            }
    enqueue(session, event.project.id, action, payload)
    _request_target_sync(session, event.project.id)


def tasks_webhooks(session: Session, event: TasksEvent) -> None:
    # Ids only: an import of 100,000 tasks must not build a 100,000-task payload.
    enqueue(session, event.project.id, event.change.value, lambda: {
        "tasks": [{"id": task_id} for task_id in event.task_ids],
        "project": project_payload(event.project),
    })


def review_webhooks(session: Session, event: ReviewEvent) -> None:
    enqueue(session, event.project.id, event.change.value, lambda: {
        "review": review_payload(event.review),
        "annotation": annotation_payload(event.annotation),
        "task": task_payload(event.task),
        "project": project_payload(event.project),
    })


def training_webhooks(session: Session, event: TrainingEvent) -> None:
    enqueue(session, event.project_id, "START_TRAINING", lambda: {
        "project": project_payload(session.get(Project, event.project_id)),
    })


def project_updated_webhooks(session: Session, event: ProjectUpdatedEvent) -> None:
    """Inside the settings save's transaction (webapp/project_events.py)."""
    enqueue(session, event.project.id, "PROJECT_UPDATED", lambda: {
        "project": project_payload(event.project), "fields": sorted(set(event.fields)),
    })


def _request_target_sync(session: Session, project_id: int) -> None:
    session.execute(
        update(Storage)
        .where(Storage.project_id == project_id, Storage.role == "target", Storage.write_on_submit.is_(True))
        .values(sync_requested=True)
    )
