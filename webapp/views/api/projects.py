"""Projects: list, create, read, change, delete, import, export."""
from __future__ import annotations

from flask import current_app, request
from flask_login import current_user
from sqlalchemy import func, select
from werkzeug.exceptions import BadRequest, Forbidden

from webapp.access import Action, authorize_project, may_create_projects, visible_projects
from webapp.extensions import db
from webapp.io import EXPORT_FORMATS, ExportError, TaskImportError, import_records, import_tasks
from webapp.project_settings import apply_settings
from webapp.project_updates import update_settings
from webapp.projects import NewProject, ProjectError, create_project, delete_project, project_counts
from webapp.secret_box import box_from_config
from webapp.request_limits import large_body
from webapp.views.api import json_body, route
from webapp.views.api.serializers import project_json
from webapp.views.exports import export_response


def project_error(exc: ProjectError):
    db.session.rollback()
    return {"detail": exc.message, "validation_errors": {exc.field: [exc.message]}, "status_code": 400}, 400


@route("/projects", methods=["GET"])
def list_projects():
    """`{"count", "results"}`, paged by `page` and `page_size` (every project on page 1
    without one); a page past the end is empty, where the SDK's pager stops."""
    page = request.args.get("page", 1, type=int)
    size = request.args.get("page_size", type=int)
    if page < 1 or (size is not None and size < 1):
        raise BadRequest("page and page_size must be >= 1.")
    stmt = visible_projects(current_user)
    count = db.session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery()))
    if size is not None:
        stmt = stmt.offset((page - 1) * size).limit(size)
    projects = db.session.scalars(stmt).all() if size is not None or page == 1 else []
    counts = project_counts(db.session, [p.id for p in projects])
    return {"count": count, "results": [project_json(p, counts[p.id]) for p in projects]}


@route("/projects", methods=["POST"])
def create():
    if not may_create_projects(current_user):
        raise Forbidden("Only managers and administrators create projects.")
    body = json_body()
    new = NewProject(
        title=body.get("title", ""),
        label_config=body.get("label_config", ""),
        template=body.get("template"),
        description=body.get("description", ""),
        color=body.get("color") or "#6366f1",
        workspace_id=body.get("workspace"),
    )
    try:
        project = create_project(db.session, current_user, new)
        extra = {k: v for k, v in body.items() if k not in ("title", "label_config", "template", "description", "color", "workspace")}
        apply_settings(project, extra)
    except ProjectError as exc:
        return project_error(exc)
    db.session.commit()
    return project_json(project), 201


@route("/projects/<int:project_id>", methods=["GET"])
def read(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.VIEW)
    return project_json(project, project_counts(db.session, [project.id])[project.id])


@route("/projects/<int:project_id>", methods=["PATCH"])
def update(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.MANAGE)
    try:
        update_settings(
            db.session, project, current_user, json_body(), box=box_from_config(current_app.config)
        )
    except ProjectError as exc:
        return project_error(exc)
    db.session.commit()
    return project_json(project)


@route("/projects/<int:project_id>", methods=["DELETE"])
def delete(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.MANAGE)
    delete_project(db.session, project)
    db.session.commit()
    return "", 204


@route("/projects/<int:project_id>/import", methods=["POST"])
@large_body
def import_(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.MANAGE)
    try:
        if request.files:
            upload = next(iter(request.files.values()))
            result = import_tasks(db.session, project, current_user, upload.filename or "", upload.stream)
        else:
            body = request.get_json(silent=True)
            if body is None:
                raise BadRequest("Send a file (multipart) or a JSON list of tasks.")
            result = import_records(db.session, project, current_user, body if isinstance(body, list) else [body])
    except TaskImportError as exc:
        db.session.rollback()
        return {"detail": f"Nothing was imported. {exc.message}", "status_code": 400}, 400
    return {
        "task_count": result.task_count,
        "annotation_count": result.annotation_count,
        "prediction_count": result.prediction_count,
        "duration": result.seconds,
    }, 201


@route("/projects/<int:project_id>/export", methods=["GET"])
def export(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.EXPORT)
    try:
        return export_response(
            project,
            # Label Studio's SDK sends export_type, its web UI exportType (issue 16 point 6).
            request.args.get("export_type") or request.args.get("exportType", "JSON"),
            only_annotated=request.args.get("download_all_tasks", "false").lower() != "true",
        )
    except ExportError as exc:
        raise BadRequest(str(exc)) from exc


@route("/projects/<int:project_id>/export/formats", methods=["GET"])
def export_formats(project_id: int):
    """Label Studio's `exports.list_formats`: the formats `export_type` accepts."""
    authorize_project(db.session, current_user, project_id, Action.EXPORT)
    return [{"name": name, "title": name} for name in EXPORT_FORMATS]
