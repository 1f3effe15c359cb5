"""Label Studio's /api/tasks (issue 16 point 1): the paginated list `tasks.list` pages
through, create, change, delete, and a project's "delete all tasks".

The list is the Data Manager's (same scope, filters and withheld columns); creating goes
through the importer, deleting through the Data Manager's delete action, so counters,
caches and webhooks follow as they do there.
"""
from __future__ import annotations

from flask import request
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.exceptions import BadRequest

from webapp.access import Action, authorize_project, authorize_task
from webapp.data_manager import matching
from webapp.data_manager.actions import delete_tasks
from webapp.data_manager.label_studio_query import QueryError, query_args
from webapp.extensions import db
from webapp.io import TaskImportError, import_records
from webapp.io.task_edits import TASK_FIELDS, update_task
from webapp.models import Project, Task
from webapp.views.api import json_body, route
from webapp.views.api.tasks import data_manager_page, tasks_with_children
from webapp.views.api.serializers import task_json

ALL_FIELDS = "all"  # Label Studio's fields=all: with annotations and predictions


def import_error(exc: TaskImportError):
    db.session.rollback()
    return {"detail": exc.message, "status_code": 400}, 400


def _project_in(source: dict, action: Action) -> Project:
    project_id = source.get("project")
    if isinstance(project_id, str) and project_id.isdigit():
        project_id = int(project_id)
    if not isinstance(project_id, int) or isinstance(project_id, bool):
        raise BadRequest("Give the project: 'project' (its id).")
    return authorize_project(db.session, current_user, project_id, action)


@route("/tasks", methods=["GET"])
def list_page():
    """`{"tasks", "total", "total_annotations", "total_predictions"}`, totals over every
    task the filters match; a page past the end is empty (the SDK's pager stops there).
    Filters: the Data Manager's URL parameters, or Label Studio's `query` JSON."""
    project = _project_in(request.args, Action.VIEW_DATA_MANAGER)
    try:
        extra = query_args(request.args["query"]) if request.args.get("query") else None
    except QueryError as exc:
        raise BadRequest(str(exc)) from None
    tasks, viewer, query = data_manager_page(project, extra)
    if request.args.get("fields") != ALL_FIELDS:
        for task in tasks:
            del task["annotations"], task["predictions"]
    ids = matching(db.session, project, viewer, query).subquery()
    total, annotations, predictions = db.session.execute(
        select(func.count(), func.coalesce(func.sum(Task.total_annotations), 0),
               func.coalesce(func.sum(Task.total_predictions), 0)).where(Task.id.in_(select(ids.c.id)))
    ).one()
    return {"tasks": tasks, "total": total, "total_annotations": int(annotations),
            "total_predictions": int(predictions)}


@route("/tasks", methods=["POST"])
def create():
    body = json_body()
    project = _project_in(body, Action.MANAGE)
    record = {key: body[key] for key in TASK_FIELDS if body.get(key) is not None}
    if "data" not in record:
        raise BadRequest("'data' (a JSON object) is required.")
    try:
        created = import_records(db.session, project, current_user, [record])
    except TaskImportError as exc:
        return import_error(exc)
    return task_json(db.session.get(Task, created.task_ids[0])), 201


@route("/tasks/<int:task_id>", methods=["PATCH"])
def update(task_id: int):
    """Label Studio's update for `data` and `meta`; the counters are the server's."""
    task = authorize_task(db.session, current_user, task_id, Action.MANAGE)
    body = {key: value for key, value in json_body().items() if value is not None}
    unknown = sorted(set(body) - TASK_FIELDS - {"project"})
    if unknown:
        raise BadRequest(f"Unknown or read-only field(s): {', '.join(unknown)}.")
    if body.get("project", task.project_id) != task.project_id:
        raise BadRequest("A task cannot move to another project.")
    try:
        update_task(db.session, db.session.get(Project, task.project_id), task, body)
    except TaskImportError as exc:
        return import_error(exc)
    return tasks_with_children([task])[0]


@route("/tasks/<int:task_id>", methods=["DELETE"])
def delete(task_id: int):
    task = authorize_task(db.session, current_user, task_id, Action.MANAGE)
    delete_tasks(db.session, db.session.get(Project, task.project_id), current_user, [task.id])
    return "", 204


@route("/projects/<int:project_id>/tasks", methods=["DELETE"])
def delete_all(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.MANAGE)
    ids = list(db.session.scalars(select(Task.id).where(Task.project_id == project.id).order_by(Task.id)))
    delete_tasks(db.session, project, current_user, ids)
    return "", 204
