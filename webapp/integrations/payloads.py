"""Objects in Label Studio's JSON shape, for webhook payloads and target storages."""
from __future__ import annotations

from webapp.io.export_json import annotation_entry, iso
from webapp.models import Annotation, Project, Review, ReviewAction, Task

_ACCEPTING = (ReviewAction.ACCEPT, ReviewAction.FIX_AND_ACCEPT)


def project_payload(project: Project) -> dict:
    return {
        "id": project.id,
        "title": project.title,
        "description": project.description,
        "created_by": project.created_by_id,
        "created_at": iso(project.created_at),
        "updated_at": iso(project.updated_at),
    }


def task_payload(task: Task) -> dict:
    return {
        "id": task.id,
        "data": task.data,
        "meta": task.meta,
        "is_labeled": task.is_labeled,
        "total_annotations": task.total_annotations,
        "created_at": iso(task.created_at),
        "updated_at": iso(task.updated_at),
        "project": task.project_id,
    }


def annotation_payload(annotation: Annotation) -> dict:
    return {**annotation_entry(annotation), "task": annotation.task_id, "project": annotation.project_id}


def review_payload(review: Review) -> dict:
    """Label Studio Enterprise's review object, plus Quorum's exact action and comment."""
    fixed = review.action is ReviewAction.FIX_AND_ACCEPT
    return {
        "id": review.id,
        "annotation": review.annotation_id,
        "created_by": review.reviewer_id,
        "accepted": review.action in _ACCEPTING,
        "action": review.action.value,
        "remove_from_queue": review.action is ReviewAction.REJECT_REMOVE,
        "comment": review.comment,
        "previous_annotation_history_result": review.previous_result if fixed else None,
        "created_at": iso(review.created_at),
    }


def exported_annotation(task: Task, annotation: Annotation) -> dict:
    """What a target storage stores per annotation: Label Studio's export of the task
    with this one annotation."""
    return {
        **task_payload(task),
        "annotations": [annotation_payload(annotation)],
        "predictions": [],
    }
