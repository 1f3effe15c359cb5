"""Tasks: paged list, one task, and the next task for the current annotator."""
from __future__ import annotations

from dataclasses import replace

from flask import request
from flask_login import current_user
from sqlalchemy import select
from werkzeug.exceptions import BadRequest

from webapp.access import Action, authorize_project, authorize_task
from webapp.data_manager import TaskQuery, Viewer, load_page, parse_query, row_json, viewer_for
from webapp.extensions import db
from webapp.models import Annotation, Prediction, Project, Task
from webapp.queue import next_task
from webapp.views.api import route
from webapp.views.api.serializers import task_json

MAX_PAGE_SIZE = 1000


def _page_args() -> tuple[int, int]:
    page = request.args.get("page", 1, type=int)
    size = request.args.get("page_size", 100, type=int)
    if page < 1 or not 1 <= size <= MAX_PAGE_SIZE:
        raise BadRequest(f"page must be >= 1 and page_size 1..{MAX_PAGE_SIZE}.")
    return page, size


def tasks_with_children(tasks: list[Task], annotator_id: int | None = None) -> list[dict]:
    """Serialise a page of tasks with one IN query per child table.

    With `annotator_id`, only that user's annotations are included.
    """
    ids = [t.id for t in tasks]
    annotations: dict[int, list] = {i: [] for i in ids}
    predictions: dict[int, list] = {i: [] for i in ids}
    if ids:
        stmt = select(Annotation).where(Annotation.task_id.in_(ids)).order_by(Annotation.id)
        if annotator_id is not None:
            stmt = stmt.where(Annotation.completed_by_id == annotator_id)
        for a in db.session.scalars(stmt):
            annotations[a.task_id].append(a)
    if ids:
        for p in db.session.scalars(select(Prediction).where(Prediction.task_id.in_(ids)).order_by(Prediction.id)):
            predictions[p.task_id].append(p)
    return [task_json(t, annotations[t.id], predictions[t.id]) for t in tasks]


def data_manager_page(project: Project, extra_args: dict[str, str] | None = None
                      ) -> tuple[list[dict], Viewer, TaskQuery]:
    """The Data Manager's tasks for this user: same scope, filters, ordering and withheld
    columns as the page (OPT-3, REV-6, REV-8); paged by page/page_size. `extra_args` are
    Data Manager URL parameters over the request's."""
    page, size = _page_args()
    viewer = viewer_for(db.session, current_user, project)
    args = {**request.args.to_dict(), **extra_args} if extra_args else request.args
    query = replace(parse_query(args, viewer), page=page, size=size)
    rows = load_page(db.session, project, viewer, query, columns=viewer.columns).rows
    annotator_id = None if viewer.sees_all_annotations else current_user.id
    body = tasks_with_children([r.task for r in rows], annotator_id=annotator_id)
    return [row_json(row, viewer, item) for item, row in zip(body, rows)], viewer, query


@route("/projects/<int:project_id>/tasks", methods=["GET"])
def list_tasks(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.VIEW_DATA_MANAGER)
    return data_manager_page(project)[0]


@route("/tasks/<int:task_id>", methods=["GET"])
def read(task_id: int):
    """As the Data Manager shows it: annotators see only their own annotations, reviewers
    and managers every one (as /api/annotations/<id> does); agreement follows the column
    rules (OPT-3, REV-8)."""
    task = authorize_task(db.session, current_user, task_id, Action.VIEW)
    viewer = viewer_for(db.session, current_user, db.session.get(Project, task.project_id))
    annotator_id = None if viewer.sees_all_annotations else current_user.id
    body = tasks_with_children([task], annotator_id=annotator_id)[0]
    if "agreement" in viewer.columns:
        body["agreement"] = task.agreement
    return body


@route("/projects/<int:project_id>/next", methods=["GET"])
def next_(project_id: int):
    authorize_project(db.session, current_user, project_id, Action.ANNOTATE)
    task = next_task(db.session, project_id, current_user.id)
    if task is None:
        return {"detail": "No more tasks to label.", "status_code": 404}, 404
    return tasks_with_children([task], annotator_id=current_user.id)[0]
