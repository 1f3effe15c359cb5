"""JSON shapes in Label Studio's field names."""
from __future__ import annotations

from webapp.io.export_json import annotation_entry, iso, prediction_entry
from webapp.models import Annotation, Prediction, Project, Task, User
from webapp.project_settings import settings_json
from webapp.projects import ProjectCounts


def project_json(project: Project, counts: ProjectCounts | None = None) -> dict:
    body = {
        "id": project.id,
        "workspace": project.workspace_id,
        "created_by": project.created_by_id,
        "created_at": iso(project.created_at),
        "updated_at": iso(project.updated_at),
        **settings_json(project),
    }
    if counts is not None:
        body.update(
            task_number=counts.tasks,
            num_tasks_with_annotations=counts.labeled,
            total_annotations_number=counts.annotations,
        )
    return body


def annotation_json(a: Annotation) -> dict:
    return {**annotation_entry(a), "task": a.task_id, "project": a.project_id}


def prediction_json(p: Prediction) -> dict:
    return {**prediction_entry(p), "task": p.task_id, "project": p.project_id}


def task_json(task: Task, annotations=(), predictions=()) -> dict:
    return {
        "id": task.id,
        "project": task.project_id,
        "data": task.data,
        "meta": task.meta,
        "overlap": task.overlap,
        "is_labeled": task.is_labeled,
        "total_annotations": task.total_annotations,
        "cancelled_annotations": task.cancelled_annotations,
        "total_predictions": task.total_predictions,
        "created_at": iso(task.created_at),
        "updated_at": iso(task.updated_at),
        "annotations": [annotation_json(a) for a in annotations],
        "predictions": [prediction_json(p) for p in predictions],
    }


def user_json(user: User) -> dict:
    return {
        "id": user.id,
        "email": user.email,
        "username": user.email,
        "first_name": user.name,
        "role": user.org_role.value,
        "active_organization": user.organization_id,  # Label Studio's whoami carries it
    }
