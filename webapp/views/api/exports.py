"""Label Studio's export snapshots, `projects.exports` (issue 16 point 1): create (made in
the background), list, get, download, delete, under /api/projects/<id>/exports.

Snapshots are JSON files in QUORUM_EXPORT_DIR (default: the instance folder's `exports`),
which every process serving the app must share.
"""
from __future__ import annotations

import os

from flask import current_app, request, send_file
from flask_login import current_user
from werkzeug.exceptions import BadRequest

from webapp.access import Action, authorize_project, not_found
from webapp.extensions import db
from webapp.io.snapshots import delete_snapshot, request_snapshot, snapshot, snapshot_file, snapshots
from webapp.models.ml import BackgroundJob, JobStatus
from webapp.views.api import route
from webapp.views.api.serializers import iso

# Label Studio's names for a snapshot's state.
STATUS = {JobStatus.PENDING: "created", JobStatus.RUNNING: "in_progress", JobStatus.DONE: "completed",
          JobStatus.FAILED: "failed"}
SNAPSHOT_FORMAT = "JSON"


def export_json(job: BackgroundJob) -> dict:
    return {"id": job.id, "title": job.params.get("title", ""), "status": STATUS[job.status],
            "created_by": {"id": job.params.get("created_by")}, "created_at": iso(job.created_at),
            "finished_at": iso(job.finished_at), "converted_formats": [],
            "task_filter_options": {"only_with_annotations": job.params.get("only_annotated", False)}}


def _directory() -> str:
    return current_app.config.get("QUORUM_EXPORT_DIR") or os.path.join(current_app.instance_path, "exports")


def _snapshot(project_id: int, export_pk: int) -> BackgroundJob:
    project = authorize_project(db.session, current_user, project_id, Action.EXPORT)
    found = snapshot(db.session, project.id, export_pk)
    if found is None:
        raise not_found()
    return found


@route("/projects/<int:project_id>/exports", methods=["GET"])
def list_exports(project_id: int):
    project = authorize_project(db.session, current_user, project_id, Action.EXPORT)
    return [export_json(job) for job in snapshots(db.session, project.id)]


@route("/projects/<int:project_id>/exports", methods=["POST"])
def create(project_id: int):
    """`title`, `task_filter_options.only_with_annotations` (default: every task)."""
    project = authorize_project(db.session, current_user, project_id, Action.EXPORT)
    body = request.get_json(silent=True) or {}
    filters = body.get("task_filter_options") or {}
    if not isinstance(filters, dict):
        raise BadRequest("'task_filter_options' must be a JSON object.")
    job = request_snapshot(db.session, project, current_user.id, str(body.get("title") or ""),
                           bool(filters.get("only_with_annotations", False)), _directory())
    db.session.commit()
    return export_json(job), 201


@route("/projects/<int:project_id>/exports/<int:export_pk>", methods=["GET"])
def read(project_id: int, export_pk: int):
    return export_json(_snapshot(project_id, export_pk))


@route("/projects/<int:project_id>/exports/<int:export_pk>/download", methods=["GET"])
def download(project_id: int, export_pk: int):
    job = _snapshot(project_id, export_pk)
    wanted = request.args.get("exportType") or request.args.get("export_type") or SNAPSHOT_FORMAT
    if wanted.upper() != SNAPSHOT_FORMAT:
        raise BadRequest("Snapshots are JSON; for another format use /api/projects/<id>/export?export_type=.")
    if job.status is not JobStatus.DONE:
        raise BadRequest(f"The export is {STATUS[job.status]}, not completed.")
    return send_file(snapshot_file(job), mimetype="application/json", as_attachment=True)


@route("/projects/<int:project_id>/exports/<int:export_pk>", methods=["DELETE"])
def delete(project_id: int, export_pk: int):
    delete_snapshot(db.session, _snapshot(project_id, export_pk))
    return "", 204
